"""s6-svstat's output, from a decoded status (pure).

Human format (s6 2.15):
    up (pid P pgid P) N seconds[, normally down][, paused][, want down][, ready M seconds]
    down (exitcode E|signal SIG|not started yet) N seconds[, normally up][, want up][, ready M seconds]
The 2.11 forms (no pgid; "down (exitcode 0)" for a service never started)
are what the installed s6-svstat prints from the same file; ``version=211``
gives them, for comparisons.
"""
from __future__ import annotations

from init.supervise import rules
from init.supervise.status import Status, tai64n_text

FIELDS = ("up", "wantedup", "normallyup", "ready", "paused", "pid", "pgid", "exitcode",
          "signal", "signum", "updownsince", "readysince", "updownfor", "readyfor")
SHORT = {"u": "up", "w": "wantedup", "N": "normallyup", "r": "ready", "p": "pid",
         "g": "pgid", "e": "exitcode", "s": "signal", "t": "updownfor"}


def _secs(now: float, then: float) -> int:
    return max(0, int(now - then))


def human(st: Status, normally_up: bool, now: float, numeric: bool = False,
          version: int = 215) -> str:
    out = []
    if st.up:
        pid = f"pid {st.pid}" if version < 213 else f"pid {st.pid} pgid {st.pid}"
        out.append(f"up ({pid}) {_secs(now, st.stamp)} seconds")
        if not normally_up:
            out.append("normally down")
        if st.paused:
            out.append("paused")
        if not st.wantup:
            out.append("want down")
        if st.ready:
            out.append(f"ready {_secs(now, st.readystamp)} seconds")
        return ", ".join(out)
    if st.never_started and version >= 213:
        out.append("down (not started yet)")
    else:
        if rules.exited(st.wstat):
            why = f"exitcode {rules.exit_code(st.wstat)}"
        else:
            sig = rules.term_signal(st.wstat)
            why = f"signal {sig if numeric else rules.signal_name(sig)}"
        out.append(f"down ({why}) {_secs(now, st.stamp)} seconds")
    if normally_up:
        out.append("normally up")
    if st.wantup:
        out.append("want up")
    if st.ready and not (st.never_started and version >= 213):
        out.append(f"ready {_secs(now, st.readystamp)} seconds")
    return ", ".join(out)


def field(name: str, st: Status, normally_up: bool, now: float) -> str:
    """One -o field; KeyError for an unknown name."""
    up = st.up
    if name == "up":
        return _b(up)
    if name == "wantedup":
        return _b(st.wantup)
    if name == "normallyup":
        return _b(normally_up)
    if name == "ready":
        return _b(up and st.ready)
    if name == "paused":
        return _b(st.paused)
    if name in ("pid", "pgid"):
        return str(st.pid) if up else "-1"
    signalled = not up and not rules.exited(st.wstat)
    if name == "exitcode":
        return "-1" if up or signalled else str(rules.exit_code(st.wstat))
    if name == "signal":
        return rules.signal_name(rules.term_signal(st.wstat)) if signalled else "NA"
    if name == "signum":
        return str(rules.term_signal(st.wstat)) if signalled else "-1"
    if name == "updownsince":
        return tai64n_text(st.stamp)
    if name == "readysince":
        return tai64n_text(st.readystamp)
    if name == "updownfor":
        return str(_secs(now, st.stamp))
    if name == "readyfor":
        return str(_secs(now, st.readystamp))
    raise KeyError(name)


def _b(v: bool) -> str:
    return "true" if v else "false"
