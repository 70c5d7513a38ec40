"""The README's Installing commands on a clean clone: what they build, and that it is the release.

``readme_install`` (conftest) runs the README's block, copied literally, in a
fresh clone with a fresh venv and an empty wheel cache.  Here: the build
says in one line what it vendored for which floor, the manifest agrees with
the pins, the checksums verify, and ``s6py overlay release`` of the same
commit, fetching afresh into another cache, writes the same tarballs byte
for byte.  test_e2e_debian boots these tarballs on bookworm and bullseye,
test_e2e_busybox on the Alpine-like root.
"""
from __future__ import annotations

import json
import os
import re
import subprocess

import pytest

from overlays import build as ob
from overlays import manifest

pytestmark = pytest.mark.slow

NAMES = (ob.MAIN, ob.SYMLINKS, ob.SYSLOGD)


def pins(clone: str) -> dict[str, str]:
    with open(os.path.join(clone, "overlays", "vendor-requirements.txt")) as f:
        return dict(re.findall(r"(?m)^([A-Za-z0-9_.-]+)==(\S+)", f.read()))


def load(dist: str) -> dict:
    with open(os.path.join(dist, manifest.NAME)) as f:
        return json.load(f)


def test_the_build_says_what_it_vendored_for_which_floor(readme_install):
    p = readme_install.process
    lines = [ln for ln in p.stderr.splitlines() if ln.startswith("s6py overlay build: ")]
    assert len(lines) == 1, p.stderr           # no warning: nothing pending, nothing fell back
    versions = ", ".join(f"{k} {v}" for k, v in sorted(pins(readme_install.clone).items()))
    cache = os.path.join(readme_install.home, ".cache", "s6py")
    assert re.fullmatch(
        rf"s6py overlay build: info: vendored for Python >= 3\.9: {re.escape(versions)} \(the "
        r"release wheels pinned in overlays/vendor-requirements\.txt, fetched now into "
        rf"{re.escape(cache)}/vendor-py3\.9-[0-9a-f]{{12}}\)", lines[0]), lines[0]
    doc = load(readme_install.dist)
    assert (doc["python_floor"], doc["vendored_from"], doc["vendored"]) == \
        ("3.9", "release", pins(readme_install.clone))
    assert sorted(os.listdir(readme_install.dist)) == sorted(
        [*NAMES, *(n + ".sha256" for n in NAMES), manifest.NAME])


def test_the_checksums_verify(readme_install):
    p = subprocess.run(["sha256sum", "-c", *(n + ".sha256" for n in NAMES)],
                       cwd=readme_install.dist, capture_output=True, text=True)
    assert p.returncode == 0 and p.stdout.count(": OK") == 3, p.stdout + p.stderr


def test_the_release_of_the_same_commit_is_the_same_bytes(readme_install, tmp_path):
    out = tmp_path / "release"
    env = readme_install.env(S6PY_CACHE=str(tmp_path / "cache"))  # fetched afresh
    p = subprocess.run(["s6py", "overlay", "release", "--out", str(out)],
                       cwd=readme_install.clone, env=env, capture_output=True, text=True,
                       timeout=600)
    assert p.returncode == 0, p.stderr
    assert f"release of {readme_install.commit[:12]}: vendored for Python >= 3.9: " in p.stderr
    assert "fetched now into" in p.stderr
    for name in NAMES:
        built = (os.path.join(readme_install.dist, name))
        with open(built, "rb") as a, open(out / name, "rb") as b:
            assert a.read() == b.read(), name
        with open(built + ".sha256") as a:
            assert a.read() == (out / (name + ".sha256")).read_text()
    released, built = load(str(out)), load(readme_install.dist)
    assert released.pop("commit") == readme_install.commit
    assert released == built
