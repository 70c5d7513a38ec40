"""Loops: forx, forbacktickx, forstdin, loopwhilex.

Each iteration runs the loop body as a child with the loop variable added to
its environment (or substituted, with -E).  -o lists the exit codes that let
the loop go on, -x those that break it; the loop then exits with the body's
code (approximated).  forbacktickx/forstdin read records split on -d
delimiters (newline by default); with chomping (the default) the last record
is dropped unless a delimiter ends it, as execline 2.9.3 does.
"""
from __future__ import annotations

import os

from . import proc
from .blocks import get_block, strictness
from .errors import Exit, fatal, usage
from .options import OptionError, getopt, uint
from .runtime import Context, must_spawn

FORX_USAGE = ("forx [ -E | -e ] [ -p ] [ -o okcode,okcode,... | -x breakcode,breakcode,... ] "
              "var { values... } command...")
FORBACKTICKX_USAGE = ("forbacktickx [ -p | -o okcode,okcode,... | -x breakcode,breakcode,... ] "
                      "[ -E | -e ] [ -N | -n ] [ -C | -c ] [ -0 | -d delim ] var "
                      "{ backtickcmd... } command...")
FORSTDIN_USAGE = ("forstdin [ -E | -e ] [ -p | -o okcode,okcode,... | -x breakcode,breakcode,... ] "
                  "[ -N | -n ] [ -C | -c ] [ -0 | -d delim ] var command...")
LOOPWHILEX_USAGE = "loopwhilex [ -n ] [ -o okcode,okcode,... | -x exitcode,exitcode,... ] prog..."


class Loop:
    """Options shared by the loop commands and the iteration logic."""

    def __init__(self, ctx: Context, prog: str, text: str) -> None:
        self.ctx, self.prog, self.text = ctx, prog, text
        self.auto = self.parallel = False
        self.codes: set[int] | None = None
        self.breaking = False
        self.chomp, self.crunch, self.delims = True, False, "\n"
        self.pids: list[int] = []
        self.failed = False
        self.flags: set[str] = set()

    def options(self, argv: list[str], spec: str) -> int:
        try:
            opts, i = getopt(argv, spec)
        except OptionError:
            raise usage(self.prog, self.text) from None
        self.flags = {c for c, _ in opts}
        for c, a in opts:
            if c in "Ee":
                self.auto = c == "E"
            elif c == "p":
                self.parallel = True
            elif c in "ox":
                self.breaking = c == "x"
                from .s6_ids import scan_list
                codes, used = scan_list(a, 256)
                if not used:
                    raise usage(self.prog, self.text)
                self.codes = {v & 0xFFFF for v in codes}
            elif c in "Nn":
                self.chomp = c == "n"
            elif c in "Cc":
                self.crunch = c == "C"
            elif c == "0":
                self.delims = "\0"
            elif c == "d":
                self.delims = a
        return i

    def _stop(self, code: int) -> bool:
        if self.codes is None:
            return False
        return (code in self.codes) == self.breaking

    def iterate(self, var: str, value: str, body: list[str]) -> None:
        ctx = self.ctx
        child = ctx.child()
        if self.auto:
            from .subst import substitute
            body = substitute(body, {var: [value]})
        else:
            child.env[var] = value
        pid = must_spawn(child, body)
        if self.parallel:
            self.pids.append(pid)
            return
        code = proc.approx(proc.wait_pid(pid))
        if self._stop(code):
            raise Exit(code)

    def finish(self) -> None:
        for pid in self.pids:
            if self._stop(proc.approx(proc.wait_pid(pid))):
                self.failed = True
        if self.failed:
            raise Exit(1)

    def records(self, fd: int, var: str, body: list[str]) -> bool:
        """Run the body for every record read on fd; True if any was read."""
        buf, seen = "", False
        while True:
            data = os.read(fd, 65536)
            if not data:
                break
            buf += os.fsdecode(data)
            start = 0
            for k, c in enumerate(buf):
                if c in self.delims:
                    seen = True
                    self._record(var, buf[start:k + (0 if self.chomp else 1)], body)
                    start = k + 1
            buf = buf[start:]
        if buf and not self.chomp:
            seen = True
            self._record(var, buf, body)
        return seen

    def _record(self, var: str, rec: str, body: list[str]) -> None:
        if self.crunch and (rec == "" or (len(rec) == 1 and rec in self.delims)):
            return
        self.iterate(var, rec, body)


def forx(ctx: Context, argv: list[str]) -> list[str]:
    loop = Loop(ctx, "forx", FORX_USAGE)
    i = loop.options(argv, "Eepo:x:")
    var = _var("forx", FORX_USAGE, argv, i)
    values, i = get_block(argv, i + 1, "forx", strictness(ctx.env))
    if not values or i >= len(argv):
        raise Exit(0)
    for v in values:
        loop.iterate(var, v, argv[i:])
    loop.finish()
    raise Exit(0)


def forstdin(ctx: Context, argv: list[str]) -> list[str]:
    loop = Loop(ctx, "forstdin", FORSTDIN_USAGE)
    i = loop.options(argv, "Eepo:x:NnCc0d:")
    var = _var("forstdin", FORSTDIN_USAGE, argv, i)
    seen = loop.records(0, var, argv[i + 1:])
    loop.finish()
    raise Exit(0 if seen else 1)


def forbacktickx(ctx: Context, argv: list[str]) -> list[str]:
    loop = Loop(ctx, "forbacktickx", FORBACKTICKX_USAGE)
    i = loop.options(argv, "Eepo:x:NnCc0d:")
    if len(argv) - i < 2 or not argv[i]:
        raise usage("forbacktickx", FORBACKTICKX_USAGE)
    var = argv[i]
    if argv[i + 1] == "":
        raise fatal("forbacktickx", 100, "empty block")
    gen, i = get_block(argv, i + 1, "forbacktickx", strictness(ctx.env))
    r, w = os.pipe()
    saved = ctx.prog
    ctx.prog = "pipeline"
    pid = must_spawn(ctx, gen, [(os.POSIX_SPAWN_DUP2, w, 1), (os.POSIX_SPAWN_CLOSE, r),
                                (os.POSIX_SPAWN_CLOSE, w)])
    ctx.prog = saved
    os.close(w)
    try:
        seen = loop.records(r, var, argv[i:])
        loop.finish()
    finally:
        os.close(r)
        proc.wait_pid(pid)
    raise Exit(0 if seen else 1)


def _var(prog: str, text: str, argv: list[str], i: int) -> str:
    """The loop variable: at least it and one more word, a valid name."""
    if len(argv) - i < 2:
        raise usage(prog, text)
    var = argv[i]
    if not var or "=" in var:
        raise fatal(prog, 100, "invalid variable name")
    return var


def loopwhilex(ctx: Context, argv: list[str]) -> list[str]:
    """Run prog while its code is an -o one (default 0), or is not an -x
    one; -n turns the test around."""
    loop = Loop(ctx, "loopwhilex", LOOPWHILEX_USAGE)
    i = loop.options(argv, "no:x:")
    if i >= len(argv):
        raise usage("loopwhilex", LOOPWHILEX_USAGE)
    negate = "n" in loop.flags
    if loop.codes is None:
        loop.codes = {0}
    elif loop.breaking:
        negate = not negate
    while True:
        code = proc.approx(proc.wait_pid(must_spawn(ctx, argv[i:])))
        if negate == (code in loop.codes):
            raise Exit(code)


__all__ = ["forbacktickx", "forstdin", "forx", "loopwhilex", "uint"]
