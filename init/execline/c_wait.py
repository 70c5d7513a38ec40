"""wait: reap children of this process, then go on with the chain.

The chain never changes process, so children started earlier by
``background`` or ``pipeline`` are ours to wait for, as in real execline.
``wait { pids } prog...`` goes on with prog; without a block end (the POSIX
form, ``wait PID...``) every argument is a pid and wait exits with the
status it found (127 when there was nothing to wait for).  Statuses follow
execline: exit code, 128 for codes above it, 128+N for signal N.  With a
timeout we poll with WNOHANG: the waits are short and rare.
"""
from __future__ import annotations

import os
import time

from . import proc
from .blocks import scan_block, strictness
from .errors import Exit, fatal, usage
from .options import OptionError, getopt, uint
from .runtime import Context

USAGE = "wait [ -I | -i ] [ -a | -o ] [ -r | -t timeout ] { pids... } [ prog... ]"


def _reap(block: bool) -> tuple[int, int] | None:
    """Reap any child: (pid, status); (0, 0) if none is ready; None if there is none."""
    try:
        return os.waitpid(-1, 0 if block else os.WNOHANG)
    except ChildProcessError:
        return None


def _pid(word: str) -> int | None:
    sign, digits = (word[0], word[1:]) if word[:1] in ("-", "+") else ("", word)
    v = uint(digits, 0x7FFFFFFF)
    return None if v is None else (-v if sign == "-" else v)


def _blocking(pids: list[int], one: bool) -> tuple[int, int]:
    """(status or -1, pid) without a timeout."""
    if not pids:
        while True:
            got = _reap(True)
            if got is None:
                return (-1, -1) if one else (0, -1)
            if one:
                return proc.approx(got[1]), got[0]
    left, wanted, status = list(pids), pids[-1], None
    while left:
        got = _reap(True)
        if got is None:
            break
        if got[0] in left:
            left.remove(got[0])
            if one:
                return proc.approx(got[1]), got[0]
            if got[0] == wanted:
                status = got[1]
    return (-1, -1) if status is None else (proc.approx(status), -1)


def _timed(pids: list[int], one: bool, ms: int, insist: bool) -> tuple[int, int]:
    """(status or -1, pid) with a timeout of ms milliseconds."""
    special = pids[-1] if pids else 0
    e, returned = (-1 if special else 0), -1
    left = list(pids)
    deadline = time.monotonic() + ms / 1000
    while True:
        got = _reap(False)
        while got is not None and got[0]:
            pid, status = got
            if not pids or pid in left:
                if pid in left:
                    left.remove(pid)
                if one or pid == special:
                    returned, e = pid, proc.approx(status)
                if one or (pids and not left):
                    return e, returned
            got = _reap(False)
        if got is None:
            return e, returned
        if time.monotonic() >= deadline:
            if not insist:
                return -1, returned
            raise fatal("wait", 99, "unable to wait: Connection timed out")
        time.sleep(0.005)


def wait(ctx: Context, argv: list[str]) -> list[str]:
    try:
        opts, i = getopt(argv, "iIaort:")
    except OptionError:
        raise usage("wait", USAGE) from None
    insist = one = False
    timeout: int | None = None
    for c, a in opts:
        if c in "iI":
            insist = c == "i"
        elif c in "ao":
            one = c == "o"
        elif c == "r":
            timeout = 0
        else:
            timeout = uint(a)
            if timeout is None:
                raise usage("wait", USAGE)
    words, i, hasblock = scan_block(argv, i, "wait", strictness(ctx.env))
    pids = [_pid(w) for w in words]
    if None in pids:
        raise usage("wait", USAGE)
    if timeout is None:
        e, pid = _blocking(pids, one)
    else:
        e, pid = _timed(pids, one, timeout, insist)
    if not hasblock:
        raise Exit(e if e >= 0 else 127)
    if one:
        if e < 0:
            ctx.env.pop("?", None)
            ctx.env.pop("!", None)
        else:
            ctx.env["?"] = str(e)
            ctx.env["!"] = str(pid)
    return argv[i:]
