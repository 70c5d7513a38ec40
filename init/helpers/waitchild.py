"""Wait for one child with a deadline (helpers that are plain programs, not PID 1).

pidfd_open + poll where the kernel has it (Linux 5.3), else a short sleep loop.
"""
from __future__ import annotations

import os
import time


def wait(pid: int, timeout: float | None) -> int | None:
    """The raw wait status, or None if the deadline passed first (the child is not reaped)."""
    if timeout is None:
        return os.waitpid(pid, 0)[1]
    deadline = time.monotonic() + timeout
    try:
        fd = os.pidfd_open(pid)
    except (AttributeError, OSError):
        fd = -1
    try:
        while True:
            got, status = os.waitpid(pid, os.WNOHANG)
            if got == pid:
                return status
            left = deadline - time.monotonic()
            if left <= 0:
                return None
            if fd >= 0:
                import select
                p = select.poll()
                p.register(fd, select.POLLIN)
                p.poll(max(1, int(left * 1000)))
            else:
                time.sleep(min(left, 0.005))
    finally:
        if fd >= 0:
            os.close(fd)


def kill_and_reap(pid: int, sig: int) -> int:
    try:
        os.kill(pid, sig)
    except OSError:
        pass
    return os.waitpid(pid, 0)[1]
