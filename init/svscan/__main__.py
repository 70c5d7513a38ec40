"""``python3 -m init.svscan [-d notif] [-X fd] [-C max] [-L namemax] [-t ms] SCANDIR``.

s6-svscan's command line (2.15; 2.11's ``-c max`` is accepted too).  Runs
the same supervisor code PID 1 embeds.

``S6PY_EXECLINEB`` (words) chooses the execlineb that runs s6-rc oneshots'
``up``/``down`` lines (default: ``python3 -m init.execline``); ``direct``
execs their lexed argv as s6-rc does (execline commands must then be in PATH).
"""
from __future__ import annotations

import os
import sys

from init.argv import UsageError, getopt


def usage() -> int:
    sys.stderr.write("s6-svscan: usage: s6-svscan [ -c maxservices ] [ -t timeout ] [ -d notif ] "
                     "[ -X consoleholder ] [ dir ]\n")
    return 100


def main(argv: list[str]) -> int:
    try:
        opts, args = getopt(argv, "d:X:C:c:L:t:")
    except UsageError:
        return usage()
    kw: dict = {}
    try:
        for o, v in opts:
            n = int(v)
            if o == "-d":
                kw["notif_fd"] = n
            elif o == "-X":
                kw["console_fd"] = n
            elif o in ("-C", "-c"):
                kw["max_services"] = n
            elif o == "-L":
                kw["name_max"] = n
            elif o == "-t":
                kw["rescan_ms"] = n
    except ValueError:
        return usage()
    scandir = args[0] if args else "."
    from init import spawn
    from init.loop import Loop
    from init.svscan.program import Svscan, exec_finish
    from init.svscan.scanner import ScanDirBusy

    keep = tuple(v for v in (kw.get("notif_fd"), kw.get("console_fd")) if v is not None)
    spawn.seal_inherited_fds(keep)
    if "console_fd" in kw:
        os.set_inheritable(kw["console_fd"], False)
    runner = os.environ.get("S6PY_EXECLINEB")
    if runner:
        kw["rc_runner"] = None if runner == "direct" else runner.split()
    loop = Loop()
    prog = Svscan(loop, scandir, **kw)
    try:
        prog.start()
    except ScanDirBusy:
        sys.stderr.write("s6-svscan: fatal: another instance of s6-svscan is already running "
                         "on the same directory\n")
        return 100
    except OSError as e:
        sys.stderr.write(f"s6-svscan: fatal: unable to start on {scandir}: {e.strerror}\n")
        return 111
    loop.run(until=lambda: prog.done)
    prog.scanner.close()
    return exec_finish(prog.scandir, kw.get("console_fd"))


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
