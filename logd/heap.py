"""Keep big read buffers in the heap (glibc only).

Reading a regular file, logd works in ~1 MiB blocks.  glibc serves such
sizes with mmap, or trims the heap top after each free, so every block is
page-faulted in afresh: measured, that doubled logd's system time on a
200 MB import.  Raising the two thresholds keeps the few buffers logd
cycles through mapped.  Pipes use 8 KiB reads and never need this, so
the ctypes import is paid only on the regular-file path.
"""
from __future__ import annotations

M_TRIM_THRESHOLD = -1
M_MMAP_THRESHOLD = -3


def keep_big_buffers(limit: int = 32 << 20) -> bool:
    """Ask glibc's malloc not to give ``limit`` bytes back; False if not glibc."""
    try:
        import ctypes

        libc = ctypes.CDLL("libc.so.6")
        mallopt = libc.mallopt
    except (ImportError, OSError, AttributeError):
        return False
    return bool(mallopt(M_MMAP_THRESHOLD, limit)) and bool(mallopt(M_TRIM_THRESHOLD, limit * 2))
