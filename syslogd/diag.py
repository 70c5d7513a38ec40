"""s6-style diagnostics on fd 2: ``PROG: fatal: MSG`` / ``PROG: usage: ...``.

Written with ``os.write`` because stderr may be closed (then the message is
simply lost, as with skalibs' strerr) and because the program never sets
up ``sys.stderr`` buffering on the hot path.
"""

from __future__ import annotations

import os


def _say(text: str) -> None:
    try:
        os.write(2, text.encode("utf-8", "surrogateescape"))
    except OSError:
        pass


def fatal(prog: str, msg: str) -> None:
    _say("%s: fatal: %s\n" % (prog, msg))


def usage(prog: str, text: str) -> None:
    _say("%s: usage: %s\n" % (prog, text))


def warn(prog: str, msg: str) -> None:
    _say("%s: warning: %s\n" % (prog, msg))


def oserror_text(e: OSError) -> str:
    """The libc's strerror text, as skalibs prints it after ``: ``."""
    if e.errno is not None:
        return os.strerror(e.errno)
    return str(e)
