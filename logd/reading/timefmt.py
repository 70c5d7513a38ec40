"""Printing an instant: as s6-tai64nlocal does, as RFC 3339, local or UTC (pure).

Instants are integer Unix nanoseconds plus a ``leap`` flag (an inserted
leap second carries the Unix seconds of the 23:59:59 before it and is
printed ``:60``, as s6-tai64nlocal prints it).
"""
from __future__ import annotations

import time

from logd.stamps import format_local

LOCAL = "local"
RFC3339 = "rfc3339"
STYLES = (LOCAL, RFC3339)


def _tm(sec: int, utc: bool) -> time.struct_time:
    return time.gmtime(sec) if utc else time.localtime(sec)


def format_instant(ns: int, leap: bool = False, style: str = LOCAL, utc: bool = False) -> str:
    """``style`` ``local``: ``YYYY-MM-DD HH:MM:SS.nnnnnnnnn`` (s6-tai64nlocal's
    form); ``rfc3339``: ``YYYY-MM-DDTHH:MM:SS.nnnnnnnnn+HH:MM`` (``Z`` in UTC).
    ``utc`` prints UTC instead of the local zone."""
    sec, nanos = divmod(ns, 1_000_000_000)
    if style == LOCAL and not utc:
        text = format_local(sec, leap, nanos)
        if text is not None:
            return text.decode()
    tm = _tm(sec, utc)
    seconds = 60 if leap else tm.tm_sec
    sep = "T" if style == RFC3339 else " "
    out = (f"{tm.tm_year:04d}-{tm.tm_mon:02d}-{tm.tm_mday:02d}{sep}{tm.tm_hour:02d}:"
           f"{tm.tm_min:02d}:{seconds:02d}.{nanos:09d}")
    if style != RFC3339:
        return out
    return out + zone_suffix(0 if utc else tm.tm_gmtoff, utc)


def zone_suffix(gmtoff: int, utc: bool = False) -> str:
    """``Z`` in UTC, else ``+HH:MM`` / ``-HH:MM`` (seconds of offset dropped)."""
    if utc:
        return "Z"
    sign = "+" if gmtoff >= 0 else "-"
    minutes = abs(gmtoff) // 60
    return f"{sign}{minutes // 60:02d}:{minutes % 60:02d}"


def rfc5424_timestamp(ns: int, utc: bool = False) -> str:
    """RFC 5424 TIMESTAMP: at most 6 fractional digits, never ``:60``
    (the grammar forbids it; a leap second is sent as its :59)."""
    sec, nanos = divmod(ns, 1_000_000_000)
    tm = _tm(sec, utc)
    return (f"{tm.tm_year:04d}-{tm.tm_mon:02d}-{tm.tm_mday:02d}T{tm.tm_hour:02d}:"
            f"{tm.tm_min:02d}:{tm.tm_sec:02d}.{nanos // 1000:06d}"
            + zone_suffix(0 if utc else tm.tm_gmtoff, utc))
