"""Everything the demo sets up before the container boots: the host's checks and the two layers.

Kept apart from the run itself because it is plain file work with no
container involved: find the base image's python3 (whose minor version
is the overlay's floor), refuse early on a machine that cannot run the
demo, build the overlay tarballs and extract them into a layer as a
Dockerfile's ``ADD`` would, and write the example layer from its table.
Failures raise ``rules.Failure`` with the demo's exit code.
"""
from __future__ import annotations

import glob
import os
import shutil
import subprocess
import time

from overlays.demo.rules import CONTAINER_PATH, Failure, Say, missing

APP_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "app")


def image_python(root: str = "/") -> str | None:
    """The python3 the container's PATH finds in the base image (the host's /)."""
    for d in CONTAINER_PATH:
        path = os.path.join(root, d.lstrip("/"), "python3")
        if os.access(path, os.X_OK):
            return path
    return None


def python_minor(python: str) -> int:
    """The image python's minor version: the overlay is built for it and no newer."""
    p = subprocess.run([python, "-c", "import sys; print(sys.version_info[1])"],
                       capture_output=True, text=True, timeout=30)
    if p.returncode != 0 or not p.stdout.strip().isdigit():
        raise Failure(f"{python} does not run: {p.stderr.strip() or p.returncode}")
    return int(p.stdout)


def preflight() -> str:
    """The image's python3; Failure naming everything missing."""
    with open("/proc/filesystems") as f:
        filesystems = f.read()
    python = image_python()
    module = glob.glob(f"/lib/modules/{os.uname().release}/kernel/fs/overlayfs/overlay.ko*")
    lacks = missing(os.geteuid(), filesystems, lambda p: shutil.which(p) is not None, python,
                    bool(module))
    if lacks:
        raise Failure("this machine lacks: " + "; ".join(lacks))
    return python or ""


def app_sources() -> dict[str, str]:
    """The programs the example layer carries (``app/``), by file name."""
    out = {}
    for name in ("web.py", "cmd.py"):
        with open(os.path.join(APP_DIR, name)) as f:
            out[name] = f.read()
    return out


def write_layer(dest: str, table: dict[str, tuple[str, int]]) -> None:
    """A layer directory from a table of relative path -> (text, mode)."""
    for rel, (text, mode) in sorted(table.items()):
        path = os.path.join(dest, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w") as f:
            f.write(text)
        os.chmod(path, mode)


def build_overlay(work: str, floor: tuple[int, int], say: Say) -> str:
    """The tarballs in work/dist, extracted into work/overlay; returns the layer."""
    from overlays import build as ob

    dist, layer = os.path.join(work, "dist"), os.path.join(work, "overlay")
    say(f"== building the overlay (s6py overlay build --installed --python-floor 3.{floor[1]})")
    t = time.monotonic()
    try:
        written = ob.build(dist, floor=floor).written
    except ob.BuildError as e:
        raise Failure(f"the overlay build failed: {e}") from None
    except OSError as e:
        raise Failure(f"the overlay is built from a source checkout: {e}") from None
    for path in written:
        if path.endswith(".tar.xz"):
            say(f"   {os.path.basename(path):<38} {os.path.getsize(path):>9,} bytes")
    os.makedirs(layer)
    for name in (ob.MAIN, ob.SYMLINKS, ob.SYSLOGD):
        p = subprocess.run(["tar", "-C", layer, "-xJpf", os.path.join(dist, name)],
                           capture_output=True, text=True)
        if p.returncode != 0:
            raise Failure(f"tar -xJpf {name}: {p.stderr.strip()}")
    say(f"   built and extracted with tar -xJpf into a layer in {time.monotonic() - t:.1f} s")
    return layer
