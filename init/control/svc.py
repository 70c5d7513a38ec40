"""s6-svc: send commands to supervisors, optionally wait for the result.

``s6-svc [-wu|-wU|-wd|-wD|-wr|-wR] [-T ms] [-s sig | -abqhkti12pcyrPCKl]
[-oduDUxOQ] servicedir...``: one control letter per option, in command-line
order.  With -w the subscription to each ``event/`` is made before anything
is sent (s6-svlisten1's guarantee), then the tool waits.
"""
from __future__ import annotations

import os
import select
import sys
import time

from init.argv import UsageError, getopt
from init.control import svdir
from init.control.waitstate import Waiter
from init.supervise import rules

PROG = "s6-svc"
USAGE = ("s6-svc: usage: s6-svc [ -wu | -wU | -wd | -wD | -wr | -wR ] [ -T timeout ] "
         "[ -s signal | -abqhkti12pcyrPCKl ] [ -oduDUxOQ ] servicedir...\n")
_BY_SIGNAL = {"ALRM": "a", "ABRT": "b", "QUIT": "q", "HUP": "h", "KILL": "k", "TERM": "t",
              "INT": "i", "USR1": "1", "USR2": "2", "STOP": "p", "CONT": "c", "WINCH": "y"}


def _err(text: str) -> None:
    sys.stderr.write(f"{PROG}: {text}\n")


def main(argv: list[str]) -> int:
    try:
        opts, dirs = getopt(argv, "w:T:s:abqhkti12pcyrPCKloduDUxOQ")
    except UsageError:
        sys.stderr.write(USAGE)
        return 100
    letters = ""
    wait = ""
    timeout = 0
    for o, v in opts:
        c = o[1]
        if c == "w":
            if v not in ("u", "U", "d", "D", "r", "R"):
                sys.stderr.write(USAGE)
                return 100
            wait = v
        elif c == "T":
            if not v.isdigit():
                sys.stderr.write(USAGE)
                return 100
            timeout = int(v)
        elif c == "s":
            sig = rules.parse_signal(v)
            name = rules.signal_name(sig)[3:] if sig else ""
            if name not in _BY_SIGNAL:
                _err(f"fatal: invalid signal: {v}")
                return 100
            letters += _BY_SIGNAL[name]
        else:
            letters += c
    if not dirs:
        sys.stderr.write(USAGE)
        return 100
    return run(dirs, letters, wait, timeout)


def run(dirs: list[str], letters: str, wait: str, timeout_ms: int) -> int:
    listeners: list[tuple[svdir.Listener, Waiter]] = []
    try:
        if wait:
            for d in dirs:
                goal = wait
                if goal in "UR" and not os.path.exists(os.path.join(d, "notification-fd")):
                    _err(f"warning: {d}/notification-fd not present - ignoring request "
                         "for readiness notification")
                    goal = goal.lower()
                try:
                    lst = svdir.Listener(d)
                    st = svdir.read_status(d)
                except OSError as e:
                    _err(f"fatal: unable to subscribe to events for {d}: {e.strerror}")
                    return 111
                listeners.append((lst, Waiter(goal, st)))
        for d in dirs:
            try:
                svdir.send(os.path.join(d, "supervise", "control"), letters.encode())
            except svdir.NotSupervised:
                _err(f"fatal: unable to control {d}: supervisor not listening")
                return 102
            except OSError as e:
                _err(f"fatal: unable to control {d}: {e.strerror}")
                return 111
        if not wait:
            return 0
        return wait_all(listeners, timeout_ms, PROG)
    finally:
        for lst, _ in listeners:
            lst.close()


def wait_all(listeners: list, timeout_ms: int, prog: str, any_one: bool = False) -> int:
    """Wait until every (or any) waiter is done; 99 on timeout, N failures otherwise."""
    deadline = time.monotonic() + timeout_ms / 1000 if timeout_ms else None
    while True:
        pending = [(lst, w) for lst, w in listeners if not w.done and not w.failed]
        done = [w for _, w in listeners if w.done]
        if any_one and done:
            return 0
        if not pending:
            failed = sum(1 for _, w in listeners if w.failed and not w.done)
            if failed:
                sys.stderr.write(f"{prog}: fatal: some services reported permanent failure "
                                 "or their supervisor died\n")
            return failed
        left = None
        if deadline is not None:
            left = deadline - time.monotonic()
            if left <= 0:
                sys.stderr.write(f"{prog}: fatal: timed out\n")
                return 99
        r, _, _ = select.select([lst.fd for lst, _ in pending], [], [], left)
        for lst, w in pending:
            if lst.fd in r:
                w.feed(lst.read(0))
