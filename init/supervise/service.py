"""One supervised service: s6-supervise's state machine, without its process.

PID 1 holds one ``Service`` per service directory.  It reacts to: control
letters (s6-svc), the death of ./run or ./finish (the loop's reaper), a
readiness newline on the notification pipe, and timers (restart delay,
timeout-kill, timeout-finish).  Everything that touches the outside world
goes through the injected ``loop`` (timers, fds, children, clocks) and
``spawner`` (process creation), so tests drive it with a fake clock.

Phases: DOWN (nothing runs; maybe a restart is scheduled), STARTING (forked,
exec not yet confirmed: nothing is published until it is, so PID 1 never
waits for a child to exec), UP (./run runs), FINISH (./finish runs), GONE
(supervision ended: the s6-supervise process would have exited).
"""
from __future__ import annotations

import os

from init import spawn as _spawn
from init.supervise import rules
from init.supervise.config import Config, read_config
from init.supervise.control import _RUNNING, DOWN, FINISH, GONE, STARTING, UP, Control
from init.supervise.death import AfterDeath
from init.supervise.files import ServiceFiles
from init.supervise.status import (
    FINISHING,
    NEVERSTARTED,
    PAUSED,
    READY,
    WANTUP,
    Status,
)

__all__ = ["DOWN", "FINISH", "GONE", "STARTING", "UP", "Service", "stderr_say"]

def stderr_say(text: str) -> None:
    try:
        os.write(2, (text + "\n").encode(errors="replace"))
    except OSError:
        pass


class Service(Control, AfterDeath):
    """s6-supervise for one service directory, driven by the event loop."""

    def __init__(self, loop, files: ServiceFiles, name: str, *,
                 stdio: dict[int, int] | None = None, spawner=_spawn.spawn,
                 on_exit=None, say=stderr_say, kill=os.kill, killpg=os.killpg) -> None:
        self.loop = loop
        self.files = files
        self.path = files.path
        self.name = name
        self.stdio = dict(stdio or {})
        self.spawner = spawner
        self.on_exit = on_exit
        self.say = say
        self.kill = kill        # injectable: unit tests use fake pids
        self.killpg = killpg
        self.listeners: list = []     # cb(service, letters) for in-process waiters
        self.phase = DOWN
        self.want_up = False
        self.exiting = False
        self.paused = False
        self.ready_at: float | None = None
        self.pid = 0
        self.finish_pid = 0
        self.cfg = Config()
        self.status = Status()
        self._notif = -1
        self._exec_fd = -1
        self._restart = self._kill = self._finish_timer = None

    # ------------------------------------------------------------ lifecycle

    def start(self) -> None:
        """Take the lock, publish the first status, start ./run unless ``down``."""
        self.files.open()
        self.loop.add_reader(self.files.control_fd, self._on_control)
        self.want_up = not self.files.has("down")
        now = self.loop.wall()
        self.status = Status(now, now, 0, 0, READY | NEVERSTARTED)
        self._publish(b"s")
        if self.want_up:
            self._spawn_run()

    def terminate(self) -> None:
        """SIGTERM to s6-supervise: bring the service down, then stop supervising."""
        self.command(b"dx")

    def hangup(self) -> None:
        """SIGHUP to s6-supervise (= s6-svc -x): stop once the service is down."""
        self.command(b"x")

    def quit(self) -> None:
        """SIGQUIT to s6-supervise: stop supervising now, leave the process alone."""
        if self.pid:
            self.loop.forget_child(self.pid)
        if self.finish_pid:
            self.loop.forget_child(self.finish_pid)
        self._exit()

    @property
    def up(self) -> bool:
        return self.phase in _RUNNING

    @property
    def ready(self) -> bool:
        return bool(self.status.flags & READY)

    # ------------------------------------------------------------ ./run

    def _spawn_run(self) -> None:
        self._restart = None
        self.cfg = read_config(self.files, self._warn)
        fds = dict(self.stdio)
        wr = -1
        if self.cfg.notification_fd is not None:
            self._notif, wr = os.pipe2(os.O_CLOEXEC | os.O_NONBLOCK)
            fds[self.cfg.notification_fd] = wr
        argv = ["./run", self.name]
        try:
            if self.spawner is _spawn.spawn:   # the real thing: do not wait for exec
                pid, self._exec_fd = _spawn.start(argv, cwd=self.files.dir_fd, fds=fds)
            else:
                pid = self.spawner(argv, cwd=self.files.dir_fd, fds=fds)
        except OSError:
            self._spawn_failed()
            return
        finally:
            if wr >= 0:
                os.close(wr)
        self.phase, self.pid, self.paused, self.ready_at = STARTING, pid, False, None
        self.loop.watch_child(pid, self._on_run_death)
        if self._exec_fd >= 0:
            self.loop.add_reader(self._exec_fd, self._on_exec_result)
        else:
            self._run_confirmed()

    def _exec_outcome(self) -> int:
        """Consume the exec-result fd: 0 if ./run was exec'd, else the errno."""
        fd, self._exec_fd = self._exec_fd, -1
        self.loop.remove_reader(fd)
        try:
            return _spawn.exec_result(fd)
        except OSError:
            return 0
        finally:
            os.close(fd)

    def _on_exec_result(self) -> None:
        if self._exec_fd < 0 or self.phase != STARTING:
            return
        if self._exec_outcome():
            self._spawn_failed()
        else:
            self._run_confirmed()

    def _spawn_failed(self) -> None:
        self._close_notif()
        self.phase, self.pid = DOWN, 0   # the failed child's death is ignored
        self._warn(f"unable to spawn ./run (waiting {int(rules.SPAWN_RETRY)} seconds)")
        self._restart = self.loop.call_later(rules.SPAWN_RETRY, self._retry_spawn)

    def _run_confirmed(self) -> None:
        if self._notif >= 0:
            self.loop.add_reader(self._notif, self._on_notification)
        self.phase = UP
        st = self.status
        st.pid, st.stamp = self.pid, self.loop.wall()
        st.flags &= ~(READY | NEVERSTARTED | FINISHING)
        self._publish(b"u")

    def _retry_spawn(self) -> None:
        self._restart = None
        if self.phase == DOWN and self.want_up and not self.exiting:
            self._spawn_run()

    def _on_notification(self) -> None:
        try:
            data = os.read(self._notif, 4096)
        except BlockingIOError:
            return
        if not data:
            self._close_notif()
        elif b"\n" in data:
            self._close_notif()
            self.ready_at = self.loop.time()
            self.status.flags |= READY
            self.status.readystamp = self.loop.wall()
            self._publish(b"U")

    def _close_notif(self) -> None:
        if self._notif >= 0:
            self.loop.remove_reader(self._notif)
            os.close(self._notif)
            self._notif = -1

    # ------------------------------------------------------------ plumbing

    def _exit(self) -> None:
        for t in ("_restart", "_kill", "_finish_timer"):
            self._cancel(t)
        self._close_notif()
        if self._exec_fd >= 0:
            self._exec_outcome()
        self.phase = GONE
        if self.files.control_fd >= 0:
            self.loop.remove_reader(self.files.control_fd)
        self._publish(b"x", write=False)
        self.files.close()
        if self.on_exit is not None:
            self.on_exit(self)

    def _cancel(self, attr: str) -> None:
        t = getattr(self, attr)
        if t is not None:
            t.cancel()
            setattr(self, attr, None)

    def _write_status(self) -> None:
        st = self.status
        st.flags = (st.flags & ~(WANTUP | PAUSED)) | (WANTUP if self.want_up else 0) | \
            (PAUSED if self.paused else 0)
        err = self.files.write_status(st)
        if err:
            self._warn(f"unable to write status: {err}")

    def _publish(self, letters: bytes, write: bool = True) -> None:
        if write:
            self._write_status()
        self.files.broadcast(letters)
        for cb in list(self.listeners):
            try:
                cb(self, letters)
            except Exception as e:  # noqa: BLE001 - a listener bug must not stop us
                self._warn(f"listener failed: {e!r}")

    def _warn(self, text: str) -> None:
        self.say(f"s6-supervise {self.name}: warning: {text}")
