"""File descriptors: redirfd, fdmove, fdclose, fdswap, fdblock, fdreserve.

They act on this process's descriptors, which the rest of the chain (and the
program it finally execs) inherits.  Descriptors we open are O_CLOEXEC until
placed on their target number.
"""
from __future__ import annotations

import os

from .errors import syserr, usage
from .options import OptionError, getopt, uint
from .runtime import Context

_MODES = {
    "r": os.O_RDONLY,
    "w": os.O_WRONLY | os.O_CREAT | os.O_TRUNC,
    "u": os.O_RDWR,
    "a": os.O_WRONLY | os.O_CREAT | os.O_APPEND,
    "x": os.O_WRONLY | os.O_CREAT | os.O_EXCL,
}


def _open(path: str, flags: int) -> int:
    try:
        return os.open(path, flags, 0o666)
    except OSError as e:
        # A fifo without a reader: -w -n must still succeed (fifo trick).
        if e.errno != 6 or not flags & os.O_NONBLOCK or not flags & os.O_WRONLY:
            raise
    rd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    try:
        return os.open(path, flags, 0o666)
    finally:
        os.close(rd)


def redirfd(ctx: Context, argv: list[str]) -> list[str]:
    text = "redirfd -[ r | w | u | a | x ] [ -n ] [ -b ] fd file prog..."
    try:
        opts, i = getopt(argv, "rwuaxnb")
    except OptionError:
        raise usage("redirfd", text) from None
    mode = None
    nonblock = flip = False
    for c, _ in opts:
        if c == "n":
            nonblock = True
        elif c == "b":
            flip = True
        else:
            mode = c
    if mode is None or len(argv) - i < 2:
        raise usage("redirfd", text)
    fd = uint(argv[i])
    if fd is None:
        raise usage("redirfd", text)
    path = argv[i + 1]
    flags = _MODES[mode] | (os.O_NONBLOCK if nonblock else 0)
    try:
        new = _open(path, flags)
        if flip:
            os.set_blocking(new, nonblock)
        if new == fd:
            os.set_inheritable(fd, True)
        else:
            os.dup2(new, fd)
            os.close(new)
    except OSError as e:
        raise syserr("redirfd", f"unable to open {path}", e) from None
    return argv[i + 2:]


def fdmove(ctx: Context, argv: list[str]) -> list[str]:
    text = "fdmove [ -c ] to from prog..."
    try:
        opts, i = getopt(argv, "c")
    except OptionError:
        raise usage("fdmove", text) from None
    if len(argv) - i < 2:
        raise usage("fdmove", text)
    to, frm = uint(argv[i]), uint(argv[i + 1])
    if to is None or frm is None:
        raise usage("fdmove", text)
    try:
        if to == frm:
            os.fstat(frm)
            if opts:
                raise OSError(22, "")
        else:
            os.dup2(frm, to)
            if not opts:
                os.close(frm)
    except OSError as e:
        raise syserr("fdmove", f"unable to move fd {frm} to fd {to}", e) from None
    return argv[i + 2:]


def fdclose(ctx: Context, argv: list[str]) -> list[str]:
    fd = uint(argv[1]) if len(argv) > 1 else None
    if fd is None:
        raise usage("fdclose", "fdclose fd prog...")
    try:
        os.close(fd)
    except OSError:
        pass
    return argv[2:]


def fdswap(ctx: Context, argv: list[str]) -> list[str]:
    a = uint(argv[1]) if len(argv) > 2 else None
    b = uint(argv[2]) if len(argv) > 2 else None
    if a is None or b is None:
        raise usage("fdswap", "fdswap fd1 fd2 prog...")
    try:
        if a != b:
            tmp = os.dup(a)
            os.dup2(b, a)
            os.dup2(tmp, b)
            os.close(tmp)
    except OSError as e:
        raise syserr("fdswap", "unable to swap fds", e) from None
    return argv[3:]


def fdblock(ctx: Context, argv: list[str]) -> list[str]:
    text = "fdblock [ -n ] fd prog..."
    try:
        opts, i = getopt(argv, "n")
    except OptionError:
        raise usage("fdblock", text) from None
    fd = uint(argv[i]) if i < len(argv) else None
    if fd is None:
        raise usage("fdblock", text)
    try:
        os.set_blocking(fd, not opts)
    except OSError as e:
        what = "ndelay_on" if opts else "ndelay_off"
        raise syserr("fdblock", f"unable to {what}", e) from None
    return argv[i + 1:]


def fdreserve(ctx: Context, argv: list[str]) -> list[str]:
    n = uint(argv[1]) if len(argv) > 1 else None
    if n is None:
        raise usage("fdreserve", "fdreserve n prog...")
    fd = found = 0
    while found < n:
        try:
            os.fstat(fd)
        except OSError:
            ctx.env[f"FD{found}"] = str(fd)
            found += 1
        fd += 1
    return argv[2:]
