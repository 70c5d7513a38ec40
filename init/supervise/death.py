"""What happens when ./run dies (a mixin of ``Service``).

Status and death tally first, then ``./finish exitcode-or-256 signal name
pgid`` (bounded by timeout-finish, exit 125 = do not restart), then
"down and ready", then exit (-x) or the restart delay (rules.restart_at).
The last finish before an exit gets /dev/null as stdin and stdout, as with
s6-supervise, so that it does not hold a logger's pipe open.
"""
from __future__ import annotations

import _signal as signal  # C module: PID 1 avoids enum

from init import spawn as _spawn
from init.supervise import rules
from init.supervise.control import DOWN, FINISH, STARTING
from init.supervise.status import FINISHING, PAUSED, READY, death_record


class AfterDeath:
    """Mixin: expects the attributes and helpers of ``Service``."""

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
            fds[0] = fds[1] = _spawn.devnull()
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

