"""backtick and withstdinas: capture output into a variable.

backtick runs its block with stdout on a pipe, reads everything, waits, then
stores the text (last newline chomped unless -N) in the environment, or
substitutes it directly with -E.
"""
from __future__ import annotations

import os

from . import proc
from .blocks import get_block, strictness
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
    if value is None:
        ctx.env.pop(var, None)
        return rest
    if auto:
        from .subst import substitute
        return substitute(rest, {var: [value]})
    ctx.env[var] = value
    return rest


def _mode(opts) -> tuple[str, str | None, bool, bool]:
    mode, default, chomp, auto = "i", None, True, False
    for c, a in opts:
        if c in "iIx":
            mode = c
        elif c == "D":
            mode, default = "D", a
        elif c in "Nn":
            chomp = c == "n"
        elif c in "Ee":
            auto = c == "E"
    return mode, default, chomp, auto


def backtick(ctx: Context, argv: list[str]) -> list[str]:
    try:
        opts, i = getopt(argv, "iIxD:NnEe")
    except OptionError:
        raise usage("backtick", BACKTICK_USAGE) from None
    if i >= len(argv):
        raise usage("backtick", BACKTICK_USAGE)
    var = argv[i]
    if "=" in var:
        raise fatal("backtick", 100, f"invalid variable name: {var}")
    mode, default, chomp, auto = _mode(opts)
    block, i = get_block(argv, i + 1, "backtick", strictness(ctx.env))
    if not block:
        raise fatal("backtick", 100, "empty block")
    r, w = os.pipe()
    pid = must_spawn(ctx, block, [(os.POSIX_SPAWN_DUP2, w, 1), (os.POSIX_SPAWN_CLOSE, r),
                                  (os.POSIX_SPAWN_CLOSE, w)])
    os.close(w)
    data = read_all(r)
    os.close(r)
    status = proc.wait_pid(pid)
    bad = b"\0" in data
    failed = not os.WIFEXITED(status) or os.WEXITSTATUS(status) != 0
    if bad or failed:
        if mode == "i":
            if bad:
                raise fatal("backtick", 124, "child process output contained a null character")
            if os.WIFSIGNALED(status):
                raise fatal("backtick", proc.approx(status), "child process crashed")
            raise fatal("backtick", proc.approx(status), "child process exited non-zero")
        if mode == "x":
            return _store(ctx, var, None, auto, argv[i:])
        if mode == "D":
            return _store(ctx, var, default, auto, argv[i:])
        data = data.split(b"\0", 1)[0]
    if chomp and data.endswith(b"\n"):
        data = data[:-1]
    return _store(ctx, var, os.fsdecode(data), auto, argv[i:])


def withstdinas(ctx: Context, argv: list[str]) -> list[str]:
    try:
        opts, i = getopt(argv, "iID:NnEe")
    except OptionError:
        raise usage("withstdinas", WITHSTDINAS_USAGE) from None
    if i >= len(argv):
        raise usage("withstdinas", WITHSTDINAS_USAGE)
    var = argv[i]
    mode, default, chomp, auto = _mode(opts)
    if not any(c in "iID" for c, _ in opts):
        mode = ""
    data = read_all(0)
    if b"\0" in data:
        if mode == "i":
            raise fatal("withstdinas", 1, "stdin contained a null character")
        if mode == "I":
            return _store(ctx, var, None, auto, argv[i + 1:])
        if mode == "D":
            warn("withstdinas", "stdin contained a null character - using default instead")
            return _store(ctx, var, default, auto, argv[i + 1:])
        data = data.split(b"\0", 1)[0]
    if chomp and data.endswith(b"\n"):
        data = data[:-1]
    return _store(ctx, var, os.fsdecode(data), auto, argv[i + 1:])
