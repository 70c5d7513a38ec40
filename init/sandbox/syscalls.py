"""The few Linux system calls the sandbox needs, through ctypes (Python 3.9 has none of them).

Each raises ``OSError`` with the call's errno, so callers can turn the
common failures (EPERM: no privilege or a seccomp policy; EINVAL/ENODEV: a
kernel without the feature) into a clear message.
"""
from __future__ import annotations

import ctypes
import os
import platform

CLONE_NEWNS = 0x00020000
CLONE_NEWUTS = 0x04000000
CLONE_NEWIPC = 0x08000000
CLONE_NEWPID = 0x20000000
CLONE_NEWNET = 0x40000000
MNT_DETACH = 2
PR_SET_PDEATHSIG = 1

# pivot_root(2) numbers, for a libc without the wrapper
_PIVOT_ROOT_NR = {"x86_64": 155, "i686": 217, "i386": 217, "aarch64": 41, "riscv64": 41,
                  "armv7l": 218, "armv6l": 218, "ppc64le": 203, "s390x": 217}

_libc = ctypes.CDLL(None, use_errno=True)
for _name, _args in (("unshare", [ctypes.c_int]),
                     ("mount", [ctypes.c_char_p] * 3 + [ctypes.c_ulong, ctypes.c_char_p]),
                     ("umount2", [ctypes.c_char_p, ctypes.c_int]),
                     ("prctl", [ctypes.c_int, ctypes.c_ulong, ctypes.c_ulong, ctypes.c_ulong,
                                ctypes.c_ulong])):
    getattr(_libc, _name).argtypes = _args


def _check(ret: int, what: str, path: str | None = None) -> None:
    if ret != 0:
        e = ctypes.get_errno()
        raise OSError(e, f"{what}: {os.strerror(e)}", path)


def _b(s: str | None) -> bytes | None:
    return None if s is None else os.fsencode(s)


def unshare(flags: int) -> None:
    _check(_libc.unshare(flags), "unshare")


def mount(source: str | None, target: str, fstype: str | None, flags: int,
          data: str | None = None) -> None:
    _check(_libc.mount(_b(source), _b(target), _b(fstype), flags, _b(data or None)),
           "mount", target)


def umount2(target: str, flags: int = 0) -> None:
    _check(_libc.umount2(_b(target), flags), "umount2", target)


def pivot_root(new_root: str, put_old: str) -> None:
    if hasattr(_libc, "pivot_root"):
        ret = _libc.pivot_root(_b(new_root), _b(put_old))
    else:
        nr = _PIVOT_ROOT_NR.get(platform.machine())
        if nr is None:
            raise OSError(38, f"pivot_root: unknown system call number on {platform.machine()}")
        ret = _libc.syscall(nr, _b(new_root), _b(put_old))
    _check(ret, "pivot_root", new_root)


def set_pdeathsig(sig: int) -> None:
    """Get ``sig`` when the parent thread dies (cleared by exec of set-id programs)."""
    _check(_libc.prctl(PR_SET_PDEATHSIG, sig, 0, 0, 0), "prctl")
