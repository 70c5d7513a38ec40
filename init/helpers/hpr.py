"""halt, poweroff, reboot, shutdown: ask PID 1 to stop the container (init.md §15.1).

They write one letter (``h``, ``p``, ``r``) into PID 1's shutdown FIFO and
return at once: the shutdown is asynchronous, and asking again while one
runs is harmless.  The FIFO is mode 0600, so only the container's user (or
root) may stop it.  ``shutdown [-h|-p|-r] [-t secs] time`` takes ``now``,
``+minutes`` or ``hh:mm`` and waits in the background until then.
"""
from __future__ import annotations

import os
import sys
import time

FIFO = "/run/s6/basedir/shutdownd.fifo"
_LETTER = {"halt": "h", "poweroff": "p", "reboot": "r"}


def fifo_path() -> str:
    return os.environ.get("S6PY_SHUTDOWN_FIFO") or FIFO


def send(prog: str, letter: str) -> int:
    try:
        fd = os.open(fifo_path(), os.O_WRONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError as e:
        why = "shutdownd is not running" if e.errno == 6 else e.strerror
        sys.stderr.write(f"{prog}: fatal: unable to talk to shutdownd: {why}\n")
        return 100
    try:
        os.write(fd, letter.encode())
    except OSError as e:
        sys.stderr.write(f"{prog}: fatal: unable to talk to shutdownd: {e.strerror}\n")
        return 100
    finally:
        os.close(fd)
    return 0


def _hpr(prog: str, argv: list[str]) -> int:
    letter = _LETTER[prog]
    for a in argv:
        if a in ("-h", "-p", "-r"):
            letter = a[1]
        elif a == "--":
            break
        elif a.startswith("-") and a not in ("-f", "-n", "-w", "-d", "-W"):
            sys.stderr.write(f"{prog}: usage: {prog} [ -h | -p | -r ] [ -f ] [ -n ] [ -w ]\n")
            return 100
    if "-w" in argv:   # only write the wtmp record: there is none in a container
        return 0
    return send(prog, letter)


def halt(argv: list[str]) -> int:
    return _hpr("halt", argv)


def poweroff(argv: list[str]) -> int:
    return _hpr("poweroff", argv)


def reboot(argv: list[str]) -> int:
    return _hpr("reboot", argv)


def delay_of(when: str, now: float) -> float | None:
    """Seconds until ``now`` / ``+mins`` / ``hh:mm`` (local time); None if invalid."""
    if when == "now":
        return 0.0
    if when.startswith("+") and when[1:].isdigit():
        return int(when[1:]) * 60.0
    h, sep, m = when.partition(":")
    if sep and h.isdigit() and m.isdigit() and int(h) < 24 and int(m) < 60:
        lt = time.localtime(now)
        target = time.mktime(lt[:3] + (int(h), int(m), 0) + lt[6:])
        if target < now:
            target += 86400
        return target - now
    return None


def shutdown(argv: list[str]) -> int:
    letter, grace, when = "h", 0, None
    i = 0
    while i < len(argv):
        a = argv[i]
        if a in ("-h", "-p", "-r"):
            letter = a[1]
        elif a == "-t" and i + 1 < len(argv) and argv[i + 1].isdigit():
            grace = int(argv[i + 1])
            i += 1
        elif a in ("-a", "-f", "-F", "-k"):
            pass
        elif a == "-c":
            sys.stderr.write("shutdown: fatal: cancelling a scheduled shutdown is not supported\n")
            return 100
        elif when is None and not a.startswith("-"):
            when = a
        i += 1
    del grace   # the TERM-to-KILL delay is S6_KILL_GRACETIME's
    delay = delay_of(when or "now", time.time())
    if delay is None:
        sys.stderr.write("shutdown: usage: shutdown [ -h | -p | -r ] [ -t sec ] time\n")
        return 100
    if delay <= 0:
        return send("shutdown", letter)
    if os.fork() == 0:  # pragma: no cover - the waiting child
        os.setsid()
        time.sleep(delay)
        os._exit(send("shutdown", letter))
    return 0
