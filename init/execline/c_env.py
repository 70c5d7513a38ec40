"""Process state: exec, tryexec, emptyenv, export, unexport, cd, umask,
getpid, getcwd, exit.

The environment lives in ctx.env (a dict) and is handed to whatever the chain
finally execs; cwd and umask are this process's own.
"""
from __future__ import annotations

import os

from . import posenv, proc
from .blocks import get_block, strictness
from .errors import Exit, fatal, syserr, usage
from .options import OptionError, getopt, uint
from .runtime import Context, lookup

_EXEC_USAGE = "exec [ -c ] [ -l ] [ -a argv0 ] prog..."


def _exec_opts(argv: list[str], name: str, text: str, spec: str):
    try:
        return getopt(argv, spec)
    except OptionError:
        raise usage(name, text) from None


def _exec_into(ctx: Context, rest: list[str], clear: bool, login: bool,
               argv0: str | None) -> list[str]:
    if clear:
        ctx.env.clear()
    if argv0 is None and not login:
        return rest
    name = argv0 if argv0 is not None else rest[0]
    if login:
        name = "-" + name
    if lookup(rest[0]) is not None:
        return rest  # argv[0] of an in-process command is not observable
    proc.execute(ctx.prog, rest, ctx.env, ctx.path, name)
    return []


def exec_(ctx: Context, argv: list[str]) -> list[str]:
    opts, i = _exec_opts(argv, "exec", _EXEC_USAGE, "cla:")
    if i >= len(argv):
        raise usage("exec", _EXEC_USAGE)
    d = dict(opts)
    return _exec_into(ctx, argv[i:], "c" in d, "l" in d, d.get("a"))


def tryexec(ctx: Context, argv: list[str]) -> list[str]:
    text = "tryexec [ -n ] [ -c ] [ -l ] [ -a argv0 ] { command... } remainder..."
    opts, i = _exec_opts(argv, "tryexec", text, "ncla:")
    d = dict(opts)
    block, i = get_block(argv, i, "tryexec", strictness(ctx.env))
    first, second = (argv[i:], block) if "n" in d else (block, argv[i:])
    if first and lookup(first[0]) is None and proc.find(first[0], ctx.path)[0] is None:
        return second
    if not first:
        return second
    return _exec_into(ctx, first, "c" in d, "l" in d, d.get("a"))


def emptyenv(ctx: Context, argv: list[str]) -> list[str]:
    opts, i = _exec_opts(argv, "emptyenv", "emptyenv [ -p | -c | -o | -P ] prog...", "pcoP")
    flags = {c for c, _ in opts}
    env = ctx.env
    if not flags or flags == {"p"}:
        path = env.get("PATH")
        env.clear()
        if flags and path is not None:
            env["PATH"] = path
        return argv[i:]
    if "c" in flags:
        for k in [k for k in env if posenv.is_pop_P(k) or posenv.is_elgetopt(k)]:
            del env[k]
        return argv[i:]
    new = env
    if "o" in flags:
        new = posenv.pop(new, posenv.is_elgetopt)
    if "P" in flags:
        new = posenv.pop(new, posenv.is_pop_P)
    if "p" in flags and not flags & {"o", "P"}:
        pass
    env.clear()
    env.update(new)
    return argv[i:]


def export(ctx: Context, argv: list[str]) -> list[str]:
    if len(argv) < 3:
        raise usage("export", "export variable value prog...")
    if "=" in argv[1]:
        raise fatal("export", 100, f"invalid variable name: {argv[1]}")
    ctx.env[argv[1]] = argv[2]
    return argv[3:]


def unexport(ctx: Context, argv: list[str]) -> list[str]:
    if len(argv) < 2:
        raise usage("unexport", "unexport variable prog...")
    if "=" in argv[1]:
        raise fatal("unexport", 100, f"invalid variable name: {argv[1]}")
    ctx.env.pop(argv[1], None)
    return argv[2:]


def cd(ctx: Context, argv: list[str]) -> list[str]:
    if len(argv) < 2:
        raise usage("execline-cd", "cd path prog...")
    try:
        os.chdir(argv[1])
    except OSError as e:
        raise syserr("execline-cd", f"unable to chdir to {argv[1]}", e) from None
    return argv[2:]


def umask(ctx: Context, argv: list[str]) -> list[str]:
    text = "umask value prog..."
    word = argv[1] if len(argv) > 1 else ""
    if not word or any(c not in "01234567" for c in word):
        raise usage("execline-umask", text)
    os.umask(int(word, 8) & 0o777)
    return argv[2:]


def _store(ctx: Context, argv: list[str], i: int, value: str, autoimport: bool,
           name: str, text: str) -> list[str]:
    if i >= len(argv):
        raise usage(name, text)
    var = argv[i]
    if "=" in var:
        raise fatal(name, 100, f"invalid variable name: {var}")
    if autoimport:
        from .subst import substitute
        return substitute(argv[i + 1:], {var: [value]})
    ctx.env[var] = value
    return argv[i + 1:]


def getpid(ctx: Context, argv: list[str]) -> list[str]:
    text = "getpid [ -E | -e ] [ -P | -p ] variable prog..."
    opts, i = _exec_opts(argv, "getpid", text, "EePp")
    auto = parent = False
    for c, _ in opts:
        if c in "Ee":
            auto = c == "E"
        else:
            parent = c == "P"
    pid = os.getppid() if parent else os.getpid()
    return _store(ctx, argv, i, str(pid), auto, "getpid", text)


def getcwd(ctx: Context, argv: list[str]) -> list[str]:
    text = "getcwd [ -E | -e ] variable prog..."
    opts, i = _exec_opts(argv, "getcwd", text, "Ee")
    auto = bool(opts) and opts[-1][0] == "E"
    try:
        cwd = os.getcwd()
    except OSError as e:
        raise syserr("getcwd", "unable to getcwd", e) from None
    return _store(ctx, argv, i, cwd, auto, "getcwd", text)


def exit_(ctx: Context, argv: list[str]) -> list[str]:
    if len(argv) < 2:
        raise Exit(0)
    code = uint(argv[1])
    if code is None:
        raise usage("exit", "exit [ exitcode ]")
    raise Exit(code & 0xFF)
