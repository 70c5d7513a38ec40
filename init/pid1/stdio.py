"""Who writes where (init.md §7.1, §11): PID 1, the supervision tree, stage 2, the CMD.

The container's original fds 0-2 are kept (close-on-exec) as the console.
PID 1's own fd 0 becomes /dev/null (services inherit it, as from
s6-svscan).  With a catch-all logger, fds 1-2 of the tree and of stage 2
(oneshots at boot, the hook) are the logger's pipe; PID 1 writes to a
non-blocking description of it.  The CMD writes where stage 2 does, as
s6-overlay 3.2.3.2's rc.init runs it: the container's stdout/stderr with
S6_LOGGING=0, the catch-all's pipe with 1 and 2 (so with 1 its lines are
logged and reach the container's stderr through the logger's copy, in the
order the logger read them, after what the services printed before; none
reaches stdout), the terminal with S6_CMD_USE_TERMINAL.
"""
from __future__ import annotations

import os

from init import spawn


def _dup(fd: int) -> int:
    try:
        return os.dup(fd)   # close-on-exec (PEP 446)
    except OSError:
        return -1


class Stdio:
    def __init__(self, logging: int) -> None:
        null = spawn.devnull()
        self.console_in = _dup(0)
        self.console_out = _dup(1)
        self.console_err = _dup(2)
        if self.console_out < 0:     # s6-linux-init: no stdout -> /dev/null for both
            for fd in (1, 2):
                os.dup2(null, fd)
            if self.console_err >= 0:
                os.close(self.console_err)
            self.console_out, self.console_err = os.dup(null), os.dup(null)
        elif self.console_err < 0:
            os.dup2(null, 2)
            self.console_err = os.dup(null)
        if self.console_in < 0:
            self.console_in = os.dup(null)
        self.logging = logging
        self.tty = ""
        self.tty_fd = -1
        probe = self.console_err if logging else self.console_out
        try:
            if os.isatty(probe):
                self.tty = os.ttyname(probe)
                self.tty_fd = os.open(self.tty, os.O_RDWR | os.O_NOCTTY | os.O_CLOEXEC)
        except OSError:
            self.tty, self.tty_fd = "", -1
        self.out = self.console_out      # fds 1 and 2 of the tree and stage 2
        self.err = self.console_err

    def release_ctty(self) -> None:
        """Give up the terminal as our controlling one, so that the CMD can take it."""
        if self.tty_fd < 0:
            return
        import _signal as signal
        import fcntl
        import termios
        old = signal.signal(signal.SIGHUP, signal.SIG_IGN)
        try:
            fcntl.ioctl(self.tty_fd, termios.TIOCNOTTY)
        except OSError:
            pass
        finally:
            signal.signal(signal.SIGHUP, old)

    def use_catchall(self, w: int, w_nb: int) -> None:
        """Tree and stage 2 write into the pipe; PID 1 through its non-blocking twin."""
        self.out = self.err = w
        os.dup2(w_nb, 1)
        os.dup2(w_nb, 2)

    def install(self) -> None:
        """PID 1's fd 0 is /dev/null; children default to the tree's stdio."""
        os.dup2(spawn.devnull(), 0)
        spawn.set_child_stdio({0: spawn.devnull(), 1: self.out, 2: self.err})

    def stage2(self) -> dict[int, int]:
        return {0: self.tty_fd if self.tty_fd >= 0 else self.console_in, 1: self.out,
                2: self.err}

    def tree(self) -> dict[int, int]:
        return {0: spawn.devnull(), 1: self.out, 2: self.err}

    def cmd(self, use_terminal: bool) -> dict[int, int]:
        fds = self.stage2()
        if use_terminal and self.tty_fd >= 0:
            fds[1] = fds[2] = self.tty_fd
        return fds

    def restore_console(self) -> None:
        """At the very end: PID 1's fds 1-2 back on the console (the pipe may then drain)."""
        for fd, src in ((1, self.console_out), (2, self.console_err)):
            try:
                os.dup2(src, fd)
            except OSError:
                pass
