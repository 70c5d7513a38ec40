"""``--since`` / ``--until`` values to instants, and the window test (pure).

Accepted, so people can type what they mean:

* relative to now: ``10m``, ``2h``, ``1d``, ``1h30m``, ``90s``, ``2w``
  (optionally ``-10m`` or ``10m ago``): that long before ``now``;
* ``now``, ``today`` (local midnight), ``yesterday``;
* ``@`` + Unix seconds (``@1795870728.5``), or a TAI64N label as s6-log
  writes it (``@400000006b0ad02d364b2c6c``);
* anything python-dateutil parses (``2026-11-28 12:00``, ``12:00``,
  ``2026-11-28T12:00:00+01:00``, ``Nov 28 12:00``); a date without a zone
  is local time, missing fields are taken from today.

The window is half-open: ``since <= t < until``, so consecutive windows
never show a line twice.
"""
from __future__ import annotations

import re
import time

from logd.reading.line import InstantDecoder

_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}
_RELATIVE = re.compile(r"-?\s*((?:\d+(?:\.\d+)?\s*[smhdw]\s*)+)(?:ago)?", re.IGNORECASE)
_PART = re.compile(r"(\d+(?:\.\d+)?)\s*([smhdw])", re.IGNORECASE)
_TAI = re.compile(r"@[0-9a-fA-F]{24}")
_EPOCH = re.compile(r"@(\d+(?:\.\d+)?)")
NS = 1_000_000_000


class BadTime(ValueError):
    """A value that names no instant; the message says what was given."""


def _midnight(now_ns: int, days_back: int) -> int:
    tm = time.localtime(now_ns // NS)
    return int(time.mktime((tm.tm_year, tm.tm_mon, tm.tm_mday - days_back, 0, 0, 0, 0, 0, -1))) * NS


def parse_when(text: str, now_ns: int) -> int:
    """The instant (Unix ns) a ``--since``/``--until`` value names."""
    value = text.strip()
    low = value.lower()
    if not value:
        raise BadTime("empty time")
    if low == "now":
        return now_ns
    if low in ("today", "yesterday"):
        return _midnight(now_ns, 0 if low == "today" else 1)
    rel = _RELATIVE.fullmatch(value)
    if rel:
        seconds = sum(float(n) * _UNITS[u.lower()] for n, u in _PART.findall(rel.group(1)))
        return now_ns - int(seconds * NS)
    if _TAI.fullmatch(value):
        found = InstantDecoder().label(value[1:].encode())
        if found is None:
            raise BadTime(f"TAI64N label before 1970: {text!r}")
        return found[0]
    epoch = _EPOCH.fullmatch(value)
    if epoch:
        return int(float(epoch.group(1)) * NS)
    return _absolute(text, now_ns)


def _absolute(text: str, now_ns: int) -> int:
    from datetime import datetime

    from dateutil import parser

    default = datetime.fromtimestamp(now_ns // NS).replace(hour=0, minute=0, second=0,
                                                           microsecond=0)
    try:
        when = parser.parse(text, default=default)
    except (ValueError, OverflowError) as exc:
        raise BadTime(f"not a date or a duration: {text!r} ({exc})") from None
    if when.tzinfo is None:
        seconds = time.mktime(when.timetuple())
    else:
        seconds = when.timestamp() - when.microsecond / 1e6
    return int(seconds) * NS + when.microsecond * 1000


class Window:
    """``since <= t < until``; either bound may be None (open)."""

    __slots__ = ("since", "until")

    def __init__(self, since: int | None = None, until: int | None = None) -> None:
        self.since = since
        self.until = until

    @property
    def open(self) -> bool:
        """True when there is no bound at all (every line passes)."""
        return self.since is None and self.until is None

    def contains(self, ns: int) -> bool:
        return (self.since is None or ns >= self.since) and (self.until is None or ns < self.until)
