"""s6-svstat [-uwNrpest | -g | -o fields] [-n] servicedir"""
from __future__ import annotations

import sys
import time

from init.argv import UsageError, getopt
from init.control import svdir
from init.control.svstat_format import FIELDS, SHORT, field, human

USAGE = ("s6-svstat: usage: s6-svstat [ -uwNrpgest | -o " + ",".join(FIELDS) +
         " ] [ -n ] servicedir\n")


def main(argv: list[str]) -> int:
    try:
        opts, args = getopt(argv, "uwNrpgesto:n")
    except UsageError:
        sys.stderr.write(USAGE)
        return 100
    fields: list[str] = []
    numeric = False
    for o, v in opts:
        c = o[1]
        if c == "n":
            numeric = True
        elif c == "o":
            for f in v.split(","):
                if f not in FIELDS:
                    sys.stderr.write(f"s6-svstat: fatal: invalid option field: {f}\n")
                    sys.stderr.write(USAGE)
                    return 100
                fields.append(f)
        else:
            fields.append(SHORT[c])
    if len(args) != 1:
        sys.stderr.write(USAGE)
        return 100
    d = args[0]
    if not svdir.supervised(d):
        sys.stderr.write(f"s6-svstat: fatal: unable to read status for {d}: "
                         "s6-supervise not running\n")
        return 1
    try:
        st = svdir.read_status(d)
    except (OSError, ValueError) as e:
        why = getattr(e, "strerror", None) or str(e)
        sys.stderr.write(f"s6-svstat: fatal: unable to read status for {d}: {why}\n")
        return 111
    now = time.time()
    nup = svdir.normally_up(d)
    if fields:
        out = " ".join(field(f, st, nup, now) for f in fields)
    else:
        out = human(st, nup, now, numeric)
    sys.stdout.write(out + "\n")
    return 0
