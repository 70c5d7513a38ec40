"""Shared helpers for logd tests: run logd (or the real s6-log) and read logdirs."""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
SHARED = REPO.parent / "shared"
REAL_S6LOG = shutil.which("s6-log")
LOGD = [sys.executable, "-m", "logd"]

TAI = re.compile(rb"@[0-9a-f]{24}")
ISO = re.compile(rb"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{9}")


def env() -> dict:
    e = dict(os.environ)
    e["PYTHONPATH"] = str(REPO) + os.pathsep + e.get("PYTHONPATH", "")
    e.setdefault("TZ", "UTC")
    return e


def run(cmd: list[str], args: list[str], cwd: Path, stdin: bytes | Path = b"",
        timeout: float = 30) -> subprocess.CompletedProcess:
    """Run a logger with ``args``; stdin is bytes (a pipe) or a file path."""
    if isinstance(stdin, Path):
        with open(stdin, "rb") as f:
            return subprocess.run(cmd + args, stdin=f, capture_output=True, cwd=cwd,
                                  env=env(), timeout=timeout)
    return subprocess.run(cmd + args, input=stdin, capture_output=True, cwd=cwd,
                          env=env(), timeout=timeout)


def normalise(data: bytes) -> bytes:
    return ISO.sub(b"<ISO>", TAI.sub(b"@TAI", data))


def snapshot(root: Path) -> dict:
    """Every file under root: archives renamed in time order, stamps masked."""
    out = {}
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames.sort()
        rel = Path(dirpath).relative_to(root)
        archives = sorted(f for f in filenames if re.fullmatch(r"@[0-9a-f]{24}\.[su]", f))
        names = {a: f"@ARCHIVE{i + 1}{a[-2:]}" for i, a in enumerate(archives)}
        for f in filenames:
            p = Path(dirpath) / f
            st = p.stat()
            out[str(rel / names.get(f, f))] = (oct(st.st_mode & 0o777),
                                               normalise(p.read_bytes()))
    return out


@pytest.fixture
def logd_env() -> dict:
    return env()
