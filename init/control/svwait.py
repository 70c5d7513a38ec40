"""s6-svwait [-u|-U|-d|-D|-r|-R] [-a|-o] [-t ms] servicedir...

Exit 0 when reached, 99 on timeout, 100 usage, 111 error, otherwise the
number of services that reported permanent failure or whose supervisor died.
"""
from __future__ import annotations

import sys

from init.argv import UsageError, getopt
from init.control import svdir
from init.control.svc import wait_all
from init.control.waitstate import Waiter

USAGE = "s6-svwait: usage: s6-svwait [ -U | -u | -D | -d | -r | -R ] [ -a | -o ] [ -t timeout ] servicedir...\n"


def main(argv: list[str]) -> int:
    try:
        opts, dirs = getopt(argv, "uUdDrRaot:")
    except UsageError:
        sys.stderr.write(USAGE)
        return 100
    goal, any_one, timeout = "u", False, 0
    for o, v in opts:
        c = o[1]
        if c in "uUdDrR":
            goal = c
        elif c == "a":
            any_one = False
        elif c == "o":
            any_one = True
        elif c == "t":
            if not v.isdigit():
                sys.stderr.write(USAGE)
                return 100
            timeout = int(v)
    if not dirs:
        return 0
    listeners = []
    try:
        for d in dirs:
            try:
                lst = svdir.Listener(d)
            except OSError as e:
                sys.stderr.write(f"s6-svwait: fatal: unable to subscribe to events for {d}: "
                                 f"{e.strerror}\n")
                return 111
            try:
                st = svdir.read_status(d)
            except (OSError, ValueError) as e:
                lst.close()
                why = getattr(e, "strerror", None) or str(e)
                sys.stderr.write(f"s6-svwait: fatal: unable to s6_svstatus_read: {why}\n")
                return 111
            listeners.append((lst, Waiter(goal, st)))
        return wait_all(listeners, timeout, "s6-svwait", any_one)
    finally:
        for lst, _ in listeners:
            lst.close()
