"""s6-rc [-v n] [-t ms] [-l live] [-b] [-a] [-u|-d|-D] [-p] [-n] change|list|listall|start|stop [names...]

``list`` and ``listall`` read the compiled database and the live state
directly; ``change`` (and ``start`` = ``-u change``, ``stop`` = ``-d
change``) is carried out by PID 1, which this process asks through the
socket of the live directory's scan directory.  Exit codes: 0, 1 (a
transition failed), 2 (timed out), 3 (unknown name), 4 (invalid database),
100 (usage), 111 (system error).
"""
from __future__ import annotations

import os
import sys

from init.argv import UsageError, getopt

USAGE = ("s6-rc: usage: s6-rc [ -v verbosity ] [ -n dryrunthrottle ] [ -t timeout ] "
         "[ -l live ] [ -b ] [ -a ] [ -u | -d | -D ] [ -p ] help|list|listall|change|start|stop "
         "[ servicenames... ]\n")


def main(argv: list[str]) -> int:
    try:
        opts, args = getopt(argv, "v:n:t:l:baudDpE")
    except UsageError:
        sys.stderr.write(USAGE)
        return 100
    o = {"v": 1, "t": 0, "l": "/run/s6-rc", "b": False, "a": False, "up": True,
         "force": False, "p": False, "n": False}
    try:
        for k, v in opts:
            c = k[1]
            if c in "vt":
                o[c] = int(v)
            elif c == "n":
                o["n"] = True
            elif c == "l":
                o["l"] = v
            elif c in "bap":
                o[c] = True
            elif c == "u":
                o["up"] = True
            elif c in "dD":
                o["up"], o["force"] = False, c == "D"
    except ValueError:
        sys.stderr.write(USAGE)
        return 100
    if not args:
        sys.stderr.write(USAGE)
        return 100
    cmd, names = args[0], args[1:]
    if cmd == "help":
        sys.stdout.write(USAGE.replace("s6-rc: usage: ", ""))
        return 0
    if cmd in ("start", "stop"):
        o["up"], cmd = cmd == "start", "change"
    if cmd not in ("list", "listall", "change"):
        sys.stderr.write(USAGE)
        return 100
    from init.rc.live import Live
    from init.rc.plan import UnknownName, closure, select
    try:
        live = Live.open(o["l"])
    except FileNotFoundError:
        sys.stderr.write(f"s6-rc: fatal: unable to open live directory {o['l']}: "
                         "No such file or directory\n")
        return 111
    except OSError as e:
        sys.stderr.write(f"s6-rc: fatal: unable to read the database in {o['l']}: "
                         f"{e.strerror}\n")
        return 111
    except (ValueError, KeyError, TypeError) as e:
        sys.stderr.write(f"s6-rc: fatal: invalid database in {o['l']}: {e}\n")
        return 4
    try:
        sel = select(live.db, names)
    except UnknownName as e:
        sys.stderr.write(f"s6-rc: fatal: {e.args[0]} is not a recognized identifier in "
                         f"{live.compiled}\n")
        return 3
    if o["a"]:
        sel |= live.up
    if cmd != "change":
        out = sel if cmd == "list" else closure(live.db, sel, o["up"])
        sys.stdout.write("".join(n + "\n" for n in sorted(out)))
        return 0
    from init.rc.client import request
    scandir = os.path.join(o["l"], "scandir")
    base = {"op": "change", "timeout": o["t"], "verbosity": o["v"], "block": o["b"],
            "dry": o["n"], "force": o["force"]}
    if o["p"]:
        keep = closure(live.db, sel, True)
        drop = sorted(live.up - keep)
        if drop:
            code = request(scandir, dict(base, names=drop, up=False))
            if code:
                return code
    return request(scandir, dict(base, names=sorted(sel) if o["a"] else names, up=o["up"]))
