"""skarnet-style getopt (pure logic).

Options come first; parsing stops at the first word that is not an option
(``-`` alone, or anything not starting with ``-``, including the space-quoted
words of a block) and after ``--``.  Flags may be clustered (``-sCd,``); an
option that takes an argument uses the rest of its cluster or the next word.
A trailing ``:`` after an option letter in the spec means it takes an argument.
"""
from __future__ import annotations


class OptionError(Exception):
    """Unknown option or missing argument: the caller prints its usage."""


def getopt(argv: list[str], spec: str, start: int = 1) -> tuple[list[tuple[str, str]], int]:
    """Parse options of argv from index start; return ([(letter, arg)], next index)."""
    opts: list[tuple[str, str]] = []
    i, n = start, len(argv)
    while i < n:
        word = argv[i]
        if word == "--":
            return opts, i + 1
        if len(word) < 2 or word[0] != "-":
            break
        j = 1
        while j < len(word):
            c = word[j]
            pos = spec.find(c)
            if pos < 0 or c == ":":
                raise OptionError(c)
            if pos + 1 < len(spec) and spec[pos + 1] == ":":
                if j + 1 < len(word):
                    opts.append((c, word[j + 1:]))
                else:
                    i += 1
                    if i >= n:
                        raise OptionError(c)
                    opts.append((c, argv[i]))
                break
            opts.append((c, ""))
            j += 1
        i += 1
    return opts, i


UINT_MAX = 0xFFFFFFFF


def uint(text: str, limit: int = UINT_MAX) -> int | None:
    """A decimal unsigned integer, or None (skalibs' uint0_scan on a full word).

    Like uint0_scan, a value past ``limit`` (an unsigned int's range by
    default) is an error, not a huge number.
    """
    if text and text.isascii() and text.isdigit():
        v = int(text)
        return v if v <= limit else None
    return None
