"""glibc's ERE tokenizer (outside bracket expressions).

Which byte sequences are operators is where the dialects differ most from
Python's, silently: ``\\d`` is a literal ``d`` (any escape glibc does not
know is the byte itself), ``\\<`` ``\\>`` ``\\b`` ``\\B`` ``\\``` ``\\'`` are
anchors, ``\\w`` ``\\W`` ``\\s`` ``\\S`` are classes, ``\\1``..``\\9`` are
back-references, and a lone trailing backslash is its own token (an error
later).  ``_next_token`` follows glibc's ``peek_token`` for REG_EXTENDED in
the C locale; the grammar (parser.py) decides what each token means where it
stands, e.g. that ``)`` at the top level and ``}`` are ordinary characters.
"""

from __future__ import annotations

from .bytesets import _ALL, _CLASSES, _WORD

# token types
_END, _CHAR, _ALT, _STAR, _PLUS, _QMARK, _ODUP, _CDUP = range(8)
_OPEN, _CLOSE, _BRACKET, _PERIOD, _ANCHOR, _BREF, _CLASS, _BSLASH = range(8, 16)

_SIMPLE = {
    ord("|"): _ALT,
    ord("*"): _STAR,
    ord("+"): _PLUS,
    ord("?"): _QMARK,
    ord("{"): _ODUP,
    ord("}"): _CDUP,
    ord("("): _OPEN,
    ord(")"): _CLOSE,
    ord("["): _BRACKET,
    ord("."): _PERIOD,
}
_ESC_ANCHORS = {ord("<"): "<", ord(">"): ">", ord("b"): "b", ord("B"): "B",
                ord("`"): "^", ord("'"): "$"}
_ESC_CLASSES = {ord("w"): _WORD, ord("W"): _ALL & ~_WORD,
                ord("s"): _CLASSES[b"space"], ord("S"): _ALL & ~_CLASSES[b"space"]}


def _next_token(p: bytes, i: int) -> tuple[tuple[int, object], int]:
    """The token at p[i:] and the index just after it."""
    if i >= len(p):
        return (_END, None), i
    c = p[i]
    if c == 0x5C:
        if i + 1 >= len(p):
            return (_BSLASH, None), i + 1
        c2 = p[i + 1]
        if 0x31 <= c2 <= 0x39:
            return (_BREF, c2 - 0x30), i + 2
        if c2 in _ESC_ANCHORS:
            return (_ANCHOR, _ESC_ANCHORS[c2]), i + 2
        if c2 in _ESC_CLASSES:
            return (_CLASS, _ESC_CLASSES[c2]), i + 2
        return (_CHAR, c2), i + 2  # any other escape is the byte itself
    if c == 0x5E:
        return (_ANCHOR, "^"), i + 1
    if c == 0x24:
        return (_ANCHOR, "$"), i + 1
    return (_SIMPLE.get(c, _CHAR), c), i + 1
