"""Sequencing: foreground, background, pipeline, piperw, heredoc.

``foreground`` stores the block's result in ``?`` (exit code, 256+signal if
killed, 127 with a warning if it could not start); ``background`` stores the
child's pid in ``!``; ``pipeline`` connects the block and the rest of the
chain with a pipe (``!`` = the block's pid).
"""
from __future__ import annotations

import os

from . import proc
from .blocks import get_block, strictness
from .errors import fatal, syserr, usage, warn
from .options import OptionError, getopt, uint
from .runtime import Context, must_spawn, spawn_with

_DUP2 = os.POSIX_SPAWN_DUP2
_CLOSE = os.POSIX_SPAWN_CLOSE


def run_foreground(ctx: Context, block: list[str]) -> None:
    """Run block as a child, wait, and set ``?`` as foreground does."""
    if not block:
        ctx.env["?"] = "0"
        return
    try:
        pid = spawn_with(ctx, block, None)
    except OSError as e:
        warn(ctx.prog, f"unable to spawn {block[0]}: {os.strerror(e.errno or 0)}")
        ctx.env["?"] = "127"
        return
    ctx.env["?"] = str(proc.code_of(proc.wait_pid(pid)))


def foreground(ctx: Context, argv: list[str]) -> list[str]:
    block, i = get_block(argv, 1, "foreground", strictness(ctx.env))
    run_foreground(ctx, block)
    return argv[i:]


def _doublefork(ctx: Context, block: list[str], actions=None) -> int:
    """Run block as a grandchild; return its pid (read back through a pipe)."""
    r, w = os.pipe()
    mid = os.fork()
    if mid == 0:
        try:
            os.close(r)
            pid = must_spawn(ctx, block, actions)
            os.write(w, str(pid).encode())
            os._exit(0)
        except BaseException:
            os._exit(111)
    os.close(w)
    data = b""
    while True:
        chunk = os.read(r, 64)
        if not chunk:
            break
        data += chunk
    os.close(r)
    status = proc.wait_pid(mid)
    if not data:
        raise fatal(ctx.prog, proc.approx(status) or 111, "unable to doublefork")
    return int(data)


def background(ctx: Context, argv: list[str]) -> list[str]:
    try:
        opts, i = getopt(argv, "d")
    except OptionError:
        raise usage("background", "background [ -d ] { command... }") from None
    block, i = get_block(argv, i, "background", strictness(ctx.env))
    if not block:
        raise fatal("background", 100, "empty block")
    pid = _doublefork(ctx, block) if opts else must_spawn(ctx, block)
    ctx.env["!"] = str(pid)
    return argv[i:]


def pipeline(ctx: Context, argv: list[str]) -> list[str]:
    text = "pipeline [ -d ] [ -r | -w ] { command... } command..."
    try:
        opts, i = getopt(argv, "drw")
    except OptionError:
        raise usage("pipeline", text) from None
    double = writer_first = False
    for c, _ in opts:
        if c == "d":
            double = True
        else:
            writer_first = c == "w"
    block, i = get_block(argv, i, "pipeline", strictness(ctx.env))
    if not block:
        return argv[i:]
    r, w = os.pipe()
    theirs, mine = (r, w) if writer_first else (w, r)
    target = 0 if writer_first else 1
    actions = [(_DUP2, theirs, target), (_CLOSE, r), (_CLOSE, w)]
    pid = _doublefork(ctx, block, actions) if double else must_spawn(ctx, block, actions)
    os.dup2(mine, 1 - target)
    os.close(r)
    os.close(w)
    ctx.env["!"] = str(pid)
    return argv[i:]


def place(fd: int, target: int) -> None:
    """Make fd appear as target (inheritable), closing fd if it differs."""
    if fd == target:
        os.set_inheritable(fd, True)
    else:
        os.dup2(fd, target)
        os.close(fd)


def piperw(ctx: Context, argv: list[str]) -> list[str]:
    text = "piperw fdr fdw prog..."
    if len(argv) < 3:
        raise usage("piperw", text)
    fdr, fdw = uint(argv[1]), uint(argv[2])
    if fdr is None or fdw is None:
        raise usage("piperw", text)
    try:
        r, w = os.pipe()
        if w == fdr:
            w2 = os.dup(w)
            os.close(w)
            w = w2
        place(r, fdr)
        place(w, fdw)
    except OSError as e:
        raise syserr("piperw", "unable to create pipe", e) from None
    return argv[3:]


def heredoc(ctx: Context, argv: list[str]) -> list[str]:
    text = "heredoc [ -d ] fd string command..."
    try:
        _opts, i = getopt(argv, "d")
    except OptionError:
        raise usage("heredoc", text) from None
    if len(argv) - i < 2:
        raise usage("heredoc", text)
    fd = uint(argv[i])
    if fd is None:
        raise usage("heredoc", text)
    data = os.fsencode(argv[i + 1])
    r, w = os.pipe()
    if len(data) <= 65536:  # fits in the pipe: no writer process needed
        os.set_blocking(w, False)
        try:
            written = os.write(w, data) if data else 0
        except BlockingIOError:
            written = 0
        data = data[written:]
    if data:
        pid = os.fork()
        if pid == 0:
            os.close(r)
            os.set_blocking(w, True)
            try:
                while data:
                    data = data[os.write(w, data):]
            except OSError:
                pass
            os._exit(0)
    os.close(w)
    place(r, fd)
    return argv[i + 2:]
