"""The system calls preinit needs, kept apart from its decisions: rm -rf without
shutil (which would bring fnmatch and re into PID 1's start-up), account names,
/proc/self/mounts, and mount(2) through ctypes (only on that rare path).
"""
from __future__ import annotations

import os


def rmrf(path: str) -> None:
    rmtree(path, strict=False)


def rmtree(path: str, strict: bool) -> None:
    """``rm -rf`` without shutil (which brings fnmatch and re into PID 1's start-up)."""
    try:
        if not os.path.isdir(path) or os.path.islink(path):
            if os.path.lexists(path):
                os.unlink(path)
            return
        with os.scandir(path) as it:
            entries = list(it)
        for e in entries:
            if e.is_dir(follow_symlinks=False):
                rmtree(e.path, strict)
            else:
                os.unlink(e.path)
        os.rmdir(path)
    except OSError:
        if strict:
            raise


def user_name(uid: int) -> str:
    import pwd
    try:
        return pwd.getpwuid(uid).pw_name
    except (KeyError, OverflowError):
        return ""


def group_name(gid: int) -> str:
    import grp
    try:
        return grp.getgrgid(gid).gr_name
    except (KeyError, OverflowError):
        return ""


def mount_options(target: str) -> str | None:
    """The options of the last mount on target in /proc/self/mounts, None if absent."""
    found = None
    try:
        with open("/proc/self/mounts") as f:
            for line in f:
                parts = line.split()
                if len(parts) >= 4 and parts[1] == target:
                    found = parts[3]
    except OSError:
        return None
    return found


def mount(source: str, target: str, fstype: str | None, flags: int, data: str | None) -> int:
    """mount(2); 0 or the errno.  ctypes only on this (rare) path."""
    import ctypes
    libc = ctypes.CDLL(None, use_errno=True)

    def enc(s: str | None) -> bytes | None:
        return None if s is None else s.encode()

    r = libc.mount(enc(source), enc(target), enc(fstype), ctypes.c_ulong(flags), enc(data))
    return ctypes.get_errno() if r != 0 else 0
