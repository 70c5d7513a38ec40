"""s6-svscan's outer behaviour: signals, the .s6-svscan/control FIFO,
readiness, periodic rescans, and the way out (exec ``.s6-svscan/finish``).

PID 1 embeds ``Svscan`` in its own loop; ``python3 -m init.svscan`` runs it
alone.  Signal table (supervision.md §1.3): a ``.s6-svscan/SIG<NAME>``
script, when executable, runs *instead of* the default action.
"""
from __future__ import annotations

import _signal as signal  # C module: PID 1 avoids enum
import os

from init import spawn as _spawn
from init.supervise.service import stderr_say
from init.svscan.scanner import Scanner

_HANDLED = ("SIGHUP", "SIGINT", "SIGTERM", "SIGQUIT", "SIGUSR1", "SIGUSR2", "SIGPWR", "SIGWINCH")


class Svscan:
    """One scan directory under one loop; ``done`` is set when it may exit."""

    def __init__(self, loop, scandir: str, *, notif_fd: int | None = None,
                 console_fd: int | None = None, rescan_ms: int = 0,
                 max_services: int = 1000, name_max: int = 251,
                 spawner=_spawn.spawn, say=stderr_say, signals: bool = True,
                 rc_runner: list[str] | None | bool = True) -> None:
        self.loop = loop
        self.scanner = Scanner(loop, scandir, spawner=spawner, say=say, console_fd=console_fd,
                               max_services=max_services, name_max=name_max)
        self.scandir = self.scanner.scandir
        self.notif_fd = notif_fd
        self.rescan = rescan_ms / 1000 if rescan_ms else 0.0
        self.spawner = spawner
        self.say = say
        self.signals = signals
        self.done = False
        self.aborted = False
        self.scanner.on_finished = self._finished
        self.rc_runner = rc_runner   # True: default execlineb; False: no s6-rc socket
        self.rc = None               # init.rc.manager.RcManager, once started
        self.rc_server = None
        self.tee_fd = 1              # where loggers' tee copies go (PID 1: the console)

    def start(self) -> None:
        """Lock, listen, scan once, then say ready (-d)."""
        sc = self.scanner
        sc.open()
        self.loop.add_reader(sc.control_fd, self._on_control)
        if self.signals:
            for name in _HANDLED + ("SIGALRM", "SIGABRT"):
                self.loop.on_signal(getattr(signal, name), self.on_signal)
        sc.scan()
        if self.rc_runner is not False:
            self.start_rc()
        if self.rescan:
            self.loop.call_later(self.rescan, self._periodic)
        if self.notif_fd is not None:
            try:
                os.write(self.notif_fd, b"\n")
                os.close(self.notif_fd)
            except OSError:
                pass
            self.notif_fd = None

    def start_rc(self) -> None:
        """Listen for s6-rc requests (s6-rc-init, s6-rc change) on our socket.

        The service database code is imported at the first request only.
        """
        from init.rc.server import RcServer
        try:
            self.rc_server = RcServer(self.loop, self.rc_manager, self.scandir, self.tee_fd)
        except OSError as e:
            self.say(f"s6-svscan: warning: unable to listen for s6-rc requests: {e.strerror}")

    def rc_manager(self):
        """The RcManager of this scan directory, created on first use."""
        if self.rc is None:
            from init.rc.manager import RcManager
            kw = {} if self.rc_runner is True or self.rc_runner is False else \
                {"runner": self.rc_runner}
            self.rc = RcManager(self.loop, self.scanner, **kw)
        return self.rc

    def _periodic(self) -> None:
        if not self.scanner.stopping:
            self.scanner.scan()
            self.loop.call_later(self.rescan, self._periodic)

    # ------------------------------------------------------------ commands

    def _on_control(self) -> None:
        self.command(self.scanner.read_control().decode("latin-1"))

    def command(self, letters: str) -> None:
        """s6-svscanctl letters: a h n N t i q b z (others ignored)."""
        prune = "N" if "N" in letters else ("n" if ("n" in letters or "h" in letters) else "")
        if "a" in letters or "h" in letters or prune:
            self.scanner.scan(prune)
        if "z" in letters:
            self.loop.reap()
        if "q" in letters:
            self.scanner.shutdown("q")
        elif "t" in letters or "i" in letters:
            self.scanner.shutdown("t")
        if "b" in letters:
            self.abort()

    def on_signal(self, signum: int) -> None:
        if signum == signal.SIGABRT:
            self.abort()
            return
        if signum == signal.SIGALRM:
            self.scanner.scan()
            return
        from init.supervise.rules import signal_name
        name = signal_name(signum)
        script = os.path.join(self.scandir, ".s6-svscan", name)
        if os.access(script, os.X_OK) and not os.path.isdir(script):
            try:
                pid = self.spawner([script], cwd=self.scandir, new_session=False)
                self.loop.watch_child(pid, lambda *_: None)
            except OSError as e:
                self.say(f"s6-svscan: warning: unable to spawn {script}: {e.strerror}")
            return
        if signum == signal.SIGHUP:
            self.command("an")
        elif signum in (signal.SIGINT, signal.SIGTERM):
            self.command("t")
        elif signum == signal.SIGQUIT:
            self.command("q")

    def abort(self) -> None:
        """Exec finish now, without waiting for anything."""
        self.aborted = True
        self.done = True

    def _finished(self) -> None:
        self.done = True


def exec_finish(scandir: str, console_fd: int | None) -> int:
    """Restore the console, then exec .s6-svscan/finish; return 0 if there is none."""
    if console_fd is not None:
        for fd in (1, 2):
            try:
                os.dup2(console_fd, fd)
            except OSError:
                pass
    fin = os.path.join(scandir, ".s6-svscan", "finish")
    if not os.access(fin, os.X_OK):
        return 0
    os.chdir(scandir)
    env = _spawn.original_environ()
    signal.set_wakeup_fd(-1)
    for s in _spawn._SIGDEF:
        try:
            signal.signal(s, signal.SIG_DFL)
        except (OSError, ValueError):
            pass
    signal.pthread_sigmask(signal.SIG_SETMASK, ())
    try:
        os.execve(fin, [fin], env)
    except OSError as e:
        stderr_say(f"s6-svscan: fatal: unable to exec {fin}: {e.strerror}")
        return 111
    return 0  # pragma: no cover
