"""The runner while the sandbox runs: relay signals to PID 1, read the keeper's messages, wait.

Why no blocking ``waitpid``: CPython runs a signal's Python handler between
bytecodes, so a SIGTERM landing just before the runner enters a blocking
wait stays unhandled until the wait ends, which for a ``docker stop`` is
never (this was seen: a stop that did not stop).  The runner polls the
message pipe, a pidfd of the keeper (Linux >= 5.3; else a 50 ms tick) and
a ``signal.set_wakeup_fd`` pipe: any signal ends the poll, and its handler
runs right after.  Must run in the main thread (signal handlers do).
"""
from __future__ import annotations

import os
import select
import signal

STOP = (signal.SIGTERM, signal.SIGINT)
FORWARD = (signal.SIGHUP, signal.SIGQUIT, signal.SIGUSR1, signal.SIGUSR2, signal.SIGWINCH)


class Relay:
    """Forward signals to PID 1; a stop also arms the SIGKILL timer (``docker stop``)."""

    def __init__(self, stop_timeout: float) -> None:
        self.pid = 0
        self.keeper = 0
        self.pending: list[int] = []
        self.stop_timeout = stop_timeout
        self.stopping = False
        self.saved: dict[int, object] = {}
        self.wake_r = self.wake_w = -1
        self.saved_wakeup = -1

    def install(self) -> None:
        self.wake_r, self.wake_w = os.pipe2(os.O_NONBLOCK | os.O_CLOEXEC)
        self.saved_wakeup = signal.set_wakeup_fd(self.wake_w, warn_on_full_buffer=False)
        for s in STOP + FORWARD + (signal.SIGALRM,):
            self.saved[s] = signal.signal(s, self.handle)

    def restore(self) -> None:
        signal.setitimer(signal.ITIMER_REAL, 0)
        for s, h in self.saved.items():
            signal.signal(s, h)  # type: ignore[arg-type]
        if self.wake_r >= 0:
            signal.set_wakeup_fd(self.saved_wakeup)
            os.close(self.wake_r)
            os.close(self.wake_w)
            self.wake_r = self.wake_w = -1

    def handle(self, sig: int, _frame=None) -> None:
        if sig == signal.SIGALRM:
            sig = signal.SIGKILL
        elif sig in STOP and not self.stopping:
            self.stopping = True
            signal.setitimer(signal.ITIMER_REAL, max(self.stop_timeout, 0.001))
        # PID 1 not reported yet at the deadline: kill the keeper, whose death kills PID 1
        # (PR_SET_PDEATHSIG) or leaves it never started
        target = self.pid or (self.keeper if sig == signal.SIGKILL else 0)
        if target:
            try:
                os.kill(target, sig)
            except ProcessLookupError:
                pass
        else:
            self.pending.append(sig)

    def started(self, pid: int) -> None:
        self.pid = pid
        pending, self.pending = self.pending, []
        for sig in pending:
            self.handle(sig)


class Messages:
    """The error pipe's lines: ``pid N`` starts the relay, ``CODE TEXT`` is an error."""

    def __init__(self, relay: Relay) -> None:
        self.relay = relay
        self.buf = b""
        self.errors: list[tuple[int, str]] = []

    def feed(self, chunk: bytes) -> None:
        """A read's bytes; b"" at end of file."""
        *lines, self.buf = (self.buf + chunk).split(b"\n")
        if not chunk:
            lines.append(self.buf)
            self.buf = b""
        for line in lines:
            word, _, rest = line.decode(errors="replace").partition(" ")
            if word == "pid" and rest.isdigit():
                self.relay.started(int(rest))
            elif word.isdigit():
                self.errors.append((int(word), rest))


def _pidfd(pid: int) -> int | None:
    try:
        return os.pidfd_open(pid)  # type: ignore[attr-defined]
    except (AttributeError, OSError):
        return None


def wait(keeper: int, r: int, relay: Relay) -> tuple[int, list[tuple[int, str]]]:
    """Until the keeper exits: (its wait status, the errors reported)."""
    msgs = Messages(relay)
    pidfd = _pidfd(keeper)
    poll = select.poll()
    for fd in (r, relay.wake_r, pidfd):
        if fd is not None:
            poll.register(fd, select.POLLIN)
    reading = True
    try:
        while True:
            for fd, _ in poll.poll(None if pidfd is not None else 50):
                if fd == relay.wake_r:
                    try:
                        os.read(fd, 512)
                    except BlockingIOError:
                        pass
                elif fd == r and reading:
                    chunk = os.read(r, 4096)
                    msgs.feed(chunk)
                    if not chunk:
                        poll.unregister(r)
                        reading = False
            done, status = os.waitpid(keeper, os.WNOHANG)
            if done:
                while reading:  # every writer is gone: this cannot block
                    chunk = os.read(r, 4096)
                    msgs.feed(chunk)
                    reading = bool(chunk)
                return status, msgs.errors
    finally:
        if pidfd is not None:
            os.close(pidfd)
