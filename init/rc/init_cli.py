"""s6-rc-init [-c compiled] [-l live] scandir: ask the supervisor of scandir
(PID 1, or ``python3 -m init.svscan``) to set up the live state."""
from __future__ import annotations

import os
import sys

from init.argv import UsageError, getopt

USAGE = "s6-rc-init: usage: s6-rc-init [ -c compiled ] [ -l live ] [ -p prefix ] [ -t timeout ] [ -d ] scandir\n"


def main(argv: list[str]) -> int:
    try:
        opts, args = getopt(argv, "c:l:p:t:bd")
    except UsageError:
        sys.stderr.write(USAGE)
        return 100
    compiled, live = "/etc/s6-rc/compiled", "/run/s6-rc"
    for o, v in opts:
        if o == "-c":
            compiled = v
        elif o == "-l":
            live = v
    if len(args) != 1:
        sys.stderr.write(USAGE)
        return 100
    from init.rc.client import request
    return request(args[0], {"op": "init", "compiled": os.path.abspath(compiled),
                             "live": os.path.abspath(live)}, "s6-rc-init")
