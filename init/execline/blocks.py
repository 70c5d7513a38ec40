"""Blocks in an argv (pure logic).

execlineb turns ``{ a b }`` into the words `` a`` `` b`` ``""``: each word of
a block carries one more leading space and the block ends with an empty word.
A command that reads a block strips one space from each word.  Called from a
shell, blocks may also be written unquoted (``foreground echo a '' echo b``):
execline accepts that unless EXECLINE_STRICT is 2 (warning when 1).
"""
from __future__ import annotations

from .errors import Exit, fatal, warn


def strictness(env: dict[str, str]) -> int:
    """EXECLINE_STRICT as a number (unset or invalid -> 0)."""
    v = env.get("EXECLINE_STRICT", "")
    return int(v) if v.isascii() and v.isdigit() else 0


def scan_block(argv: list[str], start: int, prog: str, strict: int = 0,
               number: int = 1) -> tuple[list[str], int, bool]:
    """execline's el_semicolon: (unquoted words, next index, whether the block ended).

    Without an end the words run to the end of argv: commands with a block-less
    form (wait) take them as their arguments; under EXECLINE_STRICT every
    unquoted word is reported as it is met (warning at 1, fatal at 2).
    """
    out: list[str] = []
    i, n = start, len(argv)
    while i < n:
        word = argv[i]
        if word == "":
            return out, i + 1, True
        if word[0] == " ":
            out.append(word[1:])
        else:
            if strict:
                text = f"unquoted argument {word} at block {number} position {i - start}"
                if strict >= 2:
                    raise fatal(prog, 100, text)
                warn(prog, text)
            out.append(word)
        i += 1
    return out, i, False


def get_block(argv: list[str], start: int, prog: str, strict: int = 0,
              number: int = 1, what: str = "unterminated block") -> tuple[list[str], int]:
    """Read the block starting at argv[start]; return (unquoted words, next index).

    A block without its end dies ``PROG: fatal: WHAT`` (100): the commands
    with several blocks name which one (``unterminated then block``).
    """
    out, i, ended = scan_block(argv, start, prog, strict, number)
    if not ended:
        raise fatal(prog, 100, what)
    return out, i


def quote_block(words: list[str]) -> list[str]:
    """The inverse of get_block: the words as they must appear in an argv."""
    return [" " + w for w in words] + [""]


__all__ = ["Exit", "get_block", "quote_block", "scan_block", "strictness"]
