"""The stamps at the start of a logdir line, and the instant they name (pure).

A line in a logdir is ``[TAI64N " "] [ISO "  "] [RFC3339 " "] [prefix " "]
text`` (reference/s6-log.md §5.1; RFC 3339 is s6py's ``%rfc3339``).  The
TAI64N label is an exact instant, and so is an RFC 3339 stamp, which
carries its offset (``Z`` or ``+hh:mm``).  The
ISO stamp (``T``) is local time *as the writer saw it*, with no zone: we
read it in the reader's time zone (``TZ``/``/etc/localtime``), which is
right when reader and logger share a zone, as they do in one container.
During the hour a DST change repeats, such a stamp is ambiguous; the
libc's choice (``mktime`` with ``tm_isdst = -1``) is taken.  When a line
has both, the label wins.

A line without any stamp has no time of its own; ``records`` decides how
it is ordered and filtered.
"""
from __future__ import annotations

import re
import time

from logd.stamps import decode_label

_ISO = re.compile(rb"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{9}  ")
_RFC = re.compile(rb"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}(?:Z|[+-]\d\d:\d\d) ")
_HEX = re.compile(rb"[0-9a-fA-F]{24} ")


def split_stamps(line: bytes) -> tuple[bytes | None, bytes | None, bytes]:
    """``(label hex digits, ISO text, rest)``; absent stamps are None.

    The label is the 24 hex digits after ``@``; the ISO text is the 29
    characters of a ``T`` stamp without its two trailing spaces, or an RFC
    3339 stamp (``T`` between date and time, an offset) without its space,
    which wins when a line has both; ``rest`` is what follows (prefix
    included: which part is a prefix cannot be told from the line).
    """
    label = None
    pos = 0
    if line[:1] == b"@" and _HEX.match(line, 1):
        label = line[1:25]
        pos = 26
    iso = None
    if _ISO.match(line, pos):
        iso = line[pos:pos + 29]
        pos += 31
    m = _RFC.match(line, pos)
    if m is not None:
        iso = line[pos:m.end() - 1]
        pos = m.end()
    return label, iso, line[pos:]


class InstantDecoder:
    """Stamps to ``(unix nanoseconds, leap)``, cached per second.

    Cached because consecutive lines mostly share their second, and
    decoding (leap-second table, ``mktime``) is the expensive part.
    """

    __slots__ = ("_tai_key", "_tai_val", "_iso_key", "_iso_val")

    def __init__(self) -> None:
        self._tai_key = b""
        self._tai_val: tuple[int, bool] | None = None
        self._iso_key = b""
        self._iso_val: int | None = None

    def label(self, hex24: bytes) -> tuple[int, bool] | None:
        """A TAI64N label's instant, or None before 1970 (left alone, as
        s6-tai64nlocal leaves it)."""
        secs = hex24[:16]
        if secs != self._tai_key:
            decoded = decode_label(secs + b"00000000")
            self._tai_key = secs
            self._tai_val = None if decoded is None else (decoded[0], decoded[1])
        if self._tai_val is None:
            return None
        unix, leap = self._tai_val
        return unix * 1_000_000_000 + int(hex24[16:], 16), leap

    def iso(self, text: bytes) -> int | None:
        """An ISO stamp's instant, read as local time (an RFC 3339 one with
        its own offset); None if invalid."""
        if text[10:11] == b"T":
            return _rfc3339(text)
        head = text[:19]
        if head != self._iso_key:
            self._iso_key = head
            try:
                # a leap second (:60) is the instant of :59, flagged ``leap``
                fixed = head[:17] + b"59" if head[17:] == b"60" else head
                tm = time.strptime(fixed.decode("ascii"), "%Y-%m-%d %H:%M:%S")
                self._iso_val = int(time.mktime(tm[:8] + (-1,)))
            except (ValueError, OverflowError):
                self._iso_val = None
        if self._iso_val is None:
            return None
        return self._iso_val * 1_000_000_000 + int(text[20:29])

    def instant(self, label: bytes | None, iso: bytes | None) -> tuple[int, bool] | None:
        """The line's instant: the label's if it has one, else the ISO stamp's."""
        if label is not None:
            found = self.label(label)
            if found is not None:
                return found
        if iso is not None:
            ns = self.iso(iso)
            if ns is not None:
                return ns, iso[17:19] == b"60"
        return None


def _rfc3339(text: bytes) -> int | None:
    """The exact instant of ``YYYY-MM-DDTHH:MM:SS.nnnnnnnnn(Z|+hh:mm)``."""
    import calendar

    try:
        sec = 59 if text[17:19] == b"60" else int(text[17:19])
        tm = (int(text[:4]), int(text[5:7]), int(text[8:10]), int(text[11:13]),
              int(text[14:16]), sec)
        unix = calendar.timegm(tm + (0, 0, 0))
        zone = text[29:]
        if zone != b"Z":
            off = int(zone[1:3]) * 3600 + int(zone[4:6]) * 60
            unix -= off if zone[:1] == b"+" else -off
    except (ValueError, OverflowError):
        return None
    return unix * 1_000_000_000 + int(text[20:29])
