"""How a change's transitions touch the world, inside PID 1.

Longruns: the in-process supervisor (``Scanner``): send ``u``/``d`` to the
service and follow its events, as ``s6-svc -uwU`` / ``-dwD`` would; on
success s6-rc's ``down`` file in the live servicedir is removed / created.
Oneshots: a child of PID 1 (s6-rc's oneshot runner lives here), in the live
directory, with the tree's environment plus ``RC_NAME``, and the stdio of
whoever asked for the change.  By default the command line is handed to
execlineb (``-P -c``); ``runner=None`` execs the argv lexed at compile time
directly, as s6-rc does.  A oneshot with a declared logger writes its
stdout into that logger's pipe (``_logged``).  ``inproc`` maps a one-word command line (a
script path) to ``module:function``: PID 1 runs those in a forked child
without an exec (its own legacy scripts: fix-attrs, cont-init, ...);
``fork_runner`` (``module:function`` of an execlineb) does the same for
every other command line, instead of starting an interpreter for ``runner``.
"""
from __future__ import annotations

import os
import signal
import sys

from init import spawn as _spawn
from init.control.waitstate import Waiter
from init.supervise import rules

DEFAULT_EXECLINEB = [sys.executable, "-m", "init.execline"]
DRAIN_MAX = 2.0      # how long a declared logger may take to read its pipe before it stops
DRAIN_POLL = 0.01


def _unread(fd: int) -> int:
    """Bytes waiting in a pipe (FIONREAD); 0 if it cannot be told."""
    import fcntl
    import termios
    try:
        return int.from_bytes(fcntl.ioctl(fd, termios.FIONREAD, b"\0\0\0\0"), sys.byteorder)
    except OSError:
        return 0


def describe(wstat: int) -> str:
    if rules.exited(wstat):
        return f"command exited {rules.exit_code(wstat)}"
    return f"command crashed with signal {rules.term_signal(wstat)}"


class TreeDriver:
    def __init__(self, loop, scanner, live, *, runner: list[str] | None = DEFAULT_EXECLINEB,
                 spawner=_spawn.spawn) -> None:
        self.loop = loop
        self.scanner = scanner
        self.live = live
        self.runner = runner
        self.spawner = spawner
        self.inproc: dict[str, str] = {}
        self.fork_runner: str | None = None

    # ------------------------------------------------------------ longruns

    def longrun(self, name: str, up: bool, timeout: float | None, cb):
        """Bring a longrun up (ready if it notifies) or down; cb(ok, why)."""
        svc = self.scanner.services.get(name)
        if svc is None:
            self.scanner.scan()
            svc = self.scanner.services.get(name)
        if svc is None:
            self.loop.call_soon(cb, False, "service is not supervised")
            return None
        atom = self.live.db.atoms[name]
        goal = ("U" if atom.notification else "u") if up else "D"
        w = Waiter(goal, svc.status)
        state: dict = {"timer": None, "over": False}

        def end(ok: bool, why: str = "") -> None:
            if state["over"]:
                return
            state["over"] = True
            if listener in svc.listeners:
                svc.listeners.remove(listener)
            if state["timer"] is not None:
                state["timer"].cancel()
            if ok:
                self.live.set_down_file(name, not up)
            elif up:
                svc.command(b"d")
            cb(ok, why)

        def listener(_svc, letters: bytes) -> None:
            w.feed(letters)
            if w.done:
                end(True)
            elif w.failed:
                end(False, "command exited 1")

        svc.listeners.append(listener)
        if timeout:
            state["timer"] = self.loop.call_later(timeout, end, False,
                                                  f"timed out after {int(timeout * 1000)} ms")
        if w.done:
            self.loop.call_soon(end, True)
        if not up and atom.drain:
            self._drain_then_down(name, svc, state)
        else:
            svc.command(b"u" if up else b"d")
        return lambda: end(False, "cancelled") if not state["over"] else None

    def _drain_then_down(self, name: str, svc, state: dict) -> None:
        """A declared logger (init/rc/loggers.py) is told to stop only once it has read
        what its producers left in the pipe (logd consumes what it has written), or
        after DRAIN_MAX: s6-log drops unread input at SIGTERM, and a producer's last
        lines are written just before the logger is stopped."""
        p = self.scanner.pipework.pipes.get(name)
        deadline = self.loop.time() + DRAIN_MAX

        def attempt() -> None:
            if state["over"]:
                return
            if p is None or not svc.pid or _unread(p[0]) == 0 or self.loop.time() >= deadline:
                svc.command(b"d")
            else:
                self.loop.call_later(DRAIN_POLL, attempt)

        attempt()

    # ------------------------------------------------------------ oneshots

    def _logged(self, name: str, stdio: dict[int, int]) -> dict[int, int]:
        """A oneshot with a declared logger (init/rc/loggers.py) writes its stdout into
        the pipe PID 1 holds for that logger, as a longrun producer does."""
        atom = self.live.db.atoms.get(name)
        if atom is None or not atom.producer_for:
            return stdio
        w = self.scanner.pipework.ends(atom.producer_for)[1]
        return {**stdio, 1: w} if w >= 0 else stdio

    def oneshot(self, name: str, text: str | None, argv: list[str] | None,
                timeout: float | None, stdio: dict[int, int], cb):
        """Run an up/down command line; cb(ok, why).  None/empty: success."""
        if text is None or not argv:
            self.loop.call_soon(cb, True, "")
            return None
        env = dict(_spawn.original_environ())
        env["RC_NAME"] = name
        stdio = self._logged(name, stdio)
        target = self.inproc.get(argv[0]) if len(argv) == 1 else None
        full = list(argv)
        if target is None and self.fork_runner is not None:
            target, full = self.fork_runner, ["execlineb", "-P", "-c", text]
        if target is not None:
            try:
                pid = _spawn.fork_call(target, full, cwd=self.live.path, fds=stdio, env=env)
            except OSError as e:
                self.loop.call_soon(cb, False, f"unable to spawn {full[0]}: {e.strerror}")
                return None
        elif self.runner is not None:
            full = list(self.runner) + ["-P", "-c", text]
            path = full[0]
        else:
            full = list(argv)
            path = _spawn.which(full[0], env)
            if path is None:
                self.loop.call_soon(cb, False, "command exited 127")
                return None
        if target is None:
            try:
                pid = self.spawner(full, cwd=self.live.path, fds=stdio, env=env, path=path)
            except OSError as e:
                self.loop.call_soon(cb, False, f"unable to spawn {full[0]}: {e.strerror}")
                return None
        state: dict = {"timer": None, "over": False}

        def died(_pid: int, wstat: int) -> None:
            if state["timer"] is not None:
                state["timer"].cancel()
            if not state["over"]:
                state["over"] = True
                ok = rules.exited(wstat) and rules.exit_code(wstat) == 0
                cb(ok, "" if ok else describe(wstat))

        def too_long() -> None:
            state["timer"] = None
            if not state["over"]:
                state["over"] = True
                try:
                    os.kill(pid, signal.SIGTERM)
                except OSError:
                    pass
                cb(False, f"timed out after {int(timeout * 1000)} ms")

        self.loop.watch_child(pid, died)
        if timeout:
            state["timer"] = self.loop.call_later(timeout, too_long)
        return None
