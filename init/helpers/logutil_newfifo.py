"""logutil-newfifo [-m mode] [-o owner] fifo (deprecated; init.md §16.3).

Warns, removes fifo, makes it again with mode (default 0600), and gives it
to owner (default root).  The steps are the s6 tools s6-overlay's script
chains (s6-echo, s6-rmrf, s6-mkfifo, s6-envuidgid + s6-chown -U), run by
our execline in this process, so each failure reads as theirs does; options
are parsed as the script's elgetopt does (errors under its name, exit 1),
and no fifo argument exits 1 silently.
"""
from __future__ import annotations

import sys

from init import spawn
from init.execline import runtime
from init.execline.blocks import quote_block
from init.execline.c_pos import script_options
from init.execline.errors import Exit

WARNING = ("logutil-newfifo: warning: this binary is deprecated, use s6-mkfifo and "
           "s6-chown instead")


def main(argv: list[str]) -> int:
    name = sys.argv[0] if sys.argv else "logutil-newfifo"
    try:
        opts, k = script_options(name, argv, "m:o:")
    except Exit as e:
        return e.code
    values = {"m": "0600", "o": "root"}
    values.update(opts)
    args = argv[k:]
    if not args:
        return 1
    fifo = args[0]
    steps = [
        ["fdmove", "-c", "1", "2", "s6-echo", WARNING],
        ["s6-rmrf", fifo],
        ["s6-mkfifo", "-m", values["m"], "--", fifo],
        ["s6-envuidgid", "--", values["o"], "s6-chown", "-U", "--", fifo],
    ]
    chain: list[str] = []
    for step in steps:
        chain += ["if"] + quote_block(step)
    ctx = runtime.Context(dict(spawn.original_environ()), "logutil-newfifo")
    return runtime.run_chain(ctx, chain).code
