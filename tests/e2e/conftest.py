"""Fixtures for the end-to-end tests: the overlay tarballs, built once and extracted as users do.

Every test here boots a root filesystem under ``python3 -m init.sandbox``
with ``/init`` from the built tarballs as PID 1 (never the working tree's
packages), so what is checked is what users install.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys

import pytest

from overlays import build as ob
from tests.e2e import install
from tests.init.sandbox.helpers import require_sandbox

EPOCH = 1700000000

def _floor() -> tuple[int, int]:
    """The sandboxed roots run the host's python3 (the host's / is the base image), which
    may not be the interpreter running pytest: build for the older of the two."""
    from overlays.demo.prepare import image_python, python_minor
    python = image_python()
    minor = python_minor(python) if python else sys.version_info.minor
    return (3, min(minor, sys.version_info.minor))


FLOOR = _floor()


@pytest.fixture(scope="session")
def overlay_dist(tmp_path_factory) -> str:
    """The three tarballs and their .sha256 files, built from a snapshot of the sources."""
    snap = tmp_path_factory.mktemp("e2e-sources")
    skip = shutil.ignore_patterns("__pycache__", "*.pyc")
    for name in ob.PACKAGES + ("overlays",):
        shutil.copytree(os.path.join(ob.REPO, name), snap / name, symlinks=True, ignore=skip)
    shutil.copy(os.path.join(ob.REPO, "pyproject.toml"), snap)
    out = tmp_path_factory.mktemp("e2e-dist")
    ob.build(str(out), EPOCH, floor=FLOOR, repo=str(snap))
    return str(out)


def extract(dist: str, dest: str, names=(ob.MAIN, ob.SYMLINKS, ob.SYSLOGD)) -> str:
    """Extract tarballs as a Dockerfile's ``ADD``/``tar -xJpf`` would; returns dest."""
    os.makedirs(dest, exist_ok=True)
    for name in names:
        subprocess.run(["tar", "-C", dest, "-xJpf", os.path.join(dist, name)], check=True)
    return dest


@pytest.fixture(scope="session")
def overlay_layer(overlay_dist, tmp_path_factory) -> str:
    """s6py-overlay + symlinks (no syslogd) extracted into a directory usable as --layer."""
    require_sandbox()
    return extract(overlay_dist, str(tmp_path_factory.mktemp("e2e-layer")), (ob.MAIN, ob.SYMLINKS))


@pytest.fixture(scope="session")
def syslogd_layer(overlay_dist, tmp_path_factory) -> str:
    """The syslogd overlay alone, to stack over overlay_layer."""
    require_sandbox()
    return extract(overlay_dist, str(tmp_path_factory.mktemp("e2e-syslogd")), (ob.SYSLOGD,))


@pytest.fixture(scope="session")
def readme_install(tmp_path_factory) -> install.Installed:
    """The README's Installing commands, run on a clean clone of the commit (slow: a venv, a
    pip install, the wheels fetched for Python 3.9)."""
    try:
        done = install.install(str(tmp_path_factory.mktemp("readme-install")))
    except install.NoCheckout as e:
        pytest.skip(f"no clean clone to install from: {e}")
    out = "\n".join((done.process.stdout + done.process.stderr).splitlines()[-30:])
    assert done.process.returncode == 0, f"the README's install commands failed:\n{out}"
    print(f"\nREADME install in {done.clone}:\n{out}")
    return done
