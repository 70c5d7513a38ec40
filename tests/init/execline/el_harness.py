"""Harness for the execline tests: run a script under the real execlineb and ours.

Both run with the same controlled environment and the same scratch
directory (recreated between the two runs), so outputs, exit codes, resulting
files and environment dumps can be compared byte for byte.  The real
execline is Debian's (/usr/lib/execline/bin first on PATH, as the brief
asks); differential tests skip when it is absent.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
REAL_BIN = Path("/usr/lib/execline/bin")
REAL = REAL_BIN / "execlineb"
BASE_PATH = f"{REAL_BIN}:/usr/local/bin:/usr/bin:/bin"
BOOT = (f"import sys; sys.path.insert(0, {str(ROOT)!r}); "
        "from init.execline.{mod} import main; main(sys.argv[1:])")

needs_real = pytest.mark.skipif(not REAL.exists(), reason="real execline not installed")


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
    env = {"PATH": f"{tmp}/.bin:{BASE_PATH}", "HOME": str(tmp)}
    env.update(extra or {})
    return env


def prepare(tmp: Path, files: dict[str, str | bytes] | None) -> None:
    """Fresh scratch dir with the helper bin dir and the case's files."""
    if tmp.exists():
        shutil.rmtree(tmp)
    (tmp / ".bin").mkdir(parents=True)
    dump = tmp / ".bin" / "envdump"
    dump.write_text("#!/bin/sh\nexec env -u PWD -u SHLVL -u _ | LC_ALL=C sort\n")
    dump.chmod(0o755)
    for rel, content in (files or {}).items():
        p = tmp / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, str):
            content = content.replace("@TMP@", str(tmp)).encode()
        p.write_bytes(content)
        if rel.endswith((".sh", ".el")) or "/bin/" in rel:
            p.chmod(0o755)


def run(cmd: list[str], tmp: Path, env: dict[str, str], stdin: bytes | None = None,
        timeout: float = 20) -> Result:
    p = subprocess.run(cmd, cwd=tmp, env=env, input=stdin if stdin is not None else b"",
                       capture_output=True, timeout=timeout)
    files = snapshot(tmp)
    files.pop(".bin", None)
    files = {k: v for k, v in files.items() if not k.startswith(".bin")}
    return Result(p.returncode, p.stdout, p.stderr, files)


def both(tmp: Path, args: list[str], files=None, env_extra=None, stdin=None) -> tuple[Result, Result]:
    """Run execlineb ARGS under the real program and ours, in the same scratch dir."""
    args = [a.replace("@TMP@", str(tmp)) for a in args]
    prepare(tmp, files)
    real = run(["execlineb"] + args, tmp, base_env(tmp, env_extra), stdin)
    prepare(tmp, files)
    ours = run(ours_cmd() + args, tmp, base_env(tmp, env_extra), stdin)
    return real, ours
