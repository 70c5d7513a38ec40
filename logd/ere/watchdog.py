"""A CPU-time budget for one call into ``re``, which cannot be bounded otherwise.

Why: ``re`` is C code and the fastest way to select lines when a pattern
does not backtrack much, but no static test tells exactly when it will
(``a.*b`` is quadratic on a long run of ``a``, ``^([a-z]+ ?)*$`` exponential
on a line that almost matches).  So instead of predicting, we measure: the
call runs under an ``ITIMER_VIRTUAL`` timer (the process's own CPU time, so
a loaded machine does not trip it), and when the timer fires its handler
raises ``Expired`` inside the call.  ``re`` checks for signals every few
thousand steps of its matching loop, so the exception interrupts even a
single runaway ``search``; the caller then answers with the automaton
(dfa.py), whose time is linear.

SIGVTALRM is used by nothing else in s6py; if someone else has a handler
for it (a profiler), or we are not in the main thread (only it runs Python
signal handlers), ``available()`` is False and callers do without.
"""

from __future__ import annotations

import _thread

from logd import sig as signal  # without the enum wrappers: logger start-up time

TYPE_CHECKING = False  # typing costs milliseconds at logger start-up
if TYPE_CHECKING:
    from typing import Callable, TypeVar

    T = TypeVar("T")


class Expired(Exception):
    """The budget ran out inside the guarded call."""


_armed = False
_main: int | None = None  # the thread that installed the handler (the main one)


def _on_timer(signum: int, frame: object) -> None:
    # A late delivery (after the call returned) must not raise elsewhere.
    if _armed:
        raise Expired


def available() -> bool:
    """Can ``run`` interrupt a call here (main thread, SIGVTALRM free)?"""
    global _main
    if _main is not None:
        return _thread.get_ident() == _main
    try:
        if signal.getsignal(signal.SIGVTALRM) not in (signal.SIG_DFL, None):
            return False
        signal.signal(signal.SIGVTALRM, _on_timer)  # ValueError outside the main thread
    except (ValueError, OSError, AttributeError):
        return False
    _main = _thread.get_ident()
    return True


def run(seconds: float, fn: Callable[[], T]) -> T:
    """``fn()``, or ``Expired`` once it has used ``seconds`` of CPU time."""
    global _armed
    _armed = True
    signal.setitimer(signal.ITIMER_VIRTUAL, seconds)
    try:
        result = fn()
        _armed = False
        return result
    finally:
        _armed = False
        signal.setitimer(signal.ITIMER_VIRTUAL, 0)
