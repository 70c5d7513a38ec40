"""s6-style diagnostics: ``s6-log: fatal: ...`` and friends.

The program name is always ``s6-log``: logd is a drop-in replacement and
scripts (and the conformance suite) match on these exact texts.
"""
from __future__ import annotations

import os
import sys

PROG = "s6-log"

EXIT_USAGE = 100
EXIT_SYSTEM = 111
EXIT_INTERNAL = 101

USAGE = (
    "s6-log [ -d notif ] [ -q | -v ] [ -b ] [ -p ] [ -l linelimit ] "
    "[ -t lastlinetimeout ] [ -- ] logging_script"
)


class Fatal(Exception):
    """Abort with an s6-style fatal message and exit code."""

    def __init__(self, text: str, code: int = EXIT_SYSTEM) -> None:
        super().__init__(text)
        self.text = text
        self.code = code


def strerror(err: BaseException | int) -> str:
    """The C library's text for an errno, as skalibs prints it."""
    code = err if isinstance(err, int) else getattr(err, "errno", None)
    if code is None:
        return str(err)
    return os.strerror(code)


def write_fd(fd: int, data: bytes) -> bool:
    """Write everything, waiting if fd is non-blocking; False on error.

    s6-log sets O_NONBLOCK on stdout, which stderr often shares (2>&1),
    so even diagnostics must cope with EAGAIN.
    """
    view = memoryview(data)
    while view:
        try:
            n = os.write(fd, view)
        except BlockingIOError:
            import select
            select.select([], [fd], [], 1.0)
            continue
        except OSError:
            return False
        view = view[n:]
    return True


def emit(line: str) -> None:
    """Write one diagnostic line to stderr unbuffered, never raising."""
    write_fd(2, line.encode("utf-8", "surrogateescape") + b"\n")


class Reporter:
    """Warnings honour ``-q``; fatal errors and alerts never do."""

    def __init__(self, verbosity: int = 1) -> None:
        self.verbosity = verbosity

    def warn(self, text: str, always: bool = False) -> None:
        if always or self.verbosity > 0:
            emit(f"{PROG}: warning: {text}")


def die(text: str, code: int = EXIT_SYSTEM) -> None:
    emit(f"{PROG}: fatal: {text}")
    sys.exit(code)
