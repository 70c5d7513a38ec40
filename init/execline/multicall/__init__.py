"""Multi-call entry: ``python3 -m init.execline.multicall NAME ARGS...``.

Runs command NAME of ``init.execline.table.COMMANDS`` (or ``execlineb``)
exactly as the standalone program would, then continues its chain in the
same process.  The overlay's ``/command/NAME`` shims call this.
"""
from __future__ import annotations


def main(argv: list[str]) -> None:
    """Run argv[0] (a table name) with its arguments; never returns."""
    from init.execline import proc, runtime
    from init.execline.errors import fatal
    from init.execline.execlineb import clean_environ
    from init.execline.table import COMMANDS

    if not argv:
        runtime.finish(fatal("multicall", 100, "usage: multicall NAME [ args... ]"))
    name = argv[0].rpartition("/")[2]
    if name == "execlineb":
        from init.execline.execlineb import main as execlineb
        execlineb(argv[1:])
    if name not in COMMANDS:
        runtime.finish(fatal("multicall", 100, f"unknown command: {name}"))
    proc.reset_signals()
    ctx = runtime.Context(clean_environ(), name)
    runtime.finish(runtime.run_chain(ctx, [name] + argv[1:]))
