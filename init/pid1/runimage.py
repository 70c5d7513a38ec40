"""What stage 1 puts into /run (init.md §1, §5, §6.1): the container-results
directory, ``/run/s6/basedir/bin/{halt,poweroff,reboot,shutdown}``, the
shutdown FIFO they write to, and ``/run/s6/workdir``.
"""
from __future__ import annotations

import os

from init import pyexec
from init.helpers.hpr import FIFO as SHUTDOWN_FIFO
from init.pid1.exitcode import EXITCODE_DIR, EXITCODE_FILE

BASEDIR = "/run/s6/basedir"
BIN = BASEDIR + "/bin"
WORKDIR_FILE = "/run/s6/workdir"
CMDPID_FILE = "/run/s6/cmdpid"
PROGRAMS = ("halt", "poweroff", "reboot", "shutdown")


def write(path: str, data: bytes, mode: int = 0o644) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_CLOEXEC, mode)
    try:
        os.write(fd, data)
    finally:
        os.close(fd)
    os.chmod(path, mode)


def make(workdir: str) -> None:
    """Create everything; OSError if /run cannot take it."""
    os.makedirs(EXITCODE_DIR, 0o755, exist_ok=True)
    os.chmod(EXITCODE_DIR, 0o755)
    write(EXITCODE_FILE, b"0\n", 0o644)
    os.makedirs(BIN, 0o755, exist_ok=True)
    for name in PROGRAMS:
        pyexec.write_script(os.path.join(BIN, name),
                            pyexec.script(f"init.helpers.hpr:{name}"), 0o755)
    try:
        os.unlink(SHUTDOWN_FIFO)
    except FileNotFoundError:
        pass
    os.mkfifo(SHUTDOWN_FIFO, 0o600)
    write(WORKDIR_FILE, os.fsencode(workdir) + b"\n", 0o644)


def open_fifo() -> int:
    """PID 1's end of the shutdown FIFO: read and write, so it never sees EOF."""
    return os.open(SHUTDOWN_FIFO, os.O_RDWR | os.O_NONBLOCK | os.O_CLOEXEC)


def read_workdir() -> str:
    try:
        with open(WORKDIR_FILE, "rb") as f:
            return os.fsdecode(f.read().rstrip(b"\n")) or "/"
    except OSError:
        return "/"
