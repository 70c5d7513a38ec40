"""The ``<PRI>`` prefix: recognising it and replacing it with names.

s6-socklog's rules (reference/syslogd.md section 4): the line must start
with ``<``, then one or more ASCII digits, then ``>``.  Leading zeros are
fine, the value must fit in 32 bits (a scan that would overflow stops
before the digit, so the ``>`` is not found and nothing is decoded), and
only the first ``<...>`` counts.  Unlike the real program the scan never
looks past the line it is given (DECISIONS.md #14).
"""

from __future__ import annotations

from .names import PREFIXES

MAX_PRI = 0xFFFFFFFF


def parse_pri(line: bytes) -> tuple[int, int] | None:
    """``(value, length of the "<digits>" prefix)``, or None if the line
    does not start with a PRI s6-socklog would decode."""
    if line[:1] != b"<":
        return None
    end = line.find(b">", 1)
    if end < 2:
        return None
    digits = line[1:end]
    # bytes.isdigit() accepts ASCII digits only: no sign, space, '_' or hex
    if not digits.isdigit():
        return None
    value = int(digits)
    if value > MAX_PRI:
        return None
    return value, end + 1


def decode_pri(line: bytes) -> bytes:
    """The line with a leading ``<PRI>`` replaced by ``facility.severity: ``;
    unchanged if it has none.  The rest is kept byte for byte."""
    if line[:1] != b"<":
        return line
    found = parse_pri(line)
    if found is None:
        return line
    value, n = found
    return PREFIXES[value & 0x3FF] + line[n:]
