"""The release wheels of the vendored dependencies, fetched with pip for the floor and cached.

Why pip: it reaches whatever registry this machine is set up for (PyPI, a
mirror in ``PIP_INDEX_URL``, a wheel directory in ``PIP_FIND_LINKS``), it
checks each wheel's ``Requires-Python`` against ``--python-version`` and its
hash against the one pinned in ``overlays/vendor-requirements.txt``.  The
wheels are installed with ``--target`` into a site directory (no bytecode,
no dependencies resolved behind our back: the file pins them all), which
``vendor.collect`` then vets and copies from.

Always the same wheel files, whatever the builder: ``--platform any`` plus
``manylinux2014_x86_64``, because watchdog publishes only platform-tagged
wheels, each the same pure-Python code (``vendor`` refuses an extension
module); the pinned hashes make sure of it.

The site is cached under ``$S6PY_CACHE`` (default ``$XDG_CACHE_HOME/s6py``,
i.e. ``~/.cache/s6py``) as ``vendor-py3.N-HASH``, HASH covering the
requirements file and the pip options: a second build needs no network.  It
is made in a temporary directory and renamed into place under a lock, so an
interrupted fetch leaves nothing that looks complete.
"""
from __future__ import annotations

import contextlib
import fcntl
import glob
import hashlib
import os
import re
import shutil
import subprocess
import sys
import tempfile

PLATFORMS = ("any", "manylinux2014_x86_64")
TIMEOUT = 600
QUIET = ("-q", "--disable-pip-version-check", "--no-input", "--no-warn-script-location",
         "--retries", "2", "--timeout", "30")  # offline: fail in seconds, not minutes


class FetchError(Exception):
    """Why the wheels could not be fetched, in a line or two (pip's own words)."""


def cache_dir(environ: dict[str, str] | None = None) -> str:
    env = os.environ if environ is None else environ
    if env.get("S6PY_CACHE"):
        return env["S6PY_CACHE"]
    base = env.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "s6py")


def pip_options(floor: tuple[int, int]) -> list[str]:
    """What goes after ``pip install --target DIR``, before ``-r FILE``."""
    out = ["--no-deps", "--no-compile", "--only-binary=:all:", "--require-hashes",
           "--python-version", f"{floor[0]}.{floor[1]}"]
    for platform in PLATFORMS:
        out += ["--platform", platform]
    return out


def command(floor: tuple[int, int], target: str, requirements: str, python: str = "python3",
            extra: tuple[str, ...] = ()) -> list[str]:
    return [python, "-m", "pip", "install", *extra, "--target", target, *pip_options(floor),
            "-r", requirements]


def site_name(floor: tuple[int, int], requirements_text: str) -> str:
    digest = hashlib.sha256("\0".join(pip_options(floor) + [requirements_text]).encode())
    return f"vendor-py{floor[0]}.{floor[1]}-{digest.hexdigest()[:12]}"


def reason(pip_stderr: str) -> str:
    """What pip said went wrong, in a line: its last ERROR (else its last line), without the
    list of every version it saw."""
    lines = [ln.strip() for ln in pip_stderr.splitlines() if ln.strip()]
    errors = [ln[len("ERROR:"):].strip() for ln in lines if ln.startswith("ERROR:")]
    last = re.sub(r"\s*\(from versions:[^)]*\)", "", (errors or lines or ["pip said nothing"])[-1])
    if any("require a different python version" in e for e in errors):
        last += " (the pinned release's Requires-Python excludes that Python)"
    return last


@contextlib.contextmanager
def _locked(path: str):
    with open(path, "w") as f:
        fcntl.flock(f, fcntl.LOCK_EX)
        yield


def fetch(floor: tuple[int, int], requirements: str, cache: str | None = None
          ) -> tuple[str, bool]:
    """(the site directory, whether it was fetched now rather than found cached)."""
    with open(requirements, encoding="utf-8") as f:
        text = f.read()
    cache = cache or cache_dir()
    final = os.path.join(cache, site_name(floor, text))
    if os.path.isdir(final):
        return final, False
    try:
        os.makedirs(cache, exist_ok=True)
    except OSError as e:
        raise FetchError(f"cannot create the cache {cache}: {e.strerror}") from None
    with _locked(final + ".lock"):
        if os.path.isdir(final):  # another build fetched it while we waited
            return final, False
        for stale in glob.glob(final + ".tmp-*"):
            shutil.rmtree(stale, ignore_errors=True)
        tmp = tempfile.mkdtemp(prefix=os.path.basename(final) + ".tmp-", dir=cache)
        try:
            argv = command(floor, tmp, requirements, sys.executable, QUIET)
            try:
                p = subprocess.run(argv, capture_output=True, text=True, timeout=TIMEOUT,
                                   stdin=subprocess.DEVNULL)
            except subprocess.TimeoutExpired:
                raise FetchError(f"pip took more than {TIMEOUT} s") from None
            if p.returncode != 0:
                raise FetchError(reason(p.stderr))
            os.chmod(tmp, 0o755)
            os.rename(tmp, final)
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
    return final, True
