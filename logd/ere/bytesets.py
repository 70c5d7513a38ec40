"""Byte sets as 256-bit ints, and the C locale's character classes.

s6-log runs ``regcomp`` in the C locale: it is single-byte, and its classes
are ASCII-only.  So every bracket expression, class escape (``\\w``, ``\\s``)
and ``.`` denotes a plain set of bytes, which we compute exactly (bit ``c``
set: byte ``c`` is in the set) instead of trusting Python's idea of the same
syntax; the printer then spells each set out byte by byte.  An int is the
cheapest representation to union, complement and compare.
"""

_ALL = (1 << 256) - 1
_NL = 1 << 0x0A
_NUL = 1


def _span(lo: int, hi: int) -> int:
    return ((1 << (hi - lo + 1)) - 1) << lo


def _bytes_set(chars: bytes) -> int:
    v = 0
    for c in chars:
        v |= 1 << c
    return v


_DIGIT = _span(0x30, 0x39)
_UPPER = _span(0x41, 0x5A)
_LOWER = _span(0x61, 0x7A)
_ALPHA = _UPPER | _LOWER
_ALNUM = _ALPHA | _DIGIT
_GRAPH = _span(0x21, 0x7E)
# The twelve names glibc knows, with their C-locale (ASCII) contents.
_CLASSES = {
    b"alnum": _ALNUM,
    b"alpha": _ALPHA,
    b"blank": _bytes_set(b" \t"),
    b"cntrl": _span(0, 31) | (1 << 127),
    b"digit": _DIGIT,
    b"graph": _GRAPH,
    b"lower": _LOWER,
    b"print": _span(0x20, 0x7E),
    b"punct": _GRAPH & ~_ALNUM,
    b"space": _span(9, 13) | (1 << 32),
    b"upper": _UPPER,
    b"xdigit": _DIGIT | _span(0x41, 0x46) | _span(0x61, 0x66),
}
_WORD = _ALNUM | (1 << 0x5F)
