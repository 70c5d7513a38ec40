"""s6-svscanctl [-zabhitqnN] scandir: letters into .s6-svscan/control."""
from __future__ import annotations

import os
import sys

from init.argv import UsageError, getopt
from init.control import svdir

USAGE = "s6-svscanctl: usage: s6-svscanctl [ -zabhitqnN ] svscandir\n"


def main(argv: list[str]) -> int:
    try:
        opts, args = getopt(argv, "zabhitqnNX")
    except UsageError:
        sys.stderr.write(USAGE)
        return 100
    if len(args) != 1:
        sys.stderr.write(USAGE)
        return 100
    letters = "".join(o[1] for o, _ in opts)
    d = args[0]
    try:
        svdir.send(os.path.join(d, ".s6-svscan", "control"), letters.encode())
    except svdir.NotSupervised:
        sys.stderr.write(f"s6-svscanctl: fatal: unable to control {d}: supervisor not listening\n")
        return 100
    except OSError as e:
        sys.stderr.write(f"s6-svscanctl: fatal: unable to control {d}: {e.strerror}\n")
        return 111
    return 0
