"""Programs PID 1 writes at run time (``/run/s6/basedir/bin/halt``, the catch-all
logger's ``run``): /bin/sh scripts that exec *this* interpreter on one of our functions.

Why not the ``/command`` shims: PID 1 knows exactly which python3 runs it
and where its packages are (the image's lib directory, or a source tree in
tests), so the scripts it writes use those directly: no PATH search, and
they work in a tree that has no ``/command`` at all.  Same form as the
overlay's shims (``python3 -I -S -c``: no site, no PYTHON* variables).
"""
from __future__ import annotations

import os
import sys

LIB = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def quote(word: str) -> str:
    """A /bin/sh single-quoted word."""
    return "'" + word.replace("'", "'\\''") + "'"


def code(target: str, name: str | None = None) -> str:
    """The ``-c`` program running ``module:function(args)``; after the code, sys.argv is [argv0, args...]."""
    module, _, func = target.partition(":")
    args = f'[{name!r}] + sys.argv[1:]' if name else "sys.argv[1:]"
    return (f'import sys; sys.path.insert(0, {LIB!r}); del sys.argv[0]; '
            f'from {module} import {func}; sys.exit({func}({args}))')


def argv(target: str, args: list[str], argv0: str, name: str | None = None) -> list[str]:
    """The command line running target with args (argv[0] of the program is argv0)."""
    return [sys.executable, "-I", "-S", "-c", code(target, name), argv0] + list(args)


def script(target: str, args: list[str] = (), name: str | None = None,
           pass_args: bool = True) -> str:
    """A ``#!/bin/sh`` script: ``exec`` the interpreter on target, fixed args, then "$@"."""
    words = [sys.executable, "-I", "-S", "-c", code(target, name)]
    line = " ".join(quote(w) for w in words) + ' "$0" ' + " ".join(quote(a) for a in args)
    tail = ' "$@"' if pass_args else ""
    return f"#!/bin/sh\nexec {line.rstrip()}{tail}\n"


def write_script(path: str, text: str, mode: int = 0o755) -> None:
    tmp = path + ".new"
    with open(tmp, "w") as f:
        f.write(text)
    os.chmod(tmp, mode)
    os.rename(tmp, path)
