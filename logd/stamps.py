"""TAI64N labels and ISO 8601 local stamps, as s6-log and s6-tai64n print them;
RFC 3339 stamps with an explicit offset, s6py's ``%rfc3339`` directive.

Why a leap-second table: s6 labels are TAI, not UTC.  For any date after
2017-01-01 the offset is a constant 37 s, which is all a logger stamping
"now" needs, but ``tai64nlocal`` must also decode old labels exactly as
s6-tai64nlocal does, including the 23:59:60 of an inserted leap second.

Both formatters take the clock reading as an argument (integer
nanoseconds): the read loop takes one reading per read, and tests pass
fixed instants.
"""
from __future__ import annotations

import time
from bisect import bisect_right

TAI64_BASE = 1 << 62
TAI_UTC_1972 = 10

# Unix time of the first second after each inserted leap second
# (i.e. the midnight UTC that followed 23:59:60).  27 up to 2017-01-01.
LEAPS: tuple[int, ...] = (
    78796800, 94694400, 126230400, 157766400, 189302400, 220924800,
    252460800, 283996800, 315532800, 362793600, 394329600, 425865600,
    489024000, 567993600, 631152000, 662688000, 709948800, 741484800,
    773020800, 820454400, 867715200, 915148800, 1136073600, 1230768000,
    1341100800, 1435708800, 1483228800,
)
# TAI seconds (since the epoch, without the 2^62 base) of each 23:59:60.
_LEAP_TAI = tuple(u + TAI_UTC_1972 + i for i, u in enumerate(LEAPS))


def tai_offset(unix_seconds: int) -> int:
    """TAI - UTC in force at a Unix time."""
    return TAI_UTC_1972 + bisect_right(LEAPS, unix_seconds)


def tai64n_label(ns: int) -> bytes:
    """``@`` + 24 lowercase hex digits for a CLOCK_REALTIME reading in ns."""
    sec, nsec = divmod(ns, 1_000_000_000)
    return b"@%016x%08x" % (TAI64_BASE + sec + tai_offset(sec), nsec)


class IsoFormatter:
    """``YYYY-MM-DD HH:MM:SS.nnnnnnnnn`` in local time, cached per second.

    Local-time conversion is the expensive part; the read loop stamps
    many reads per second, so the date part is reused until the second
    changes.
    """

    __slots__ = ("_sec", "_head")

    def __init__(self) -> None:
        self._sec = -1
        self._head = b""

    def __call__(self, ns: int) -> bytes:
        sec, nsec = divmod(ns, 1_000_000_000)
        if sec != self._sec:
            self._head = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(sec)).encode()
            self._sec = sec
        return b"%s.%09d" % (self._head, nsec)


class Rfc3339Formatter:
    """``YYYY-MM-DDTHH:MM:SS.nnnnnnnnn`` and an explicit offset, cached per second.

    Why an offset: a ``T`` stamp names local time with no zone, so it is
    ambiguous during a DST change and wrong when the image has no tzdata
    for the TZ it was given (glibc then silently uses UTC).  This stamp says
    which offset it used, ``Z`` in ``utc`` mode, ``+hh:mm`` otherwise (the
    offset the C library applied, so a POSIX TZ string such as
    ``CET-1CEST,M3.5.0,M10.5.0/3`` works without any zone file).
    """

    __slots__ = ("utc", "_sec", "_head", "_tail")

    def __init__(self, utc: bool = False) -> None:
        self.utc = utc
        self._sec = -1
        self._head = b""
        self._tail = b""

    def __call__(self, ns: int) -> bytes:
        sec, nsec = divmod(ns, 1_000_000_000)
        if sec != self._sec:
            tm = time.gmtime(sec) if self.utc else time.localtime(sec)
            self._head = time.strftime("%Y-%m-%dT%H:%M:%S", tm).encode()
            if self.utc:
                self._tail = b"Z"
            else:
                off = tm.tm_gmtoff or 0
                sign = b"-" if off < 0 else b"+"
                hh, mm = divmod(abs(off) // 60, 60)
                self._tail = b"%s%02d:%02d" % (sign, hh, mm)
            self._sec = sec
        return b"%s.%09d%s" % (self._head, nsec, self._tail)


def decode_label(hex24: bytes) -> tuple[int, bool, int] | None:
    """Turn the 24 hex digits of a TAI64N label into (unix seconds, leap, nanos).

    ``leap`` is true for an inserted leap second, whose unix seconds are
    those of the 23:59:59 before it (printed as :60).  None when
    s6-tai64nlocal would leave the label alone (before 1970).
    """
    tai = int(hex24[:16], 16) - TAI64_BASE
    nanos = int(hex24[16:], 16)
    idx = bisect_right(_LEAP_TAI, tai)
    if idx and _LEAP_TAI[idx - 1] == tai:
        unix, leap = tai - TAI_UTC_1972 - (idx - 1) - 1, True
    else:
        unix, leap = tai - TAI_UTC_1972 - idx, False
    if unix < 0:
        return None
    return unix, leap, nanos


def format_local(unix: int, leap: bool, nanos: int) -> bytes | None:
    """Local time as s6-tai64nlocal prints it, or None if out of range.

    s6-tai64nlocal prints the nanosecond field in decimal and keeps 9
    characters, so an out-of-range field (>= 10^9) shows its first 9
    digits; we do the same.
    """
    try:
        tm = time.localtime(unix)
    except (OverflowError, OSError, ValueError):
        return None
    seconds = 60 if leap else tm.tm_sec
    return (f"{tm.tm_year:04d}-{tm.tm_mon:02d}-{tm.tm_mday:02d} {tm.tm_hour:02d}:"
            f"{tm.tm_min:02d}:{seconds:02d}.{f'{nanos:09d}'[:9]}").encode()
