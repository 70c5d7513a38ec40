"""Messages and exits in skarnet's style.

Every execline program reports problems the same way: ``PROG: fatal: TEXT``
then exit (100 usage/syntax, 111 system error, 126/127 exec failure),
``PROG: usage: TEXT`` (exit 100), ``PROG: warning: TEXT``.  Scripts and tests
match on those shapes, so they are produced in one place.  Messages go
straight to fd 2 with os.write: the interpreter never buffers user-visible
output (a forked child would otherwise flush it twice).
"""
from __future__ import annotations

import os


class Exit(Exception):
    """Leave the chain with an exit code (any message was already written)."""

    def __init__(self, code: int) -> None:
        super().__init__(code)
        self.code = code


def _write(text: str) -> None:
    data = os.fsencode(text)
    try:
        while data:
            data = data[os.write(2, data):]
    except OSError:
        pass


def warn(prog: str, text: str) -> None:
    """``PROG: warning: TEXT``."""
    _write(f"{prog}: warning: {text}\n")


def fatal(prog: str, code: int, text: str) -> Exit:
    """Print ``PROG: fatal: TEXT`` and return the Exit to raise."""
    _write(f"{prog}: fatal: {text}\n")
    return Exit(code)


def usage(prog: str, text: str) -> Exit:
    """Print ``PROG: usage: TEXT`` and return Exit(100)."""
    _write(f"{prog}: usage: {text}\n")
    return Exit(100)


def syserr(prog: str, what: str, err: OSError, code: int = 111) -> Exit:
    """``PROG: fatal: unable to WHAT: strerror``, exit 111 by default."""
    return fatal(prog, code, f"{what}: {strerror(err)}")


def strerror(err: OSError | int) -> str:
    """The C library's text for an errno, as skalibs prints it."""
    num = err if isinstance(err, int) else (err.errno or 0)
    return os.strerror(num)
