"""The ``supervise/status`` file and TAI64N stamps (pure, no I/O).

Layout (s6 2.11, 35 bytes, big-endian), which the installed s6-svstat and
s6-svwait read, so our files stay compatible with them:

    0  12  TAI64N of the last up/down change
    12 12  TAI64N of the last readiness change
    24  8  pid (0 when down)
    32  2  raw wait status of the last death of ./run
    34  1  flags: 1 paused, 2 finishing, 4 want up, 8 ready, 16 never started

Bit 16 is ours: s6 2.15 prints ``down (not started yet)`` for a service that
never ran, and 2.11's status has no room for it; 2.11 tools ignore the bit.
The process group is always the pid (every ./run is a session leader).
"""
from __future__ import annotations

import struct

SIZE = 35
TAI_BASE = 2 ** 62 + 37  # TAI64 label of the Unix epoch, TAI-UTC = 37 s

PAUSED, FINISHING, WANTUP, READY, NEVERSTARTED = 1, 2, 4, 8, 16


def tai64n(unix: float) -> bytes:
    """12-byte TAI64N label of a Unix time."""
    sec = int(unix // 1)
    nano = int(round((unix - sec) * 1e9))
    if nano >= 1_000_000_000:
        sec, nano = sec + 1, nano - 1_000_000_000
    return struct.pack(">QL", TAI_BASE + sec, nano)


def from_tai64n(label: bytes) -> float:
    sec, nano = struct.unpack(">QL", label)
    return sec - TAI_BASE + nano / 1e9


def tai64n_text(unix: float) -> str:
    """``@4000...`` as s6-svstat's updownsince/readysince fields print it."""
    return "@" + tai64n(unix).hex()


class Status:
    """A decoded status file (a plain class: PID 1 avoids importing dataclasses)."""

    __slots__ = ("stamp", "readystamp", "pid", "wstat", "flags")

    def __init__(self, stamp: float = 0.0, readystamp: float = 0.0, pid: int = 0,
                 wstat: int = 0, flags: int = 0) -> None:
        self.stamp = stamp            # Unix time of the last up/down change
        self.readystamp = readystamp  # Unix time of the last readiness change
        self.pid = pid
        self.wstat = wstat
        self.flags = flags

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Status) and all(
            getattr(self, k) == getattr(other, k) for k in self.__slots__)

    def __repr__(self) -> str:
        return "Status(" + ", ".join(f"{k}={getattr(self, k)!r}" for k in self.__slots__) + ")"

    @property
    def up(self) -> bool:
        return self.pid != 0 and not self.flags & FINISHING

    @property
    def ready(self) -> bool:
        return bool(self.flags & READY)

    @property
    def wantup(self) -> bool:
        return bool(self.flags & WANTUP)

    @property
    def paused(self) -> bool:
        return bool(self.flags & PAUSED)

    @property
    def finishing(self) -> bool:
        return bool(self.flags & FINISHING)

    @property
    def never_started(self) -> bool:
        return bool(self.flags & NEVERSTARTED)

    def pack(self) -> bytes:
        a = tai64n(self.stamp)
        b = tai64n(self.readystamp)
        return a + b + struct.pack(">QHB", self.pid, self.wstat & 0xFFFF, self.flags & 0xFF)


def unpack(data: bytes) -> Status:
    """Decode a status file; raises ValueError if it is not 35 bytes."""
    if len(data) < SIZE:
        raise ValueError("short status file")
    pid, wstat, flags = struct.unpack(">QHB", data[24:35])
    return Status(from_tai64n(data[0:12]), from_tai64n(data[12:24]), pid, wstat, flags)


def death_record(unix: float, wstat: int) -> bytes:
    """One 14-byte supervise/death_tally entry: stamp, exit code, signal."""
    if wstat & 0x7F == 0:
        code, sig = (wstat >> 8) & 0xFF, 0
    else:
        sig = wstat & 0x7F
        code = (128 + sig) & 0xFF
    return tai64n(unix) + bytes((code, sig))
