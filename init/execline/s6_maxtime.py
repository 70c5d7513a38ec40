"""s6-maximumtime: run a program with a time limit (s6-portable-utils docs).

The program runs as a child; if it outlives the limit it gets the chosen
signal (SIGTERM by default, none with -0) and we exit 99 with a message,
otherwise we exit with its code.  A limit of 0 means no limit.
"""
from __future__ import annotations

import os
import signal

from . import proc
from .errors import Exit, fatal, usage
from .options import OptionError, getopt, uint
from .runtime import Context, must_spawn

USAGE = "s6-maximumtime [ -0 | -a | -b | -i | -k | -q | -t | -x | -1 | -2 ] milli prog..."
SIGNALS = {
    "0": 0, "a": signal.SIGALRM, "b": signal.SIGABRT, "i": signal.SIGINT,
    "k": signal.SIGKILL, "q": signal.SIGQUIT, "t": signal.SIGTERM, "x": signal.SIGXCPU,
    "1": signal.SIGUSR1, "2": signal.SIGUSR2,
}


def maximumtime(ctx: Context, argv: list[str]) -> list[str]:
    try:
        opts, i = getopt(argv, "0abikqtx12")
    except OptionError:
        raise usage("s6-maximumtime", USAGE) from None
    sig = SIGNALS[opts[-1][0]] if opts else signal.SIGTERM
    milli = uint(argv[i]) if i < len(argv) else None
    if milli is None or i + 1 >= len(argv):
        raise usage("s6-maximumtime", USAGE)
    pid = must_spawn(ctx, argv[i + 1:])
    status = proc.wait_timeout(pid, milli / 1000 if milli else None)
    if status is None:
        if sig:
            try:
                os.kill(pid, sig)
            except ProcessLookupError:
                pass
        raise fatal("s6-maximumtime", 99, "timed out")
    raise Exit(proc.approx(status))
