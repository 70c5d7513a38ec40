"""with-retries [-n N] [-t MS] prog args...: run prog until it succeeds (init.md §16.2).

At most N attempts (default 3), each SIGTERMed after MS ms (default 500),
no delay between them.  Exit 0 at the first success, 1 after N failures
(``-n 0``: no attempt, 1).
"""
from __future__ import annotations

import signal
import sys

from init import spawn
from init.argv import UsageError, getopt
from init.helpers.waitchild import kill_and_reap, wait

USAGE = "with-retries: usage: with-retries [ -n numretries ] [ -t millisecs ] prog...\n"


def main(argv: list[str]) -> int:
    try:
        opts, args = getopt(argv, "n:t:")
    except UsageError:
        sys.stderr.write(USAGE)
        return 100
    tries, ms = 3, 500
    for o, v in opts:
        if not v.isdigit():
            sys.stderr.write(USAGE)
            return 100
        if o == "-n":
            tries = int(v)
        else:
            ms = int(v)
    if not args:
        sys.stderr.write(USAGE)
        return 100
    env = spawn.original_environ()
    for _ in range(tries):
        path = spawn.which(args[0], env)
        if path is None:
            sys.stderr.write(f"with-retries: warning: unable to exec {args[0]}: "
                             "No such file or directory\n")
            continue
        try:
            pid = spawn.spawn(args, path=path, env=env, new_session=False)
        except OSError as e:
            sys.stderr.write(f"with-retries: warning: unable to exec {args[0]}: {e.strerror}\n")
            continue
        status = wait(pid, ms / 1000 if ms else None)
        if status is None:
            status = kill_and_reap(pid, signal.SIGTERM)
        if status == 0:
            return 0
    return 1
