"""``python3 -m init [CMD...]``: the container's /init (init/pid1/ does the work).

Kept tiny: this is imported at every container start.
"""
from __future__ import annotations

import sys


def main(argv: list[str]) -> int:
    """Run the container; its exit code (the CMD's, the exitcode file's, ...)."""
    from init.pid1.boot import run
    code = run(argv)
    for f in (sys.stdout, sys.stderr):
        try:
            f.flush()
        except (OSError, ValueError):
            pass
    return code


if __name__ == "__main__":
    import os
    os._exit(main(sys.argv[1:]) & 0xFF)
