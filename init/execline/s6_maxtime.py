"""s6-maximumtime: run a program with a time limit (s6-portable-utils 2.3.1.2).

The program runs as a child; if it outlives the limit it gets the chosen
signal (SIGTERM by default, none with -0) and we exit 99 with
``warning: unable to wait for child process: Connection timed out`` (the
real one's words), otherwise we exit with its exit code as it is (200
stays 200); a child killed by a signal gives ``warning: child process
crashed`` and 111.  A limit of 0 means no limit.
"""
from __future__ import annotations

import os
import signal

from . import proc
from .errors import Exit, usage, warn
from .options import OptionError, getopt, uint
from .runtime import Context, must_spawn

USAGE = "s6-maximumtime [ -0 | -a | -b | -i | -k | -q | -t | -x | -1 | -2 ] milliseconds prog..."
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
        warn("s6-maximumtime", "unable to wait for child process: Connection timed out")
        raise Exit(99)
    if os.WIFSIGNALED(status):
        warn("s6-maximumtime", "child process crashed")
        raise Exit(111)
    raise Exit(os.WEXITSTATUS(status))
