"""Stage 3, the shutdown (init.md §15.2), as steps in PID 1's loop.

1. ``s6-rc -bda change``: every service down in reverse dependency order
   (user2, services.d within S6_SERVICES_GRACETIME, user, cont-finish.d
   each within S6_KILL_FINISH_MAXTIME), after a boot change still running;
2. the halt code, then the rest of the scan directory is told to stop
   (their ``finish`` scripts may still write the exit code);
3. TERM and CONT to every process but the catch-all logger, at most
   S6_KILL_GRACETIME ms for them to go (s6py ends the wait as soon as none
   is left), then KILL;
4. the catch-all logger drains the pipe and exits on EOF, and the loggers'
   tee copies (init/tee) reach the console, both within LOGGER_WAIT;
5. sync (S6_SYNC_DISKS, at every stop: DECISIONS #7), exit with the code of
   the exitcode file (halt) or the reboot/poweroff status.
"""
from __future__ import annotations

import _signal as signal
import os

from init import contenv
from init.pid1 import killall
from init.pid1.catchall import SERVICE as CATCHALL
from init.pid1.exitcode import (
    EXITCODE_FILE,
    HALTCODE_FILE,
    halt_status,
    has_cap_sys_boot,
    parse_exitcode,
)
from init.settings import verbosity

POLL = 0.05          # how often the grace period looks for non-children
REAP_WAIT = 2.0      # after KILL, for the kernel to hand us the last zombies
LOGGER_WAIT = 5.0    # for the catch-all logger to drain and exit


class Stage3:
    def __init__(self, c, kind: str) -> None:
        self.c = c
        self.kind = kind
        self.phase = "rc"
        self._timer = None
        self._deadline = 0.0

    def start(self) -> None:
        c = self.c
        mgr = c.svscan.rc
        if mgr is None or mgr.live is None:
            return self._rc_done(0)
        from init.rc.engine import ChangeRequest
        v = verbosity(contenv.get("S6_VERBOSITY", c.child_env, contenv.CONTAINER_ENV))
        req = ChangeRequest(names=[], up=False, all_up=True, verbosity=v,
                            stdio=c.stdio.tree())
        mgr.change(req, c.say, self._rc_done, wait=True)

    def _rc_done(self, r: int) -> None:
        c = self.c
        if r:
            c.say(f"s6-linux-init-shutdownd: warning: /run/s6/basedir/scripts/rc.shutdown "
                  f"exited {r}")
        try:
            with open(HALTCODE_FILE, "w") as f:
                f.write(self.kind + "\n")
        except OSError:
            pass
        self.phase = "term"
        c.svscan.scanner.shutdown("t", keep=(CATCHALL,))
        self._broadcast(signal.SIGTERM)
        self._broadcast(signal.SIGCONT)
        grace = c.cfg.kill_grace_ms / 1000
        self._deadline = c.loop.time() + grace
        c.loop.on_signal(signal.SIGCHLD, self._check)
        self._check()

    def _exclude(self) -> set[int]:
        c = self.c
        out = set()
        svc = c.svscan.scanner.services.get(CATCHALL)
        if svc is not None and svc.pid:
            out.add(svc.pid)
        return out

    def _broadcast(self, sig: int) -> int:
        c = self.c
        return killall.broadcast(sig, c.subreaper, self._exclude(), list(c.loop._children))

    def _left(self) -> int:
        c = self.c
        return killall.remaining(self.c.subreaper, self._exclude(), list(c.loop._children))

    def _check(self, *_: object) -> None:
        c = self.c
        if self.phase == "done":
            return
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        now = c.loop.time()
        if self.phase == "term":
            if self._left() == 0 or now >= self._deadline:
                self.phase = "kill"
                self._broadcast(signal.SIGKILL)
                self._deadline = now + REAP_WAIT
            else:
                self._timer = c.loop.call_at(min(self._deadline, now + POLL), self._check)
                return
        if self.phase == "kill":
            if self._left() and now < self._deadline:
                self._timer = c.loop.call_at(min(self._deadline, now + POLL), self._check)
                return
            self.phase = "logger"
            self._deadline = now + LOGGER_WAIT
            c.stop_catchall()
        if self.phase == "logger":
            svc = c.svscan.scanner.services.get(CATCHALL)
            if ((svc is not None and svc.pid) or c.tee_busy()) and now < self._deadline:
                self._timer = c.loop.call_at(min(self._deadline, now + POLL), self._check)
                return
            if svc is not None and svc.pid:
                try:
                    os.kill(svc.pid, signal.SIGKILL)
                except OSError:
                    pass
            self.phase = "done"
            self._exit()

    def _exit(self) -> None:
        c = self.c
        if c.cfg.sync_disks:
            try:
                os.sync()
            except OSError:
                pass
        try:
            with open(EXITCODE_FILE, "rb") as f:
                data = f.read()
        except OSError:
            data = None
        can_reboot = False
        if self.kind in "pr" and not c.subreaper:
            try:
                with open("/proc/self/status") as f:
                    can_reboot = has_cap_sys_boot(f.read())
            except OSError:
                pass
        c.exit_code = halt_status(self.kind, parse_exitcode(data), can_reboot)
