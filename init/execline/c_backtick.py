"""backtick and withstdinas: capture output into a variable.

backtick runs its block with stdout on a pipe, reads everything, waits, then
stores the text (last newline chomped unless -N) in the environment, or
substitutes it directly with -E.
"""
from __future__ import annotations

import os

from . import proc
from .blocks import scan_block, strictness
from .errors import fatal, usage, warn
from .options import OptionError, getopt
from .runtime import Context, must_spawn

BACKTICK_USAGE = ("backtick [ -i | -I | -x | -D default ] [ -N | -n ] [ -E | -e ] var "
                  "{ prog... } remainder...")
WITHSTDINAS_USAGE = ("withstdinas [ -i | -I | -D default ] [ -N | -n ] [ -E | -e ] var "
                     "remainder...")


def read_all(fd: int) -> bytes:
    chunks = []
    while True:
        try:
            data = os.read(fd, 65536)
        except InterruptedError:  # pragma: no cover
            continue
        if not data:
            return b"".join(chunks)
        chunks.append(data)


def _store(ctx: Context, var: str, value: str | None, auto: bool, rest: list[str]) -> list[str]:
    """Set (or unset) var and go on; with -E, as execline does it: set, then
    ``importas -ui var var``, so var ends up unexported and an unset var
    dies ``importas: fatal: var not set``."""
    if value is None:
        ctx.env.pop(var, None)
        if auto:
            raise fatal("importas", 100, f"{var} not set")
        return rest
    if auto:
        from .subst import substitute
        ctx.env.pop(var, None)
        return substitute(rest, {var: [value]})
    ctx.env[var] = value
    return rest


def _name(prog: str, argv: list[str], i: int, text: str) -> str:
    if i >= len(argv):
        raise usage(prog, text)
    var = argv[i]
    if not var or "=" in var:
        raise fatal(prog, 100, "invalid variable name")
    return var


def _cstring(data: bytes) -> str:
    """What a C program sees of data: up to its first NUL."""
    return os.fsdecode(data.split(b"\0", 1)[0])


def backtick(ctx: Context, argv: list[str]) -> list[str]:
    """A failing block is checked before its output: a NUL in what a
    successful block printed is fatal (124) by default, a warning then the
    default with -x/-D, cut at the NUL with -I."""
    try:
        opts, i = getopt(argv, "iINnxD:Ee")
    except OptionError:
        raise usage("backtick", BACKTICK_USAGE) from None
    insist, default, chomp, auto = 2, None, True, False
    for c, a in opts:
        if c in "iI":
            insist = 2 if c == "i" else 0
        elif c in "xD":
            insist, default = 1, (a if c == "D" else None)
        elif c in "Nn":
            chomp = c == "n"
        else:
            auto = c == "E"
    if len(argv) - i < 2:
        raise usage("backtick", BACKTICK_USAGE)
    var = _name("backtick", argv, i, BACKTICK_USAGE)
    block, i, ended = scan_block(argv, i + 1, "backtick", strictness(ctx.env))
    if not block:
        raise fatal("backtick", 100, "empty block")
    if not ended:
        raise fatal("backtick", 100, "unterminated block")
    r, w = os.pipe()
    pid = must_spawn(ctx, block, [(os.POSIX_SPAWN_DUP2, w, 1), (os.POSIX_SPAWN_CLOSE, r),
                                  (os.POSIX_SPAWN_CLOSE, w)])
    os.close(w)
    data = read_all(r)
    os.close(r)
    status = proc.wait_pid(pid)
    rest = argv[i:]
    if not os.WIFEXITED(status) or os.WEXITSTATUS(status) != 0:
        if insist == 2:
            what = "child process crashed" if os.WIFSIGNALED(status) else "child process exited non-zero"
            raise fatal("backtick", proc.approx(status), what)
        if insist == 1:
            return _store(ctx, var, default, auto, rest)
    elif b"\0" in data:
        if insist == 2:
            raise fatal("backtick", 124, "child process output contained a null character")
        if insist == 1:
            warn("backtick", "child process output contained a null character")
            return _store(ctx, var, default, auto, rest)
        data = data.split(b"\0", 1)[0]
    if chomp and data.endswith(b"\n"):
        data = data[:-1]
    return _store(ctx, var, _cstring(data), auto, rest)


def withstdinas(ctx: Context, argv: list[str]) -> list[str]:
    """-i (fatal) and -I (unset) win over -D (default, with a warning) when
    stdin holds a NUL; without any of them the value stops at the NUL and
    keeps its newline."""
    try:
        opts, i = getopt(argv, "iINnD:Ee")
    except OptionError:
        raise usage("withstdinas", WITHSTDINAS_USAGE) from None
    insist, default, chomp, auto = 0, None, True, False
    for c, a in opts:
        if c in "iI":
            insist = 2 if c == "i" else 1
        elif c == "D":
            default = a
        elif c in "Nn":
            chomp = c == "n"
        else:
            auto = c == "E"
    var = _name("withstdinas", argv, i, WITHSTDINAS_USAGE)
    data = read_all(0)
    rest = argv[i + 1:]
    if b"\0" in data:
        if insist == 2:
            raise fatal("withstdinas", 1, "stdin contained a null character")
        if insist == 1:
            return _store(ctx, var, None, auto, rest)
        if default is not None:
            warn("withstdinas", "stdin contained a null character - using default instead")
            return _store(ctx, var, default, auto, rest)
    elif chomp and data.endswith(b"\n"):
        data = data[:-1]
    return _store(ctx, var, _cstring(data), auto, rest)
