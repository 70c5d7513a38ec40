"""wait: reap children of this process, then go on with the chain.

The chain never changes process, so children started earlier by
``background`` or ``pipeline`` are ours to wait for, as in real execline.
With a timeout we poll with WNOHANG: the waits are short and rare.
"""
from __future__ import annotations

import os
import time

from . import proc
from .blocks import get_block, strictness
from .errors import Exit, fatal, usage
from .options import OptionError, getopt, uint
from .runtime import Context

USAGE = "wait [ -I | -i ] [ -a | -o ] [ -r | -t timeout ] { pids... } [ prog... ]"


def _reap(pids: set[int] | None, block: bool) -> tuple[int, int] | None:
    """Reap one child (of pids if given); None if nothing (more) to reap now."""
    while True:
        try:
            pid, status = os.waitpid(-1, 0 if block else os.WNOHANG)
        except ChildProcessError:
            return None
        if pid == 0:
            return None
        if pids is None or pid in pids:
            return pid, status


def wait(ctx: Context, argv: list[str]) -> list[str]:
    try:
        opts, i = getopt(argv, "iIaort:")
    except OptionError:
        raise usage("wait", USAGE) from None
    strict = one = False
    timeout: int | None = None
    for c, a in opts:
        if c in "iI":
            strict = c == "i"
        elif c in "ao":
            one = c == "o"
        elif c == "r":
            timeout = 0
        else:
            timeout = uint(a)
            if timeout is None:
                raise usage("wait", USAGE)
    chained = i < len(argv) and (argv[i] == "" or argv[i][0] == " ")
    if chained:
        words, i = get_block(argv, i, "wait", strictness(ctx.env))
    else:
        words, i = argv[i:], len(argv)
    pids: set[int] | None = None
    if words:
        pids = set()
        for w in words:
            v = uint(w)
            if v is None:
                raise usage("wait", USAGE)
            pids.add(v)
    deadline = None if timeout is None else time.monotonic() + timeout / 1000
    last: tuple[int, int] | None = None
    while pids is None or pids:
        got = _reap(pids, deadline is None)
        if got is None:
            if deadline is None or not _has_children(pids):
                break
            if time.monotonic() >= deadline:
                if strict:
                    raise fatal("wait", 99, "unable to wait: Connection timed out")
                break
            time.sleep(0.005)
            continue
        last = got
        if pids is not None:
            pids.discard(got[0])
        if one:
            break
    if one:
        if last is None:
            ctx.env.pop("!", None)
            ctx.env.pop("?", None)
        else:
            ctx.env["!"] = str(last[0])
            ctx.env["?"] = str(proc.approx(last[1]))
    if not chained:
        raise Exit(0 if last is None else proc.approx(last[1]))
    return argv[i:]


def _has_children(pids: set[int] | None) -> bool:
    try:
        if pids is None:
            os.waitid(os.P_ALL, 0, os.WEXITED | os.WNOHANG | os.WNOWAIT)
        else:
            for p in pids:
                os.waitid(os.P_PID, p, os.WEXITED | os.WNOHANG | os.WNOWAIT)
        return True
    except ChildProcessError:
        return False
