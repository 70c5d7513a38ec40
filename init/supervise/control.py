"""s6-svc's control letters, applied to a ``Service`` (a mixin of it).

Letters (supervision.md §4): u U d D o O Q x r l, the signal letters
a b q h k t i 1 2 p c y, the process-group letters P C K.  Kept apart from
the life cycle (service.py) because it is a table of small, independent
effects; the timeout-kill escalation lives here since only ``d`` arms it.
"""
from __future__ import annotations

import _signal as signal  # C module: PID 1 avoids enum

from init.supervise import rules

DOWN, STARTING, UP, FINISH, GONE = "down", "starting", "up", "finish", "gone"
_RUNNING = (STARTING, UP)

_SIGNAL_LETTERS = {
    "a": signal.SIGALRM, "b": signal.SIGABRT, "q": signal.SIGQUIT, "h": signal.SIGHUP,
    "k": signal.SIGKILL, "t": signal.SIGTERM, "i": signal.SIGINT, "1": signal.SIGUSR1,
    "2": signal.SIGUSR2, "p": signal.SIGSTOP, "c": signal.SIGCONT, "y": signal.SIGWINCH,
}
_GROUP_LETTERS = {"P": signal.SIGSTOP, "C": signal.SIGCONT, "K": signal.SIGKILL}


class Control:
    """Mixin: expects the attributes and helpers of ``Service``."""

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

