"""Conditionals: if, ifelse, ifte, ifthenelse.

The test block runs as a child and is waited for; the chosen branch is the
rest of this process's chain.  A test killed by a signal makes the command
die ``child crashed with signal N`` (exit 128+N) unless -X treats it as false.
An empty block counts as a successful test (the empty program is ``true``).
"""
from __future__ import annotations

import os

from . import proc
from .blocks import get_block, strictness
from .errors import Exit, fatal, usage
from .options import OptionError, getopt, uint
from .runtime import Context, must_spawn


def run_test(ctx: Context, block: list[str], crash_false: bool) -> tuple[bool, int]:
    """Run a test block; (succeeded, raw wait status)."""
    if not block:
        return True, 0
    status = proc.wait_pid(must_spawn(ctx, block))
    if os.WIFSIGNALED(status) and not crash_false:
        sig = os.WTERMSIG(status)
        raise fatal(ctx.prog, 128 + sig, f"child crashed with signal {sig}")
    return os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0, status


def if_(ctx: Context, argv: list[str]) -> list[str]:
    text = "if [ -n ] [ -X ] [ -t | -x exitcode ] { command... }"
    try:
        opts, i = getopt(argv, "nXtx:")
    except OptionError:
        raise usage("if", text) from None
    neg = crash_false = False
    forced: int | None = None
    for c, a in opts:
        if c == "n":
            neg = True
        elif c == "X":
            crash_false = True
        elif c == "t":
            forced = 0
        else:
            v = uint(a)
            if v is None:
                raise usage("if", text)
            if v > 255:
                raise fatal("if", 100, "invalid exit code")
            forced = v
    block, i = get_block(argv, i, "if", strictness(ctx.env))
    ok, status = run_test(ctx, block, crash_false)
    if ok != neg:
        return argv[i:]
    if forced is not None:
        raise Exit(forced)
    raise Exit(1 if neg else proc.approx(status))


def _two_or_three(ctx: Context, argv: list[str], name: str, text: str, spec: str):
    try:
        opts, i = getopt(argv, spec)
    except OptionError:
        raise usage(name, text) from None
    return {c for c, _ in opts}, i


def ifelse(ctx: Context, argv: list[str]) -> list[str]:
    text = "ifelse [ -n ] [ -X ] { command-if } { command-then... } command-else..."
    flags, i = _two_or_three(ctx, argv, "ifelse", text, "nX")
    strict = strictness(ctx.env)
    test, i = get_block(argv, i, "ifelse", strict, 1, "unterminated if block")
    if i >= len(argv):
        raise fatal("ifelse", 100, "then block required")
    then, i = get_block(argv, i, "ifelse", strict, 2, "unterminated then block")
    ok, _ = run_test(ctx, test, "X" in flags)
    return then if ok != ("n" in flags) else argv[i:]


def ifte(ctx: Context, argv: list[str]) -> list[str]:
    text = "ifte [ -X ] [ -n ] { command-then... } { command-else... } command-if..."
    flags, i = _two_or_three(ctx, argv, "ifte", text, "nX")
    strict = strictness(ctx.env)
    then, i = get_block(argv, i, "ifte", strict, 1, "unterminated then block")
    if i >= len(argv):
        raise fatal("ifte", 100, "else block required")
    other, i = get_block(argv, i, "ifte", strict, 2, "unterminated else block")
    ok, _ = run_test(ctx, argv[i:], "X" in flags)
    return then if ok != ("n" in flags) else other


def ifthenelse(ctx: Context, argv: list[str]) -> list[str]:
    text = ("ifthenelse [ -X ] { command-if... } { command-then... } "
            "{ command-else... } [ remainder... ]")
    flags, i = _two_or_three(ctx, argv, "ifthenelse", text, "Xs")
    strict = strictness(ctx.env)
    test, i = get_block(argv, i, "ifthenelse", strict, 1, "unterminated if block")
    if i >= len(argv):
        raise fatal("ifthenelse", 100, "then block required")
    then, i = get_block(argv, i, "ifthenelse", strict, 2, "unterminated then block")
    other, i = get_block(argv, i, "ifthenelse", strict, 3, "unterminated else block")
    ok, _ = run_test(ctx, test, "X" in flags)
    chosen = then if ok else other
    if "s" in flags:
        return chosen + argv[i:]
    from .c_seq import run_foreground
    run_foreground(ctx, chosen)
    return argv[i:]
