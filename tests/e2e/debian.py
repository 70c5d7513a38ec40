"""A minimal Debian root, built once and cached between runs.

Why: the other end-to-end tests stack the tarballs over the host's /, the
very system that built them; a root made by debootstrap shares nothing with
the build host but the kernel, so a missing shim, a stray dependency on the
host's site-packages or a wrong shebang shows up there.

The roots live under ``$S6PY_TEST_CACHE`` (default
``/var/cache/s6py-tests``), named by a hash of what goes in them; each is
built in a temporary directory next to its final name and renamed into
place, under a lock file, so parallel runs wait for one another and an
interrupted build leaves nothing that looks finished.

debootstrap runs in two stages: ``--foreign`` on the host only downloads
and unpacks; ``--second-stage`` (the maintainer scripts) runs chrooted
inside ``python3 -m init.sandbox`` with a private network, so a package's
postinst can start nothing on the host (debootstrap's second stage also
puts its own ``exit 101`` policy-rc.d in place while it configures the
packages, and removes it at the end: the root has none) and its /proc
mounts vanish with the namespace.
"""
from __future__ import annotations

import contextlib
import fcntl
import glob
import hashlib
import os
import shutil
import subprocess
import tempfile
import time
import urllib.request

from tests.init.sandbox.helpers import sandbox

CACHE = os.environ.get("S6PY_TEST_CACHE", "/var/cache/s6py-tests")
MIRROR = os.environ.get("S6PY_DEBIAN_MIRROR", "http://deb.debian.org/debian")
# bookworm: python3 3.11; bullseye: 3.9, the overlay's floor
SUITES = tuple(os.environ.get("S6PY_DEBIAN_SUITES", "bookworm bullseye").split())
INCLUDE = ("nginx", "python3")
RECIPE = "1"  # bump when the way the root is made changes


class Unavailable(Exception):
    """A registry or tool this machine does not have: the test skips, saying which."""


def key(*parts: str) -> str:
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()[:12]


@contextlib.contextmanager
def locked(path: str):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        fcntl.flock(f, fcntl.LOCK_EX)
        yield


def cached(name: str, make) -> tuple[str, float]:
    """CACHE/name, made by make(tmpdir) if absent; (path, seconds spent making it, 0 if cached)."""
    final = os.path.join(CACHE, name)
    with locked(final + ".lock"):
        if os.path.isdir(final):
            return final, 0.0
        for stale in glob.glob(os.path.join(CACHE, f".{name}.tmp-*")):  # interrupted runs
            shutil.rmtree(stale, ignore_errors=True)
        tmp = tempfile.mkdtemp(prefix=f".{name}.tmp-", dir=CACHE)
        start = time.monotonic()
        try:
            make(tmp)
            os.chmod(tmp, 0o755)
            os.rename(tmp, final)
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
        return final, time.monotonic() - start


def reachable(url: str) -> None:
    try:
        with urllib.request.urlopen(url, timeout=20) as r:
            r.read(1)
    except OSError as e:
        raise Unavailable(f"{url} unreachable: {e}") from None


def tail(text: str, n: int = 15) -> str:
    return "\n".join(text.splitlines()[-n:])


def debootstrap(dest: str, suite: str, include: tuple[str, ...] = INCLUDE) -> None:
    """A minbase root of suite with include's packages in dest/root."""
    if not shutil.which("debootstrap"):
        raise Unavailable("debootstrap is not installed")
    reachable(f"{MIRROR}/dists/{suite}/Release")
    root = os.path.join(dest, "root")
    p = subprocess.run(["debootstrap", "--foreign", "--variant=minbase",
                        "--include=" + ",".join(include), suite, root, MIRROR],
                       capture_output=True, text=True, timeout=1800)
    if p.returncode != 0:
        raise AssertionError(f"debootstrap --foreign failed ({p.returncode}):\n"
                             + tail(p.stdout + p.stderr) + "\n" + tail(_log(root)))
    p = sandbox("/", "--entrypoint", "/usr/sbin/chroot", "--network", "none",
                "--bind", f"{root}:/mnt/target", "--tmpdir", dest,
                "--", "/mnt/target", "/debootstrap/debootstrap", "--second-stage",
                timeout=1800)
    if p.returncode != 0:
        raise AssertionError(f"debootstrap --second-stage failed ({p.returncode}):\n"
                             + tail(p.stdout + p.stderr) + "\n" + tail(_log(root)))


def _log(root: str) -> str:
    try:
        with open(os.path.join(root, "debootstrap", "debootstrap.log")) as f:
            return f.read()
    except OSError:
        return ""


def debian_root(suite: str) -> tuple[str, float]:
    """(the root directory, seconds spent building it now)."""
    name = f"debian-{suite}-{key(suite, 'minbase', *sorted(INCLUDE), RECIPE)}"
    path, spent = cached(name, lambda dest: debootstrap(dest, suite))
    return os.path.join(path, "root"), spent
