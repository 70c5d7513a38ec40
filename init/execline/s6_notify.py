"""s6-notifyoncheck: poll a readiness check, notify the supervisor.

A forked child (grandchild with -d) sleeps -s ms, then runs ./data/check (or
the -c command line, parsed as execlineb would) every -w ms until it exits 0,
then writes a newline to the notification fd (-3, else ./notification-fd).
It gives up after -n tries or -T ms; -t bounds each check.  This process
closes the notification fd and goes on with the chain (the daemon).
First, as the real one, it checks that a supervisor runs the service (a
lock held on ./supervise/lock: ``s6-supervise not running.``, 100, if
not) and that the notification fd is open.  A -c command line is run as
``execlineb -Pc`` would run it, at each check (a syntax error fails each
check, as it does there).
"""
from __future__ import annotations

import fcntl
import os
import struct
import time

from . import proc
from .errors import Exit, fatal, syserr, usage
from .options import OptionError, getopt, uint
from .runtime import Context, finish, spawn_with

USAGE = ("s6-notifyoncheck [ -d ] [ -3 fd ] [ -s initialsleep ] [ -T globaltimeout ] "
         "[ -t localtimeout ] [ -w waitingtime ] [ -n tries ] [ -c \"checkprog...\" ] prog...")


def supervised(prog: str) -> None:
    """s6_svc_ok("."): someone holds a lock on ./supervise/lock."""
    try:
        fd = os.open("supervise/lock", os.O_RDONLY | os.O_CLOEXEC)
    except FileNotFoundError:
        raise fatal(prog, 100, "s6-supervise not running.") from None
    except OSError as e:
        raise syserr(prog, "unable to sanity-check current service directory", e) from None
    try:
        query = struct.pack("hhqqi4x", fcntl.F_RDLCK, os.SEEK_SET, 0, 0, 0)
        got = fcntl.fcntl(fd, fcntl.F_GETLK, query)
    except OSError as e:
        raise syserr(prog, "unable to sanity-check current service directory", e) from None
    finally:
        os.close(fd)
    if struct.unpack("hhqqi4x", got)[0] == fcntl.F_UNLCK:
        raise fatal(prog, 100, "s6-supervise not running.")


def _spawn_check(ctx: Context, check: list[str] | None, checkprog: str | None) -> int:
    if check is not None:
        return spawn_with(ctx, check, None)
    pid = os.fork()
    if pid == 0:
        from .execlineb import build
        from .runtime import run_chain
        try:
            env = dict(ctx.env)
            words = build(["-Pc", checkprog or ""], env)
            c = Context(env, "execlineb")
            finish(run_chain(c, words))
        except Exit as e:
            finish(e)
        except BaseException:
            finish(Exit(111))
    return pid


def _poll(ctx: Context, fd: int, check: list[str] | None, checkprog: str | None,
          o: dict[str, int], parent: int) -> int:
    start = time.monotonic()
    time.sleep(o["s"] / 1000)
    tries = 0
    while True:
        try:
            pid = _spawn_check(ctx, check, checkprog)
            status = proc.wait_timeout(pid, o["t"] / 1000 if o["t"] else None)
            if status is None:
                os.kill(pid, 9)
                proc.wait_pid(pid)
        except OSError:
            status = None
        if status is not None and os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0:
            os.write(fd, b"\n")
            return 0
        tries += 1
        if o["n"] and tries >= o["n"]:
            return 1
        if os.getppid() != parent:
            return 2
        if o["T"] and (time.monotonic() - start) * 1000 >= o["T"]:
            return 3
        time.sleep(o["w"] / 1000)


def notifyoncheck(ctx: Context, argv: list[str]) -> list[str]:
    prog = "s6-notifyoncheck"
    try:
        opts, i = getopt(argv, "d3:s:T:t:w:n:c:")
    except OptionError:
        raise usage(prog, USAGE) from None
    o = {"s": 10, "T": 0, "t": 0, "w": 1000, "n": 7}
    double, fd, checkprog = False, None, None
    for c, a in opts:
        if c == "d":
            double = True
        elif c == "c":
            checkprog = a
        else:
            v = uint(a)
            if v is None:
                raise usage(prog, USAGE)
            if c == "3":
                fd = v
            else:
                o[c] = v
    if i >= len(argv):
        raise usage(prog, USAGE)
    supervised(prog)
    if fd is None:
        try:
            with open("notification-fd") as f:
                fd = uint(f.read().split("\n", 1)[0].strip())
        except OSError as e:
            raise syserr(prog, "unable to read ./notification-fd", e) from None
        if fd is None:
            raise fatal(prog, 100, "invalid ./notification-fd")
    try:
        fcntl.fcntl(fd, fcntl.F_GETFD)
    except OSError as e:
        raise fatal(prog, 111, f"notification-fd sanity check failed: {os.strerror(e.errno or 0)}") from None
    check = ["./data/check"] if checkprog is None else None
    parent = os.getpid()
    pid = os.fork()
    if pid == 0:
        if double and os.fork():
            os._exit(0)
        try:
            code = _poll(ctx.child(), fd, check, checkprog, o, parent)
        except BaseException:
            code = 111
        finish_code(code)
    if double:
        proc.wait_pid(pid)
    try:
        os.close(fd)
    except OSError:
        pass
    return argv[i:]


def finish_code(code: int) -> None:
    finish(Exit(code))
