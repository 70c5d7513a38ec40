"""``s6py overlay release``: the tarballs of one commit, the same bytes every time.

What it adds to ``s6py overlay build``:

* the files are the commit's (``git archive``), not the working tree's, so
  no local edit, untracked file or ``__pycache__`` can change the bytes (a
  warning says when the working tree differs from the commit released);
* the vendored dependencies are the pinned release wheels or a failure,
  never the installed ones (``deps``' "pinned");
* every member's mtime is the commit's time (or ``$SOURCE_DATE_EPOCH``),
  and the manifest records the commit.

Two releases of one commit are byte-identical (tests/overlays/test_release).
"""
from __future__ import annotations

import io
import os
import subprocess
import tarfile
import tempfile

from overlays.build import PACKAGES, REPO, BuildError, Built, build

TREES = ("pyproject.toml", *PACKAGES, "overlays")  # what the build reads


def _git(repo: str, *args: str, binary: bool = False):
    try:
        p = subprocess.run(["git", "-C", repo, *args], capture_output=True, timeout=120)
    except (OSError, subprocess.SubprocessError) as e:
        raise BuildError(f"git {args[0]}: {e}") from None
    if p.returncode != 0:
        raise BuildError(f"git {' '.join(args[:3])}: "
                         f"{p.stderr.decode(errors='replace').strip() or 'failed'}")
    return p.stdout if binary else p.stdout.decode().strip()


def snapshot(repo: str, commit: str, dest: str) -> None:
    """The commit's TREES into dest, as git archive writes them."""
    data = _git(repo, "archive", "--format=tar", commit, "--", *TREES, binary=True)
    with tarfile.open(fileobj=io.BytesIO(data)) as tf:
        kw = {"filter": "data"} if hasattr(tarfile, "data_filter") else {}
        tf.extractall(dest, **kw)


def epoch_of(repo: str, commit: str, environ: dict | None = None) -> int:
    env = os.environ if environ is None else environ
    if env.get("SOURCE_DATE_EPOCH", "").isdigit():
        return int(env["SOURCE_DATE_EPOCH"])
    return int(_git(repo, "log", "-1", "--format=%ct", commit))


def release(out: str, rev: str = "HEAD", repo: str = REPO, cache: str | None = None) -> Built:
    """Build rev's tarballs, .sha256 files and manifest into out; raises BuildError."""
    commit = _git(repo, "rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}")
    warnings = []
    if commit == _git(repo, "rev-parse", "HEAD") and \
            _git(repo, "status", "--porcelain", "--untracked-files=no", "--", *TREES):
        warnings.append(f"the working tree has uncommitted changes: they are not in this "
                        f"release of {commit[:12]}")
    with tempfile.TemporaryDirectory(prefix="s6py-release-") as tmp:
        snapshot(repo, commit, tmp)
        built = build(out, epoch_of(repo, commit), repo=tmp, source="pinned", cache=cache,
                      commit=commit)
    return Built(built.written, warnings + built.warnings,
                 f"release of {commit[:12]}: {built.summary}")
