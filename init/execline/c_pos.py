"""Positional-parameter commands: elgetopt, shift, dollarat.

They work on the environment frame execlineb sets up without -P/-S
(``#``, ``0``, ``1``...), see posenv.
"""
from __future__ import annotations

import os

from . import posenv
from .blocks import strictness
from .errors import Exit, fatal, usage, warn
from .options import OptionError, getopt, uint
from .runtime import Context


def _frame(ctx: Context, prog: str, check: bool = True) -> list[str]:
    """[$0, $1..$n] from the environment; dies as the real commands do."""
    env = ctx.env
    n = env.get("#")
    if n is None:
        raise fatal(prog, 100, "# not set")
    if not n.isascii() or not n.isdigit():
        raise fatal(prog, 100, "invalid $#")
    out = [env.get("0", "")]
    for k in range(1, int(n) + 1):
        v = env.get(str(k))
        if v is None:
            if check:
                raise fatal(prog, 100, f"{k} not set")
            v = ""
        out.append(v)
    return out


def _set_args(env: dict[str, str], old_n: int, args: list[str]) -> None:
    for k in range(1, old_n + 1):
        env.pop(str(k), None)
    env["#"] = str(len(args))
    for k, a in enumerate(args, 1):
        env[str(k)] = a


def elgetopt(ctx: Context, argv: list[str]) -> list[str]:
    text = "elgetopt [ -D default ] optstring prog..."
    try:
        opts, i = getopt(argv, "D:")
    except OptionError:
        raise usage("elgetopt", text) from None
    if i >= len(argv):
        raise usage("elgetopt", text)
    default = opts[-1][1] if opts else "1"
    spec = argv[i]
    frame = _frame(ctx, "elgetopt")
    name, args = frame[0], frame[1:]
    found, k = script_options(name, args, spec)
    env = posenv.push(ctx.env, posenv.is_elgetopt)
    for c, a in found:
        env["ELGETOPT_" + c] = a if spec.find(c) + 1 < len(spec) and spec[spec.find(c) + 1] == ":" \
            else default
    ctx.env.clear()
    ctx.env.update(env)
    _set_args(ctx.env, len(args), args[k:])
    return argv[i + 1:]


def script_options(name: str, args: list[str], spec: str) -> tuple[list[tuple[str, str]], int]:
    """elgetopt's parse of a script's arguments: ([(letter, arg)], index of the rest).

    Errors are getopt's, under the script's name: ``NAME: illegal option``
    or ``NAME: option requires an argument``, exit 1 (raised as Exit).
    """
    try:
        return getopt(args, spec, 0)
    except OptionError as e:
        c = str(e)
        what = "option requires an argument" if c in spec and c != ":" else "illegal option"
        raise fatal_plain(name, what) from None


def fatal_plain(name: str, text: str) -> Exit:
    """``NAME: TEXT`` (elgetopt reports like getopt, under the script's name)."""
    os.write(2, os.fsencode(f"{name}: {text}\n"))
    return Exit(1)


def shift(ctx: Context, argv: list[str]) -> list[str]:
    """Shift the frame by -n arguments (default 1) then -b blocks of it.

    Past the end, the shift stops at ``$#``: silently, with a warning under
    EXECLINE_STRICT=1, fatal (100) from 2.  A hole in the frame (``$k``
    unset) stays a hole after the shift.
    """
    text = "shift [ -n arg# ] [ -b block# ] prog..."
    try:
        opts, i = getopt(argv, "n:b:")
    except OptionError:
        raise usage("shift", text) from None
    nargs, nblocks = (1, 0) if not opts else (0, 0)
    for c, a in opts:
        v = uint(a)
        if v is None:
            raise usage("shift", text)
        if c == "n":
            nargs = v
        else:
            nblocks = v
    if i >= len(argv):
        raise usage("shift", text)
    env, strict = ctx.env, strictness(ctx.env)
    sharp = _sharp(env, "shift")
    if nargs > sharp:
        if strict:
            msg = f"unable to shift {nargs} arguments: got {sharp}"
            if strict >= 2:
                raise fatal("shift", 100, ": " + msg)  # sic: execline 2.9.3 prints ": unable"
            warn("shift", msg)
        nargs = sharp
    for b in range(nblocks):
        base = nargs
        while True:
            nargs += 1
            if nargs > sharp:
                raise fatal("shift", 100, f"unable to shift block {b}: too few arguments ({nargs})")
            word = env.get(str(nargs))
            if word is None:
                raise fatal("shift", 100, f"{nargs} not set")
            if word == "":
                break
            if word[0] != " " and strict:
                msg = f"unquoted positional {word} at block {b} position {nargs - base}"
                if strict >= 2:
                    raise fatal("shift", 100, msg)
                warn("shift", msg)
    moved = {k: env.get(str(k + nargs)) for k in range(1, sharp - nargs + 1)}
    env["#"] = str(sharp - nargs)
    for k in range(1, sharp + 1):
        v = moved.get(k)
        if v is None:
            env.pop(str(k), None)
        else:
            env[str(k)] = v
    return argv[i:]


def _sharp(env: dict[str, str], prog: str) -> int:
    n = env.get("#")
    if n is None:
        raise fatal(prog, 100, "# not set")
    v = uint(n)
    if v is None:
        raise fatal(prog, 100, "invalid $#")
    return v


def dollarat(ctx: Context, argv: list[str]) -> list[str]:
    text = "dollarat [ -n ] [ -0 | -d delimchar ]"
    try:
        opts, _ = getopt(argv, "n0d:")
    except OptionError:
        raise usage("dollarat", text) from None
    chomp, delim = False, "\n"
    for c, a in opts:
        if c == "n":
            chomp = True
        elif c == "0":
            delim = "\0"
        else:
            delim = a[:1]
    args = _frame(ctx, "dollarat")[1:]
    if delim == "":
        out = "".join(f"{len(os.fsencode(a))}:{a}," for a in args)
    else:
        out = "".join(a + delim for a in args)
        if chomp and out:
            out = out[:-1]
    data = os.fsencode(out)
    try:
        while data:
            data = data[os.write(1, data):]
    except OSError as e:
        raise fatal("dollarat", 111, f"unable to write to stdout: {os.strerror(e.errno or 0)}") from None
    raise Exit(0)
