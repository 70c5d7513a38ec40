"""``python3 -m init.control NAME ARGS...``: the multi-call entry of the tools.

NAME is s6-svc, s6-svstat, s6-svwait, s6-svok, s6-svscanctl, s6-rc,
s6-rc-compile or s6-rc-init.  Only the chosen tool's module is imported.
"""
from __future__ import annotations

import importlib
import os
import sys

TOOLS = {
    "s6-svc": "init.control.svc",
    "s6-svstat": "init.control.svstat",
    "s6-svwait": "init.control.svwait",
    "s6-svok": "init.control.svok",
    "s6-svscanctl": "init.control.svscanctl",
    "s6-rc": "init.rc.cli",
    "s6-rc-compile": "init.rc.compile_cli",
    "s6-rc-init": "init.rc.init_cli",
}


def main(argv: list[str]) -> int:
    if not argv or os.path.basename(argv[0]) not in TOOLS:
        sys.stderr.write("usage: python3 -m init.control {" + "|".join(TOOLS) + "} args...\n")
        return 100
    mod = importlib.import_module(TOOLS[os.path.basename(argv[0])])
    try:
        return mod.main(argv[1:])
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 111


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
