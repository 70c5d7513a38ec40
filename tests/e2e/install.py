"""The README's Installing commands as a new user runs them: a clean clone, a fresh pip install.

Why: the tarballs the other tests boot are built by the test code; these are
built by the README's own block (``<!-- example: install -->``), copied
literally and run with ``sh -e`` in a clone of the commit under test, with
a HOME of its own (so pip's user configuration and s6py's wheel cache start
empty), none of the test run's ``PYTHONPATH`` or virtualenv, and this
machine's registry settings (``PIP_*``, /etc/pip.conf), as a user has them.

What is tested is the commit (``git clone``): uncommitted changes in the
working tree are not in it.
"""
from __future__ import annotations

import os
import subprocess
from dataclasses import dataclass

from overlays import build as ob
from tests.e2e import readme

TIMEOUT = 1200


class NoCheckout(Exception):
    """The sources are not a git checkout (or git is missing): nothing to clone."""


@dataclass(frozen=True)
class Installed:
    clone: str
    commit: str
    dist: str
    home: str
    process: subprocess.CompletedProcess

    def env(self, **extra: str) -> dict[str, str]:
        """The user's shell after the block: its venv first on PATH."""
        return user_env(self.home, PATH=os.path.join(self.clone, ".venv", "bin") + ":"
                        + os.environ.get("PATH", "/usr/bin:/bin"), **extra)


def git(*args: str, cwd: str = ob.REPO) -> str:
    try:
        p = subprocess.run(["git", "-C", cwd, *args], capture_output=True, text=True,
                           timeout=300)
    except OSError as e:
        raise NoCheckout(f"git: {e}") from None
    if p.returncode != 0:
        raise NoCheckout(f"git {' '.join(args)}: {p.stderr.strip()}")
    return p.stdout.strip()


def clean_clone(dest: str, repo: str = ob.REPO) -> str:
    """A clone of repo's HEAD commit in dest, checked out (detached); returns the commit."""
    commit = git("rev-parse", "HEAD", cwd=repo)
    git("clone", "--quiet", "--no-checkout", repo, dest, cwd=os.path.dirname(dest))
    git("checkout", "--quiet", "--detach", commit, cwd=dest)
    return commit


def user_env(home: str, **extra: str) -> dict[str, str]:
    keep = {k: v for k, v in os.environ.items()
            if k not in ("PYTHONPATH", "VIRTUAL_ENV", "S6PY_CACHE", "XDG_CACHE_HOME",
                         "SOURCE_DATE_EPOCH", "PYTHONHOME")}
    return dict(keep, HOME=home, **extra)


def install(tmp: str) -> Installed:
    """Clone, then run the README's install block in the clone; raises NoCheckout."""
    clone, home = os.path.join(tmp, "s6py"), os.path.join(tmp, "home")
    os.makedirs(home)
    commit = clean_clone(clone)
    block = readme.load()["install"]
    p = subprocess.run(["sh", "-ec", block], cwd=clone, env=user_env(home),
                       stdin=subprocess.DEVNULL, capture_output=True, text=True,
                       timeout=TIMEOUT)
    return Installed(clone, commit, os.path.join(clone, "dist"), home, p)
