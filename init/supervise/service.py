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

import _signal as signal  # C module: PID 1 avoids enum
import os

from init import spawn as _spawn
from init.supervise import rules
from init.supervise.config import Config, read_config
from init.supervise.files import ServiceFiles
from init.supervise.status import (
    FINISHING,
    NEVERSTARTED,
    PAUSED,
    READY,
    WANTUP,
    Status,
    death_record,
)

DOWN, STARTING, UP, FINISH, GONE = "down", "starting", "up", "finish", "gone"
_RUNNING = (STARTING, UP)

_SIGNAL_LETTERS = {
    "a": signal.SIGALRM, "b": signal.SIGABRT, "q": signal.SIGQUIT, "h": signal.SIGHUP,
    "k": signal.SIGKILL, "t": signal.SIGTERM, "i": signal.SIGINT, "1": signal.SIGUSR1,
    "2": signal.SIGUSR2, "p": signal.SIGSTOP, "c": signal.SIGCONT, "y": signal.SIGWINCH,
}
_GROUP_LETTERS = {"P": signal.SIGSTOP, "C": signal.SIGCONT, "K": signal.SIGKILL}

_devnull = -1


def devnull() -> int:
    global _devnull
    if _devnull < 0:
        _devnull = os.open(os.devnull, os.O_RDWR | os.O_CLOEXEC)
    return _devnull


def stderr_say(text: str) -> None:
    try:
        os.write(2, (text + "\n").encode(errors="replace"))
    except OSError:
        pass


class Service:
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

    # ------------------------------------------------------------ control

    def _on_control(self) -> None:
        data = self.files.read_control()
        if data:
            self.command(data)

    def command(self, letters: bytes) -> None:
        """Apply s6-svc control letters, in order."""
        if self.phase == GONE:
            return
        for c in letters.decode("latin-1"):
            if self.phase == GONE:
                return
            self._one(c)
        if self.phase != GONE:
            self._write_status()

    def _one(self, c: str) -> None:
        if c in "uU":
            if c == "U":
                self.files.set_down_file(False)
            self.want_up = True
            self._start_now()
        elif c in "dD":
            if c == "D":
                self.files.set_down_file(True)
            self.want_up = False
            self._cancel("_restart")
            if self.phase in _RUNNING:
                self._bring_down()
        elif c == "o":
            self.want_up = False
            self._start_now()
        elif c in "OQ":
            if c == "Q":
                self.files.set_down_file(True)
            self.want_up = False
            self._cancel("_restart")
        elif c == "x":
            self.exiting = True
            if self.phase == DOWN:
                self._exit()
        elif c == "r":
            if self.phase in _RUNNING:
                self._kill_pid(self.cfg.down_signal)
                self._kill_pid(signal.SIGCONT)
        elif c == "l":
            if self.phase in _RUNNING:
                self._kill_pid(self.cfg.reload_signal)
        elif c in _SIGNAL_LETTERS:
            if self.phase in _RUNNING:
                self._kill_pid(_SIGNAL_LETTERS[c])
                if c == "p":
                    self.paused = True
                elif c == "c":
                    self.paused = False
        elif c in _GROUP_LETTERS:
            if self.phase in _RUNNING and self.pid > 0:
                try:
                    self.killpg(self.pid, _GROUP_LETTERS[c])
                except OSError:
                    pass
                if c == "P":
                    self.paused = True
                elif c == "C":
                    self.paused = False

    def _start_now(self) -> None:
        if self.phase == DOWN and not self.exiting:
            self._cancel("_restart")
            self._spawn_run()

    def _bring_down(self) -> None:
        self._kill_pid(self.cfg.down_signal)
        self._kill_pid(signal.SIGCONT)
        if self.cfg.timeout_kill and self._kill is None:
            self._kill = self.loop.call_later(self.cfg.timeout_kill / 1000, self._timeout_kill)

    def _timeout_kill(self) -> None:
        self._kill = None
        if self.phase not in _RUNNING or self.pid <= 0:
            return
        if self.cfg.killpg_on_timeout:
            for sig in (signal.SIGKILL, signal.SIGCONT):
                try:
                    self.killpg(self.pid, sig)
                except OSError:
                    pass
        else:
            self._kill_pid(signal.SIGKILL)
            self._kill_pid(signal.SIGCONT)
        self._kill = self.loop.call_later(rules.KILL_RETRY, self._timeout_kill)

    def _kill_pid(self, sig: int) -> None:
        if self.pid <= 0:  # never kill(0) / kill(-1): that would hit our group / everyone
            return
        try:
            self.kill(self.pid, sig)
        except OSError:
            pass

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

    def _on_run_death(self, pid: int, wstat: int) -> None:
        if pid != self.pid:
            return
        if self.phase == STARTING:     # died before we heard about its exec
            if self._exec_fd >= 0 and self._exec_outcome():
                self._spawn_failed()
                return
            self._run_confirmed()
        self._close_notif()
        self._cancel("_kill")
        now = self.loop.wall()
        st = self.status
        st.pid, st.wstat, st.stamp = 0, wstat, now
        st.flags &= ~(READY | PAUSED)
        self.pid, self.paused = 0, False
        err = self.files.add_death(death_record(now, wstat), self.cfg.max_death_tally)
        if err:
            self._warn(f"unable to write death_tally: {err}")
        if self.files.has("finish") and self._spawn_finish(pid, wstat):
            return
        self._down_ready(b"dD")

    # ------------------------------------------------------------ ./finish

    def _spawn_finish(self, pgid: int, wstat: int) -> bool:
        fds = dict(self.stdio)
        if self.exiting:  # the last finish must not hold a logger's pipe open
            fds[0] = fds[1] = devnull()
        argv = ["./finish"] + rules.finish_args(wstat, self.name, pgid)
        try:
            fpid = self.spawner(argv, cwd=self.files.dir_fd, fds=fds)
        except OSError:
            return False
        self.phase, self.finish_pid = FINISH, fpid
        self.loop.watch_child(fpid, self._on_finish_death)
        self.status.flags |= FINISHING
        if self.cfg.timeout_finish:
            self._finish_timer = self.loop.call_later(self.cfg.timeout_finish / 1000,
                                                      self._finish_too_long)
        self._publish(b"d")
        return True

    def _finish_too_long(self) -> None:
        self._finish_timer = None
        if self.phase == FINISH and self.finish_pid > 0:
            self._warn("finish script lifetime reached maximum value - sending it a SIGKILL")
            for sig in (signal.SIGCONT, signal.SIGKILL):
                try:
                    self.kill(self.finish_pid, sig)
                except OSError:
                    pass

    def _on_finish_death(self, pid: int, wstat: int) -> None:
        if pid != self.finish_pid:
            return
        self.finish_pid = 0
        self._cancel("_finish_timer")
        letters = b"D"
        if rules.exited(wstat) and rules.exit_code(wstat) == rules.FINISH_NO_RESTART:
            self.want_up = False
            letters = b"OD"
        self._down_ready(letters)

    def _down_ready(self, letters: bytes) -> None:
        """./run is dead and ./finish done: publish, then exit or restart."""
        self.phase = DOWN
        st = self.status
        st.flags = (st.flags & ~FINISHING) | READY
        st.readystamp = self.loop.wall()
        self._publish(letters)
        if self.exiting:
            self._exit()
        elif self.want_up:
            when = rules.restart_at(self.ready_at, self.loop.time())
            self._restart = self.loop.call_at(when, self._retry_spawn)

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
