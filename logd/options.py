"""s6-log's command line: getopt-style options, then the script words.

Pure: argv in, an Options record or a UsageError out.
"""
from __future__ import annotations

UINT32_MAX = 4294967295


class UsageError(Exception):
    """Bad command line: the caller prints the usage line and exits 100."""


class Options:
    """``lastlinetimeout`` in ms, 0 waits forever (s6 2.15's -t)."""

    def __init__(self) -> None:
        self.notif: int | None = None
        self.verbosity = 1
        self.blocking = False
        self.protect = False
        self.linelimit = 8192
        self.lastlinetimeout = 2000
        self.script: list[str] = []


def parse_number(text: str, limit: int = UINT32_MAX) -> int | None:
    """Plain decimal digits up to the end of the word, within ``limit``."""
    if not text or not text.isascii() or not text.isdigit():
        return None
    value = int(text)
    return value if value <= limit else None


_WITH_ARG = "dlt"
_FLAGS = "qvbp"


def parse_args(args: list[str]) -> Options:
    """Parse everything after argv[0]."""
    opts = Options()
    i = 0
    while i < len(args):
        word = args[i]
        if word == "--":
            i += 1
            break
        if len(word) < 2 or word[0] != "-":
            break
        j = 1
        while j < len(word):
            letter = word[j]
            if letter in _FLAGS:
                if letter == "q":
                    opts.verbosity = max(0, opts.verbosity - 1)
                elif letter == "v":
                    opts.verbosity += 1
                elif letter == "b":
                    opts.blocking = True
                else:
                    opts.protect = True
                j += 1
                continue
            if letter not in _WITH_ARG:
                raise UsageError(f"unknown option -{letter}")
            value = word[j + 1:]
            if not value:
                i += 1
                if i >= len(args):
                    raise UsageError(f"option -{letter} needs an argument")
                value = args[i]
            number = parse_number(value)
            if number is None:
                raise UsageError(f"bad number for -{letter}: {value}")
            if letter == "d":
                opts.notif = number
            elif letter == "l":
                opts.linelimit = 48 if 0 < number < 48 else number
            else:
                opts.lastlinetimeout = number
            break
        i += 1
    opts.script = args[i:]
    if not opts.script:
        raise UsageError("no logging script")
    return opts
