"""trap: run a program as a child and spawn handlers for the signals we get.

``trap [-x] { SIG { handler... } ... } prog...``: keywords are signal names
(any case, with or without SIG), numbers, or ``default``.  Handlers run with
``!`` = prog's pid and ``SIGNAL`` = the signal number; one handler at most
per signal at a time.  -x forwards untrapped signals to prog.  trap exits
with prog's code (approximated).  Signals are taken synchronously with
sigwaitinfo while blocked, so no Python handler races with fork.
"""
from __future__ import annotations

import os
import signal

from . import proc
from .blocks import get_block, scan_block, strictness
from .errors import Exit, fatal, usage
from .options import OptionError, getopt
from .runtime import Context, must_spawn

USAGE = "trap [ -x ] { signal { cmdline } ... } prog..."
_SKIP = {signal.SIGKILL, signal.SIGSTOP, signal.SIGCHLD, signal.SIGSEGV, signal.SIGBUS,
         signal.SIGILL, signal.SIGFPE, signal.SIGTRAP}
CATCHABLE = [s for s in range(1, 32) if s not in _SKIP]


def signum(word: str) -> int | None:
    """A signal number from a name (any case, SIG optional) or a number."""
    if word.isdigit():
        n = int(word)
        return n if 0 < n < 65 else None
    name = word.upper()
    if not name.startswith("SIG"):
        name = "SIG" + name
    sig = getattr(signal.Signals, name, None) if name in signal.Signals.__members__ else None
    return int(sig) if sig is not None else None


def trap(ctx: Context, argv: list[str]) -> list[str]:
    try:
        opts, i = getopt(argv, "x")
    except OptionError:
        raise usage("trap", USAGE) from None
    if i >= len(argv):
        raise usage("trap", USAGE)
    strict = strictness(ctx.env)
    block, i, ended = scan_block(argv, i, "trap", strict)
    if not block:
        raise fatal("trap", 100, "empty block")
    if not ended:
        raise fatal("trap", 100, "unterminated block")
    if i >= len(argv):
        raise usage("trap", USAGE)
    handlers: dict[int | str, list[str]] = {}
    j = 0
    while j < len(block):
        key = block[j]
        num = "default" if key == "default" else signum(key)
        if num is None:
            raise fatal("trap", 100, f"unrecognized directive: {key}")
        handlers[num], j = get_block(block, j + 1, "trap", strict)
    prog = argv[i:]
    watched = set(CATCHABLE) | {signal.SIGCHLD}
    signal.pthread_sigmask(signal.SIG_BLOCK, watched)
    pid = must_spawn(ctx, prog)
    running: dict[int, int] = {}  # handler pid -> signal
    busy: set[int] = set()
    while True:
        info = signal.sigwaitinfo(watched)
        sig = info.si_signo
        if sig == signal.SIGCHLD:
            while True:
                try:
                    done, status = os.waitpid(-1, os.WNOHANG)
                except ChildProcessError:
                    done = 0
                if not done:
                    break
                if done == pid:
                    raise Exit(proc.approx(status))
                busy.discard(running.pop(done, -1))
            continue
        handler = handlers.get(sig, handlers.get("default"))
        if handler is None:
            if opts:
                os.kill(pid, sig)
            else:
                signal.pthread_sigmask(signal.SIG_UNBLOCK, {sig})
                signal.signal(sig, signal.SIG_DFL)
                os.kill(os.getpid(), sig)
            continue
        if sig in busy or not handler:
            continue
        child = ctx.child()
        child.env["!"] = str(pid)
        child.env["SIGNAL"] = str(sig)
        running[must_spawn(child, handler)] = sig
        busy.add(sig)
