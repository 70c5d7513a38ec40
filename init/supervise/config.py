"""A service directory's settings, read each time ./run is about to start.

s6-supervise re-reads these files at every spawn, so editing
``notification-fd`` or ``timeout-kill`` takes effect at the next start
without restarting the supervisor.  Invalid values produce s6-supervise's
warning and the default.
"""
from __future__ import annotations

import _signal as signal  # C module: PID 1 avoids enum

from init.supervise import rules


class Config:
    """The settings; a plain class (PID 1 avoids importing dataclasses)."""

    def __init__(self) -> None:
        self.notification_fd: int | None = None
        self.timeout_kill = 0                 # ms, 0 = never escalate
        self.timeout_finish = rules.DEFAULT_TIMEOUT_FINISH
        self.max_death_tally = rules.DEFAULT_MAX_DEATH_TALLY
        self.down_signal = int(signal.SIGTERM)
        self.reload_signal = int(signal.SIGHUP)
        self.killpg_on_timeout = False


def read_config(files, warn) -> Config:
    """Read every setting file of the service dir (missing ones -> defaults).

    ``files`` is the service's ServiceFiles (reads relative to its dir fd).
    """
    present = files.names()

    def _read(name: str) -> bytes | None:
        return files.read(name) if name in present else None

    c = Config()
    data = _read("notification-fd")
    if data is not None:
        n = rules.parse_uint(data)
        if n is None:
            warn("invalid notification-fd")
        else:
            c.notification_fd = n
    for fname, attr, cap in (("timeout-kill", "timeout_kill", None),
                             ("timeout-finish", "timeout_finish", None),
                             ("max-death-tally", "max_death_tally", 4096)):
        data = _read(fname)
        if data is None:
            continue
        n = rules.parse_uint(data)
        if n is None:
            warn(f"invalid {fname}")
            continue
        setattr(c, attr, min(n, cap) if cap else n)
    for fname, attr in (("down-signal", "down_signal"), ("reload-signal", "reload_signal")):
        data = _read(fname)
        if data is None:
            continue
        sig = rules.parse_signal(data.split(b"\n", 1)[0].decode("ascii", "replace"))
        if sig is None:
            warn(f"invalid {fname}")
        else:
            setattr(c, attr, sig)
    c.killpg_on_timeout = "flag-timeout-killpg" in present
    return c
