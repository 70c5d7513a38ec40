"""TAI64N labels at line starts turned into local time (s6-tai64nlocal).

A label is ``@`` + 24 hex digits (either case) at the very start of a
line; whatever follows it is kept.  Labels s6-tai64nlocal leaves alone
(before 1970, out of range) are left alone here too.  Works on whole
blocks with one regex pass, so ``cat`` of a big logdir stays fast.
"""
from __future__ import annotations

import re

from logd.stamps import decode_label, format_local

_LABEL = re.compile(rb"^@([0-9a-fA-F]{24})", re.MULTILINE)


def _replace(match: re.Match) -> bytes:
    decoded = decode_label(match.group(1))
    if decoded is None:
        return match.group(0)
    text = format_local(*decoded)
    return match.group(0) if text is None else text


def convert(block: bytes) -> bytes:
    """Convert every line-initial label in a block of whole lines."""
    return _LABEL.sub(_replace, block)


class Converter:
    """Streaming form: feed reads, get converted complete lines."""

    def __init__(self) -> None:
        self.pending = b""

    def feed(self, data: bytes) -> bytes:
        buf = self.pending + data
        cut = buf.rfind(b"\n") + 1
        self.pending = buf[cut:]
        return convert(buf[:cut]) if cut else b""

    def finish(self) -> bytes:
        rest, self.pending = self.pending, b""
        return convert(rest) if rest else b""
