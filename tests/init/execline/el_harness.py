"""Harness for the execline tests: run a script under the real execlineb and ours.

Both run with the same controlled environment and the same scratch
directory (recreated between the two runs), so outputs, exit codes, resulting
files and environment dumps can be compared byte for byte.  The real
execline is Debian's (/usr/lib/execline/bin first on PATH, as the brief
asks); differential tests skip when it is absent.

Two kinds of real programs have no Debian package: s6-portable-utils and
s6-overlay's own scripts.  Point ``S6PY_REAL_PORTABLE_UTILS`` at a directory
holding skarnet's binaries (built from the release, outside the repository)
and ``S6PY_REAL_S6_OVERLAY`` at a checkout of s6-overlay's sources; cases
that need them (Case.needs) then run live, and ``python3 -m
tests.init.execline.el_record`` stores what the real programs did in
recorded.json, which is what those cases are checked against elsewhere (CI).
Scratch paths are written ``@TMP@`` in recordings.

Both sides see the same PATH: ``@TMP@/.bin`` (envdump), ``@TMP@/.ovl``
(the real s6-overlay scripts, or our shims for them), ``@TMP@/.pu`` (links
to the real s6-portable-utils; empty for ours, which must run them itself),
then the system's.  ``S6PY_CONTAINER_ENV_DIR`` is set to ``@TMP@/ce`` on
both sides; the real with-contenv is copied with that path written in.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from overlays.shims import render

ROOT = Path(__file__).resolve().parents[3]
REAL_BIN = Path("/usr/lib/execline/bin")
REAL = REAL_BIN / "execlineb"
BASE_PATH = f"{REAL_BIN}:/usr/local/bin:/usr/bin:/bin"
BOOT = (f"import sys; sys.path.insert(0, {str(ROOT)!r}); "
        "from init.execline.{mod} import main; main(sys.argv[1:])")
OVL_SCRIPTS = "layout/rootfs-overlay/package/admin/s6-overlay-@VERSION@/command"
OVL_HELPERS = {
    "printcontenv": "init.helpers.printcontenv:main",
    "with-retries": "init.helpers.with_retries:main",
    "logutil-service": "init.helpers.logutil_service:main",
    "logutil-newfifo": "init.helpers.logutil_newfifo:main",
    "with-contenv": "init.execline.multicall:main",
}

needs_real = pytest.mark.skipif(not REAL.exists(), reason="real execline not installed")


def _dir_with(var: str, probe: str, sub: str = "") -> Path | None:
    v = os.environ.get(var)
    if not v:
        return None
    d = Path(v) / sub if sub else Path(v)
    return d if (d / probe).exists() else None


REAL_PU = _dir_with("S6PY_REAL_PORTABLE_UTILS", "s6-mkdir")
REAL_OVL = _dir_with("S6PY_REAL_S6_OVERLAY", "with-contenv", OVL_SCRIPTS)


def available() -> frozenset[str]:
    """The names of Case.needs that can run live here."""
    have = set()
    if REAL_PU:
        have.add("pu")
    if REAL_OVL:
        have.add("ovl")
    return frozenset(have)


def ours_cmd(mod: str = "execlineb") -> list[str]:
    """argv prefix that runs our execlineb (or multicall) without PYTHONPATH."""
    return [sys.executable, "-c", BOOT.format(mod=mod)]


@dataclass
class Result:
    rc: int
    out: bytes
    err: bytes
    files: dict[str, tuple[int, bytes]] = field(default_factory=dict)

    def shape(self) -> tuple:
        return (self.rc, self.out, self.err, self.files)

    def normalized(self, tmp: Path) -> Result:
        """The scratch path written ``@TMP@`` everywhere (as recordings have it)."""
        t = os.fsencode(str(tmp))

        def n(b: bytes) -> bytes:
            return b.replace(t, b"@TMP@")
        return Result(self.rc, n(self.out), n(self.err),
                      {k: (m, n(c)) for k, (m, c) in self.files.items()})


def snapshot(d: Path) -> dict[str, tuple[int, bytes]]:
    """Relative path -> (mode, content) of everything under d (symlinks: target)."""
    out: dict[str, tuple[int, bytes]] = {}
    for p in sorted(d.rglob("*")):
        rel = str(p.relative_to(d))
        st = p.lstat()
        if p.is_symlink():
            out[rel] = (st.st_mode, os.fsencode(os.readlink(p)))
        elif p.is_file():
            out[rel] = (st.st_mode, p.read_bytes())
        else:
            out[rel] = (st.st_mode, b"")
    return out


def base_env(tmp: Path, extra: dict[str, str] | None = None) -> dict[str, str]:
    env = {"PATH": f"{tmp}/.bin:{tmp}/.ovl:{tmp}/.pu:{BASE_PATH}", "HOME": str(tmp),
           "S6PY_CONTAINER_ENV_DIR": f"{tmp}/ce"}
    for k, v in (extra or {}).items():
        env[k] = v.replace("@TMP@", str(tmp))
    return env


def _helpers(tmp: Path, side: str, needs: frozenset[str]) -> None:
    """@TMP@/.pu and @TMP@/.ovl for one side."""
    pu, ovl = tmp / ".pu", tmp / ".ovl"
    pu.mkdir()
    ovl.mkdir()
    if side == "real" and "pu" in needs and REAL_PU:
        for prog in REAL_PU.iterdir():
            (pu / prog.name).symlink_to(prog)
    if "ovl" not in needs:
        return
    for name, target in OVL_HELPERS.items():
        p = ovl / name
        if side == "real" and REAL_OVL:
            text = (REAL_OVL / name).read_text().replace("@SHEBANGDIR@", str(REAL_BIN))
            text = text.replace("/run/s6/container_environment", f"{tmp}/ce")
        else:
            text = render(name, target, target.startswith("init.execline.multicall"), lib=str(ROOT))
        p.write_text(text)
        p.chmod(0o755)


def prepare(tmp: Path, files: dict[str, str | bytes] | None, side: str = "ours",
            needs: frozenset[str] = frozenset()) -> None:
    """Fresh scratch dir with the helper bin dirs and the case's files."""
    if tmp.exists():
        shutil.rmtree(tmp)
    (tmp / ".bin").mkdir(parents=True)
    dump = tmp / ".bin" / "envdump"
    dump.write_text("#!/bin/sh\nexec env -u PWD -u SHLVL -u _ | LC_ALL=C sort\n")
    dump.chmod(0o755)
    _helpers(tmp, side, needs)
    for rel, content in (files or {}).items():
        p = tmp / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, str):
            content = content.replace("@TMP@", str(tmp)).encode("utf-8", "surrogateescape")
        else:
            content = content.replace(b"@TMP@", os.fsencode(str(tmp)))
        p.write_bytes(content)
        if rel.endswith((".sh", ".el")) or "/bin/" in rel:
            p.chmod(0o755)


def run(cmd: list[str], tmp: Path, env: dict[str, str], stdin: bytes | None = None,
        timeout: float = 20) -> Result:
    p = subprocess.run(cmd, cwd=tmp, env=env, input=stdin if stdin is not None else b"",
                       capture_output=True, timeout=timeout)
    files = snapshot(tmp)
    files = {k: v for k, v in files.items() if not k.startswith((".bin", ".pu", ".ovl"))}
    return Result(p.returncode, p.stdout, p.stderr, files)


def one(side: str, tmp: Path, args: list[str], files=None, env_extra=None, stdin=None,
        needs: frozenset[str] = frozenset()) -> Result:
    """Run execlineb ARGS on one side ("real" or "ours") in a fresh scratch dir."""
    args = [a.replace("@TMP@", str(tmp)) for a in args]
    prepare(tmp, files, side, needs)
    prog = [str(REAL)] if side == "real" else ours_cmd()
    return run(prog + args, tmp, base_env(tmp, env_extra), stdin)


def both(tmp: Path, args: list[str], files=None, env_extra=None, stdin=None,
         needs: frozenset[str] = frozenset()) -> tuple[Result, Result]:
    """Run execlineb ARGS under the real program and ours, in the same scratch dir."""
    real = one("real", tmp, args, files, env_extra, stdin, needs)
    ours = one("ours", tmp, args, files, env_extra, stdin, needs)
    return real, ours
