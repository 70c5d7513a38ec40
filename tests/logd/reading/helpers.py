"""Helpers for the reading tests: run a logger, follow a logdir in-process."""
from __future__ import annotations

import os
import subprocess
import time
from pathlib import Path

from tests.logd.conftest import LOGD, REAL_S6LOG, env  # noqa: F401


def start_logger(args: list[str], cwd: Path, cmd: list[str] | None = None) -> subprocess.Popen:
    return subprocess.Popen((cmd or LOGD) + args, stdin=subprocess.PIPE, cwd=cwd, env=env(),
                            stderr=subprocess.PIPE)


def feed(proc: subprocess.Popen, first: int, count: int, width: int = 60, batch: int = 50) -> None:
    """Write numbered lines ``first..first+count-1`` (``width`` bytes each)."""
    assert proc.stdin is not None
    for start in range(first, first + count, batch):
        stop = min(start + batch, first + count)
        proc.stdin.write(b"".join(b"%08d %s\n" % (i, b"x" * (width - 10))
                                  for i in range(start, stop)))
    proc.stdin.flush()


def numbers(lines: list[bytes]) -> list[int]:
    """The line numbers written by ``feed``, stamps skipped."""
    from logd.reading.line import split_stamps

    return [int(split_stamps(x)[2][:8]) for x in lines]


def collect(reader, watcher, want: int, deadline: float = 60.0) -> list[bytes]:
    """Read until ``want`` lines (or the deadline: a guard, not an assertion)."""
    out: list[bytes] = []
    end = time.monotonic() + deadline
    while len(out) < want and time.monotonic() < end:
        watcher.wait(0.5)
        while True:
            b = reader.read()
            if b is None:
                break
            out.extend(b.lines)
    return out


def archives(path: Path) -> list[str]:
    return sorted(n for n in os.listdir(path) if n.startswith("@"))
