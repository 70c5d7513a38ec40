"""with-retries [-n N] [-t MS] prog args...: run prog until it succeeds (init.md §16.2).

At most N attempts (default 3), no delay between them; exit 0 at the first
success, 1 after N failures (``-n 0``: no attempt, 1).  Each attempt is
``s6-maximumtime -t MS prog args...`` (default 500 ms), our in-process one
in a forked child as s6-overlay's script runs it in a ``foreground`` block,
so what an attempt prints is the real one's: ``s6-maximumtime: warning:
unable to wait for child process: Connection timed out`` when time runs out,
``... fatal: unable to spawn X`` when prog cannot start, its usage when MS is
not a number or prog is missing.  Options are parsed as the script's
elgetopt does (errors under its name, exit 1); an N that is not a number
gets s6-seq's usage, as the script's ``s6-seq 0 N`` does, and exit 1.
prog sees the caller's environment.
"""
from __future__ import annotations

import os
import sys

from init import spawn
from init.execline import proc, runtime
from init.execline.c_pos import script_options
from init.execline.errors import Exit
from init.execline.options import uint

SEQ_USAGE = "s6-seq: usage: s6-seq [ -w ] [ -s separator ] limits\n"


def main(argv: list[str]) -> int:
    name = sys.argv[0] if sys.argv else "with-retries"
    try:
        opts, k = script_options(name, argv, "n:t:")
    except Exit as e:
        return e.code
    values = {"n": "3", "t": "500"}
    values.update(opts)
    tries = uint(values["n"])
    if tries is None:
        os.write(2, SEQ_USAGE.encode())
        return 1
    ctx = runtime.Context(dict(spawn.original_environ()), "with-retries")
    attempt = ["s6-maximumtime", "-t", values["t"]] + argv[k:]
    for _ in range(tries):
        pid = runtime.spawn_with(ctx, attempt, None)
        status = proc.wait_pid(pid)
        if os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0:
            return 0
    return 1
