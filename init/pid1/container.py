"""The running container: the loop, the supervisor, signals, halt requests, the stages.

One object holds what every stage needs (stdio, the child environment,
the supervision tree, the catch-all logger) and routes the outside world
to them: signals (signals.py), ``halt``/``poweroff``/``reboot`` through
the shutdown FIFO, ``s6-svscanctl`` on /run/service.  Nothing escapes the
loop: every callback is guarded by it, and ``run`` keeps going whatever
happens until an exit code is set.
"""
from __future__ import annotations

import _signal as signal
import os

from init import spawn
from init.loop import Loop, report_exception
from init.pid1 import runimage
from init.pid1 import signals as sigs
from init.pid1.catchall import SERVICE as CATCHALL
from init.pid1.catchall import CatchAll
from init.pid1.exitcode import EXITCODE_FILE
from init.pid1.stage2 import Stage2
from init.pid1.stage3 import Stage3
from init.pid1.stdio import Stdio
from init.svscan.program import Svscan

SCANDIR = "/run/service"
TEE_STUCK = 1.0


class Pid1Svscan(Svscan):
    """s6-svscan inside PID 1: ``-t``, ``-i``, ``-q``, ``-b`` on the control FIFO shut
    the container down (stage 3) instead of only the supervisor."""

    container = None

    def command(self, letters: str) -> None:
        kinds = [sigs.svscanctl_kind(c) for c in letters if sigs.svscanctl_kind(c)]
        rest = "".join(c for c in letters if not sigs.svscanctl_kind(c))
        if rest:
            super().command(rest)
        if kinds and self.container is not None:
            self.container.halt(kinds[0])


class Container:
    def __init__(self, cfg, cmd: list[str], child_env: dict[str, str], subreaper: bool,
                 receive_signals: bool) -> None:
        self.cfg = cfg
        self.cmd = list(cmd)
        self.child_env = child_env
        self.subreaper = subreaper
        self.cfg_receive_signals = receive_signals
        self.loop = Loop()
        self.stdio = Stdio(cfg.logging)
        self.catchall: CatchAll | None = None
        self.svscan: Pid1Svscan | None = None
        self.stage2 = Stage2(self)
        self.stage3: Stage3 | None = None
        self.stopping = False
        self.exit_code: int | None = None
        self._fifo = -1

    # ------------------------------------------------------------ output

    def say(self, text: str) -> None:
        """A line on PID 1's stderr (the logger's pipe, non-blocking, or the console)."""
        try:
            os.write(2, (text + "\n").encode(errors="replace"))
        except OSError:
            pass

    # ------------------------------------------------------------ set-up

    def setup(self, catchall_owner: tuple[int, int] | None) -> None:
        """Stdio, logger, scan directory, supervisor; OSError if /run cannot take them."""
        cfg = self.cfg
        st = self.stdio
        if cfg.logging:
            self.catchall = CatchAll()
            self.catchall.setup(SCANDIR, cfg.logging, cfg.stamps, cfg.catchall_user,
                                catchall_owner)
            st.use_catchall(self.catchall.w, self.catchall.w_nb)
        st.install()
        st.release_ctty()
        runner = os.environ.get("S6PY_EXECLINEB")
        if runner:
            rc_runner = None if runner == "direct" else runner.split()
        else:
            from init import pyexec
            rc_runner = pyexec.argv("init.execline.execlineb:main", [], "execlineb")
        sv = Pid1Svscan(self.loop, SCANDIR, console_fd=st.console_err, signals=False,
                        rc_runner=rc_runner)
        sv.container = self
        sv.tee_fd = st.console_out     # loggers' tee copies (init/tee): the container's stdout
        if self.catchall is not None:
            sv.scanner.extra_stdio[CATCHALL] = {0: self.catchall.r, 1: st.console_err,
                                                2: st.console_err}
        self.svscan = sv
        sv.start()
        self._fifo = runimage.open_fifo()
        self.loop.add_reader(self._fifo, self._on_fifo)
        for s in sigs.HANDLED:
            self.loop.on_signal(s, self.on_signal)
        for s in sigs.IGNORED:
            signal.signal(s, signal.SIG_IGN)

    # ------------------------------------------------------------ events

    def on_signal(self, signum: int) -> None:
        what = sigs.action(signum, self.stage2.forwarding and self.stage2.cmd_pid > 0)
        if what == "forward":
            try:
                os.kill(self.stage2.cmd_pid, signum)
            except OSError:
                pass
        elif what == "rescan":
            self.svscan.command("an")
        elif what in ("h", "p", "r"):
            self.halt(what)

    def _on_fifo(self) -> None:
        try:
            data = os.read(self._fifo, 64)
        except OSError:
            return
        for ch in data.decode("latin-1"):
            if ch in "hpr":
                self.halt(ch)
                return

    # ------------------------------------------------------------ stages

    def write_exitcode(self, code: int) -> None:
        try:
            runimage.write(EXITCODE_FILE, f"{code}\n".encode(), 0o644)
        except OSError as e:
            self.say(f"s6-linux-init: warning: unable to write {EXITCODE_FILE}: {e.strerror}")

    def halt(self, kind: str) -> None:
        """Start stage 3 (once; later requests are harmless)."""
        if self.stopping:
            return
        self.stopping = True
        self.stage3 = Stage3(self, kind)
        self.loop.call_soon(self.stage3.start)

    def stop_catchall(self) -> None:
        """The end: the logger gets EOF once the pipe is drained, then exits."""
        if self.catchall is None:
            return
        svc = self.svscan.scanner.services.get(CATCHALL)
        if svc is not None:
            svc.command(b"ux")    # a logger waiting for its restart must still drain the pipe
        self.stdio.restore_console()
        spawn.set_child_stdio({})
        self.catchall.close_writers()
        self.stdio.out = self.stdio.err = -1

    def tee_busy(self) -> bool:
        """Loggers' copies still on their way to a console that takes them (init/tee):
        one that has taken nothing for TEE_STUCK seconds is not waited for."""
        server = self.svscan.rc_server if self.svscan is not None else None
        relay = getattr(server, "relay", None)
        return relay is not None and relay.busy and not relay.stuck(TEE_STUCK)

    def run(self) -> int:
        """The loop, until stage 3 sets the exit code."""
        self.loop.call_soon(self.stage2.start)
        while self.exit_code is None:
            try:
                self.loop.run(until=lambda: self.exit_code is not None)
            except Exception as e:  # noqa: BLE001 - PID 1 goes on
                report_exception(self.run, e)
        return self.exit_code
