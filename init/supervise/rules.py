"""s6-supervise's decisions, as pure functions (tested directly).

Sources: supervision.md §3.4-3.6 and DECISIONS.md #9 (four finish
arguments, as s6 2.13+ passes them).
"""
from __future__ import annotations

import _signal  # C module: PID 1 avoids enum

RESTART_GAP = 1.0        # seconds between a start and the next (see restart_at)
SPAWN_RETRY = 60.0       # after "unable to spawn ./run" (s6 2.15; 2.11 waited 10 s)
KILL_RETRY = 5.0         # timeout-kill re-sends SIGKILL this often
DEFAULT_TIMEOUT_FINISH = 5000  # ms
DEFAULT_MAX_DEATH_TALLY = 100
FINISH_NO_RESTART = 125


def exited(wstat: int) -> bool:
    return wstat & 0x7F == 0


def exit_code(wstat: int) -> int:
    return (wstat >> 8) & 0xFF


def term_signal(wstat: int) -> int:
    return wstat & 0x7F


def finish_args(wstat: int, name: str, pgid: int) -> list[str]:
    """``./finish``'s arguments after ./run died with wait status wstat.

    $1 exit code, or 256 if killed by a signal; $2 the signal number (0 when
    it exited); $3 the service name as ./run got it; $4 its process group.
    """
    if exited(wstat):
        code, sig = exit_code(wstat), 0
    else:
        code, sig = 256, term_signal(wstat)
    return [str(code), str(sig), name, str(pgid)]


def restart_at(ready_at: float | None, down_ready_at: float) -> float:
    """When ./run may start again after it died (monotonic seconds).

    If it had become ready during that run: one second after readiness
    (so at once if it was ready for a second or more); otherwise one second
    after it became down-and-ready (finish done, or death if no finish).
    [obs: ready at +0.3 s, died at +1.8 s -> restarted at once; a ./run that
    exits at once restarts every ~1.005 s.]
    """
    if ready_at is not None:
        return max(ready_at + RESTART_GAP, down_ready_at)
    return down_ready_at + RESTART_GAP


_ALIASES = ("SIGIOT", "SIGCLD", "SIGPOLL")
_BY_NAME = {n: getattr(_signal, n) for n in dir(_signal)
            if n.startswith("SIG") and not n.startswith("SIG_") and n not in ("SIGRTMIN", "SIGRTMAX")}
_BY_NUMBER = {v: n for n, v in _BY_NAME.items() if n not in _ALIASES}


def signal_name(sig: int) -> str:
    """``SIGTERM``, or ``SIG<n>`` for numbers without a name."""
    return _BY_NUMBER.get(sig, f"SIG{sig}")


def parse_signal(text: str) -> int | None:
    """A signal by name (``TERM``, ``SIGTERM``, any case) or number; None if invalid."""
    t = text.strip()
    if t.isdigit():
        n = int(t)
        return n if 0 < n < 65 else None
    u = t.upper()
    if not u.startswith("SIG"):
        u = "SIG" + u
    return _BY_NAME.get(u)


def parse_uint(data: bytes) -> int | None:
    """s6's numeric files: the digits up to the first newline; None if invalid."""
    line = data.split(b"\n", 1)[0]
    if not line or not line.isdigit():
        return None
    return int(line)
