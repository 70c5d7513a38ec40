"""execlineb: read a script, build its argv, run it.

``execlineb [-q|-w|-W] [-p|-P|-S n|-s n] (-c script | file) [args...]``: the
script becomes one argv (lexer.parse), positional parameters are handled as
the mode asks (posenv for the environment frame, subst for -S/-s), then the
argv runs through the chain loop in this same process.
"""
from __future__ import annotations

import os

from . import proc, runtime
from .errors import Exit, fatal, syserr, usage, warn
from .lexer import ParseError, parse
from .options import OptionError, getopt, uint

PROG = "execlineb"
USAGE = "execlineb [ -p | -P | -S nmin | -s nmin ] [ -q | -w | -W ] [ -c commandline ] script args"


def clean_environ() -> dict[str, str]:
    """os.environ minus what CPython added on its own (PEP 538's LC_CTYPE)."""
    env = dict(os.environ)
    if "LC_CTYPE" in env:
        try:
            with open("/proc/self/environ", "rb") as f:
                original = f.read()
        except OSError:
            return env
        if b"\0LC_CTYPE=" not in b"\0" + original:
            del env["LC_CTYPE"]
    return env


def positional_table(name: str, args: list[str], nmin: int, rest: bool) -> dict[str, list[str]]:
    """Keys -S/-s substitute: #, 0..max(n, nmin), @."""
    table: dict[str, list[str]] = {"#": [str(len(args))], "0": [name]}
    for i in range(1, max(len(args), nmin) + 1):
        table[str(i)] = [args[i - 1] if i <= len(args) else ""]
    table["@"] = list(args[nmin:]) if rest else list(args)
    return table


def build(argv: list[str], env: dict[str, str]) -> list[str]:
    """Parse execlineb's command line and script; return the argv to run."""
    try:
        opts, i = getopt(argv, "qwWpPS:s:c:", 0)
    except OptionError:
        raise usage(PROG, USAGE) from None
    mode, nmin, script, strict = "", 0, None, None
    for c, arg in opts:
        if c in "qwW":
            strict = "qwW".index(c)
        elif c in "Ss":
            n = uint(arg)
            if n is None:
                raise usage(PROG, USAGE)
            mode, nmin = c, n
        elif c in "pP":
            mode = c
        else:
            script = arg
    rest = argv[i:]
    if script is None:
        if not rest:
            raise usage(PROG, USAGE)
        name, rest = rest[0], rest[1:]
        text = read_script(name)
    else:
        name, text = PROG, script
    try:
        words = parse(text)
    except ParseError as e:
        raise fatal(PROG, 100, str(e)) from None
    if not words:
        raise Exit(0)
    strict = strictness(env, strict)
    if mode in ("S", "s"):
        if strict and len(rest) < nmin:
            msg = f"too few arguments: expecting at least {nmin} but got {len(rest)}"
            if strict > 1:
                raise fatal(PROG, 100, msg)
            warn(PROG, msg)
        from .subst import substitute
        return substitute(words, positional_table(name, rest, nmin, mode == "s"))
    if mode != "P":
        from . import posenv
        if mode != "p":
            pushed = posenv.push(env, posenv.is_positional)
            env.clear()
            env.update(pushed)
        posenv.set_frame(env, name, rest)
    return words


def strictness(env: dict[str, str], forced: int | None) -> int:
    """The strictness execlineb works with, EXECLINE_STRICT set for the commands.

    -q/-w/-W set (or, for 0, unset) the variable; otherwise an invalid value
    is unset with a warning.  Unset or invalid counts as -1: execlineb's own
    check warns then, as the real one does.
    """
    if forced is not None:
        if forced:
            env["EXECLINE_STRICT"] = str(forced)
        else:
            env.pop("EXECLINE_STRICT", None)
        return forced
    value = env.get("EXECLINE_STRICT")
    if value is None:
        return -1
    n = uint(value)
    if n is None:
        warn(PROG, "invalid EXECLINE_STRICT value, unsetting it")
        del env["EXECLINE_STRICT"]
        return -1
    return n


def read_script(name: str) -> str:
    """The script file's text; a NUL byte ends it, as execline's reader does."""
    try:
        fd = os.open(name, os.O_RDONLY | os.O_CLOEXEC)
    except OSError as e:
        raise syserr(PROG, f"unable to open {name} for reading", e) from None
    chunks = []
    try:
        while True:
            chunk = os.read(fd, 65536)
            if not chunk:
                break
            chunks.append(chunk)
            if b"\0" in chunk:
                break
    except OSError as e:
        raise syserr(PROG, "unable to parse script", e) from None
    finally:
        os.close(fd)
    return os.fsdecode(b"".join(chunks))


def main(argv: list[str]) -> None:
    """Entry point of ``python3 -m init.execline``; never returns."""
    proc.reset_signals()
    env = clean_environ()
    ctx = runtime.Context(env, PROG)
    try:
        words = build(argv, env)
    except Exit as e:
        runtime.finish(e)
    ctx.path = env.get("PATH")
    runtime.finish(runtime.run_chain(ctx, words))
