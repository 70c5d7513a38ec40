"""PID 1's event loop: one thread, one selector, signals, timers, children.

Why not asyncio: its child watchers call waitpid() on their own pids while
PID 1 must reap *every* zombie (orphans are reparented to it), and two
reapers race.  Here one ``waitpid(-1, WNOHANG)`` loop reaps everything after
each SIGCHLD and hands each status to whoever registered the pid; unknown
pids (orphans) are simply reaped.

Signals: Python-level handlers do nothing; the C handler writes the signal
number into the wakeup fd (``signal.set_wakeup_fd``), which the selector
watches, and the loop dispatches the numbers between callbacks.  So no
callback is ever interrupted by another one.

Raw epoll rather than ``selectors`` (which pulls in collections and
namedtuple): start-up time and memory of PID 1 count.

Every callback runs guarded: an exception is reported on stderr and the loop
goes on.  PID 1 must not die of a bug in one service's bookkeeping.
"""
from __future__ import annotations

import _signal as signal  # the C module: no enum, no functools (PID 1 start-up)
import heapq
import os
import select
import sys
import time
from _collections_abc import Callable  # loaded at start-up already; collections.abc is not

Callback = Callable[..., object]


class Timer:
    """A pending call; ``cancel()`` is cheap and idempotent."""

    __slots__ = ("when", "callback", "args", "cancelled")

    def __init__(self, when: float, callback: Callback, args: tuple) -> None:
        self.when = when
        self.callback = callback
        self.args = args
        self.cancelled = False

    def cancel(self) -> None:
        self.cancelled = True


def _noop(signum: int, frame: object) -> None:
    """The Python-level handler: the wakeup fd carries the information."""


class Loop:
    """Selector + signal wakeup fd + timer heap + child reaper.

    ``clock`` (monotonic seconds) and ``wall`` (Unix seconds) are injectable
    so that tests can drive time.
    """

    def __init__(self, clock: Callable[[], float] = time.monotonic,
                 wall: Callable[[], float] = time.time) -> None:
        self.time = clock
        self.wall = wall
        self._ep = select.epoll()
        self._registered: dict[int, int] = {}
        self._timers: list[tuple[float, int, Timer]] = []
        self._seq = 0
        self._children: dict[int, Callback] = {}
        self._signals: dict[int, Callback] = {}
        self._readers: dict[int, Callback] = {}
        self._writers: dict[int, Callback] = {}
        self._stopped = False
        self._wakeup_r = -1
        self.reaped_orphans = 0

    # ------------------------------------------------------------ fds

    def _update(self, fd: int) -> None:
        events = (select.EPOLLIN if fd in self._readers else 0) | \
                 (select.EPOLLOUT if fd in self._writers else 0)
        old = self._registered.get(fd)
        if old is None:
            if events:
                self._ep.register(fd, events)
                self._registered[fd] = events
        elif events == 0:
            try:
                self._ep.unregister(fd)
            except OSError:  # already closed
                pass
            del self._registered[fd]
        elif old != events:
            self._ep.modify(fd, events)
            self._registered[fd] = events

    def add_reader(self, fd: int, callback: Callback) -> None:
        self._readers[fd] = callback
        self._update(fd)

    def remove_reader(self, fd: int) -> None:
        if self._readers.pop(fd, None) is not None:
            self._update(fd)

    def add_writer(self, fd: int, callback: Callback) -> None:
        self._writers[fd] = callback
        self._update(fd)

    def remove_writer(self, fd: int) -> None:
        if self._writers.pop(fd, None) is not None:
            self._update(fd)

    # ------------------------------------------------------------ timers

    def call_at(self, when: float, callback: Callback, *args: object) -> Timer:
        t = Timer(when, callback, args)
        self._seq += 1
        heapq.heappush(self._timers, (when, self._seq, t))
        return t

    def call_later(self, delay: float, callback: Callback, *args: object) -> Timer:
        return self.call_at(self.time() + delay, callback, *args)

    def call_soon(self, callback: Callback, *args: object) -> Timer:
        return self.call_at(float("-inf"), callback, *args)

    # ------------------------------------------------------------ signals, children

    def on_signal(self, signum: int, callback: Callback | None) -> None:
        """Route signum to callback(signum); None restores SIG_DFL."""
        if callback is None:
            self._signals.pop(signum, None)
            signal.signal(signum, signal.SIG_DFL)
            return
        self._ensure_wakeup()
        self._signals[signum] = callback
        signal.signal(signum, _noop)

    def watch_child(self, pid: int, callback: Callback) -> None:
        """callback(pid, raw_wait_status) when pid is reaped."""
        self._ensure_wakeup()
        self._children[pid] = callback

    def forget_child(self, pid: int) -> None:
        self._children.pop(pid, None)

    def _ensure_wakeup(self) -> None:
        if self._wakeup_r >= 0:
            return
        r, w = os.pipe2(os.O_NONBLOCK | os.O_CLOEXEC)
        signal.set_wakeup_fd(w, warn_on_full_buffer=False)
        self._wakeup_r = r
        self.add_reader(r, self._drain_wakeup)
        signal.signal(signal.SIGCHLD, _noop)
        # A child may have died before SIGCHLD was caught.
        self.call_soon(self.reap)

    def _drain_wakeup(self) -> None:
        got: list[int] = []
        while True:
            try:
                data = os.read(self._wakeup_r, 512)
            except BlockingIOError:
                break
            if not data:
                break
            got.extend(data)
        seen = set()
        for signum in got:
            if signum in seen:
                continue
            seen.add(signum)
            if signum == signal.SIGCHLD:
                self.reap()
            cb = self._signals.get(signum)
            if cb is not None:
                self._guard(cb, signum)

    def reap(self) -> None:
        """waitpid(-1, WNOHANG) until nothing is left; dispatch by pid."""
        while True:
            try:
                pid, status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                return
            except InterruptedError:  # pragma: no cover - PEP 475 retries
                continue
            if pid == 0:
                return
            cb = self._children.pop(pid, None)
            if cb is None:
                self.reaped_orphans += 1
            else:
                self._guard(cb, pid, status)

    # ------------------------------------------------------------ running

    def _guard(self, callback: Callback, *args: object) -> None:
        try:
            callback(*args)
        except Exception as e:  # noqa: BLE001 - PID 1 must survive its own bugs
            report_exception(callback, e)

    def stop(self) -> None:
        self._stopped = True

    def run_once(self, max_wait: float | None = None) -> None:
        timeout = max_wait
        while self._timers and self._timers[0][2].cancelled:
            heapq.heappop(self._timers)
        if self._timers:
            delay = max(0.0, self._timers[0][0] - self.time())
            timeout = delay if timeout is None else min(timeout, delay)
        try:
            events = self._ep.poll(-1 if timeout is None else timeout)
        except InterruptedError:  # pragma: no cover - PEP 475 retries
            events = []
        for fd, mask in events:
            if mask & (select.EPOLLIN | select.EPOLLHUP | select.EPOLLERR):
                cb = self._readers.get(fd)
                if cb is not None:
                    self._guard(cb)
            if mask & (select.EPOLLOUT | select.EPOLLHUP | select.EPOLLERR):
                cb = self._writers.get(fd)
                if cb is not None:
                    self._guard(cb)
        now = self.time()
        while self._timers and self._timers[0][0] <= now:
            _, _, t = heapq.heappop(self._timers)
            if not t.cancelled:
                t.cancelled = True
                self._guard(t.callback, *t.args)

    def run(self, until: Callable[[], bool] | None = None, timeout: float | None = None) -> bool:
        """Run until stop(), until() is true, or timeout; return until()'s last value."""
        self._stopped = False
        deadline = None if timeout is None else self.time() + timeout
        while not self._stopped:
            if until is not None and until():
                return True
            wait = None
            if deadline is not None:
                wait = deadline - self.time()
                if wait <= 0:
                    break
            self.run_once(wait)
        return bool(until and until())

    def close(self) -> None:
        if self._wakeup_r >= 0:
            signal.set_wakeup_fd(-1)
        self._ep.close()


def report_exception(where: object, e: BaseException) -> None:
    """One line on stderr; never raises."""
    try:
        name = getattr(where, "__qualname__", repr(where))
        os.write(2, f"s6py: warning: internal error in {name}: {type(e).__name__}: {e}\n"
                 .encode(errors="replace"))
        if os.environ.get("S6PY_DEBUG"):
            import traceback
            traceback.print_exception(type(e), e, e.__traceback__, file=sys.stderr)
    except Exception:  # noqa: BLE001
        pass
