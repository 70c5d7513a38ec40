"""The logger's event loop: stdin, stdout, signals, children, timers.

One thread, one poll().  Signal handlers only record the signal; the C
handler's write to the wakeup pipe makes poll() return, and the loop
acts on it between reads.  Reading stops in -b mode while any logdir
holds data or rotates, and for good at EOF or SIGTERM; the loop then
waits until every byte is written and every rotation done, finalises
the logdirs and returns the exit code.
"""
from __future__ import annotations

import os
import select
import time

from logd import sig as signal
from logd.dispatch import Dispatcher
from logd.intake import Intake
from logd.logdir import Logdir
from logd.messages import Reporter, strerror
from logd.outputs import Forwarder

_CAUGHT = (signal.SIGTERM, signal.SIGHUP, signal.SIGALRM, signal.SIGCHLD)


class Logger:
    def __init__(self, dispatcher: Dispatcher, logdirs: list[Logdir], forwarder: Forwarder,
                 reporter: Reporter, *, blocking: bool, protect: bool, linelimit: int,
                 lastlinetimeout: int, join=None) -> None:
        self.dispatcher = dispatcher
        self.logdirs = logdirs
        self.forwarder = forwarder
        self.reporter = reporter
        self.blocking = blocking
        self.protect = protect
        self.intake = Intake(linelimit, join=join)
        self.linelimit = linelimit
        self.lastline_ms = lastlinetimeout
        self.lastline_at: float | None = None  # -t deadline
        self.lastline = False   # SIGTERM came with a partial line held
        self.closing = False    # no more input
        self.signals: list[int] = []
        self.unfinalised = list(logdirs)
        self.counters = None  # counters.Counters with S6PY_COUNTERS

    # ------------------------------------------------------------ setup

    def trap_signals(self) -> None:
        rfd, wfd = os.pipe()
        os.set_blocking(rfd, False)
        os.set_blocking(wfd, False)
        self.wakeup = rfd
        signal.set_wakeup_fd(wfd, warn_on_full_buffer=False)
        for sig in _CAUGHT:
            signal.signal(sig, self._on_signal)

    def _on_signal(self, signum: int, frame: object) -> None:
        self.signals.append(signum)

    # ------------------------------------------------------------ loop

    def run(self) -> int:
        poller = select.poll()
        poller.register(self.wakeup, select.POLLIN)
        stdin_registered = stdout_registered = False
        while True:
            self._handle_signals()
            now = time.monotonic()
            for ld in self.logdirs:
                deadline = ld.deadline()
                if deadline is not None and deadline <= now:
                    ld.on_time(now)
            if self.lastline_at is not None and now >= self.lastline_at:
                self._end_lastline(warn=False)
            held = self.intake.held_deadline()
            if held is not None and now >= held and not self.closing:
                self._process(self.intake.take_held())  # %join: no continuation came
            recheck = self.intake.recheck_at
            if recheck is not None and now >= recheck and self._may_read(recheck=True):
                self.intake.recheck_at = None
                self._read()
            self.forwarder.flush()
            if self.closing and self._try_exit():
                if self.counters is not None:
                    self.counters.split = self.intake.splitter.cuts
                    self.counters.tick(force=True, state="exited")
                return 0
            want_in = self._may_read()
            if self.counters is not None:
                self.counters.split = self.intake.splitter.cuts
                self.counters.blocked_now(self.blocking and not want_in and not self.closing
                                          and not self.intake.parked)
                self.counters.tick()
            if want_in != stdin_registered:
                if want_in:
                    poller.register(0, select.POLLIN)
                else:
                    poller.unregister(0)
                stdin_registered = want_in
            want_out = self.forwarder.pending and self.forwarder.blocked
            if want_out != stdout_registered:
                if want_out:
                    poller.register(self.forwarder.fd, select.POLLOUT)
                else:
                    poller.unregister(self.forwarder.fd)
                stdout_registered = want_out
            events = poller.poll(self._timeout())
            for fd, _ in events:
                if fd == self.wakeup:
                    try:
                        os.read(self.wakeup, 512)
                    except OSError:
                        pass
                elif fd == 0:
                    self._read()
                else:
                    self.forwarder.blocked = False

    def _may_read(self, recheck: bool = False) -> bool:
        if self.closing:
            return False
        if self.intake.parked and not self.lastline and not recheck:
            return False  # the timer re-checks the pipe (intake.py)
        if self.blocking:
            if self.forwarder.pending or any(ld.busy for ld in self.logdirs):
                return False
        return True

    def _timeout(self) -> int | None:
        times = [d for d in (ld.deadline() for ld in self.logdirs) if d is not None]
        if self.lastline_at is not None:
            times.append(self.lastline_at)
        if self.intake.recheck_at is not None:
            times.append(self.intake.recheck_at)
        held = self.intake.held_deadline()
        if held is not None and not self.closing:
            times.append(held)
        if not times:
            return None
        return max(0, int((min(times) - time.monotonic()) * 1000) + 1)

    # ------------------------------------------------------------ input

    def _read(self) -> None:
        try:
            chunk, eof = self.intake.read(one_byte=self.lastline)
        except BlockingIOError:
            return
        except OSError as e:
            self.reporter.warn(f"unable to read from stdin: {strerror(e)}")
            chunk, eof = None, True
        if eof:
            self._eof()
            return
        if chunk is not None:
            self.dispatcher.process(chunk)
        self.intake.done()  # consumed from the pipe only now (intake.py)
        if chunk is not None:
            if self.lastline:
                self._process(self.intake.take_partial())  # %join: what is still held
                self._close()
        elif self.lastline and self.linelimit and len(self.intake.partial) >= self.linelimit:
            self._end_lastline(warn=True)

    def _eof(self) -> None:
        """EOF keeps a partial last line (DECISIONS.md #19), then closes."""
        chunk = self.intake.take_partial()
        if chunk is not None:
            self.dispatcher.process(chunk)
        self._close()

    def _end_lastline(self, warn: bool) -> None:
        if warn:
            self.reporter.warn("input line too long, stopping before the end")
        chunk = self.intake.take_partial()
        if chunk is not None:
            self.dispatcher.process(chunk)
        self._close()

    def _close(self) -> None:
        self.closing = True
        self.lastline = False
        self.lastline_at = None

    # ------------------------------------------------------------ signals

    def _handle_signals(self) -> None:
        while self.signals:
            sig = self.signals.pop(0)
            if sig == signal.SIGCHLD:
                self._reap()
            elif sig == signal.SIGALRM:
                for ld in self.logdirs:
                    ld.alarm()
            elif sig == signal.SIGHUP or (sig == signal.SIGTERM and not self.protect):
                self._terminate()

    def _terminate(self) -> None:
        if self.closing or self.lastline:
            return
        if self.intake.partial:
            self.lastline = True
            if self.lastline_ms:
                self.lastline_at = time.monotonic() + self.lastline_ms / 1000
        else:
            self._process(self.intake.take_partial())  # %join: the held record
            self._close()

    def _process(self, chunk) -> None:
        if chunk is not None:
            self.dispatcher.process(chunk)

    def _reap(self) -> None:
        while True:
            try:
                pid, status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                return
            if pid == 0:
                return
            for ld in self.logdirs:
                if ld.child == pid:
                    ld.child_exited(status)
                    break

    # ------------------------------------------------------------ exit

    def _try_exit(self) -> bool:
        if self.forwarder.pending:
            return False
        if any(ld.busy or ld.child is not None for ld in self.logdirs):
            return False
        remaining = []
        for ld in self.unfinalised:
            if ld.retry_at is not None or not ld.finalize():
                remaining.append(ld)
        self.unfinalised = remaining
        return not remaining
