"""The chain loop: run an argv in this process, command after command.

Each execline command (and each s6 helper of the table) is a function
``run(ctx, argv) -> next argv``: it does its job on the process state (the
environment dict, fds, cwd, umask, ids) and returns the rest of the command
line, exactly what the real program would exec into.  Only a name that is not
in the table is exec'd.  A block that must run as a child (``foreground``,
``if``...) is spawned with posix_spawn when it starts with an external
program, or forked when it starts with an in-process command, so no new
Python interpreter is ever started for an execline command.
"""
from __future__ import annotations

import os

from . import proc
from .errors import Exit, fatal
from .table import COMMANDS, INPROCESS_DIRS

_loaded: dict[str, object] = {}


class Context:
    """The process state a chain carries: environment and current program name.

    ``path`` is the PATH in force when the current command started: execline
    programs look the next program up with their own PATH, so ``export PATH
    /x prog`` still finds prog in the old PATH, as the real one does.
    """

    __slots__ = ("env", "prog", "path")

    def __init__(self, env: dict[str, str], prog: str = "execlineb") -> None:
        self.env = env
        self.prog = prog
        self.path = env.get("PATH")

    def child(self) -> Context:
        c = Context(dict(self.env), self.prog)
        c.path = self.path
        return c


def lookup(name: str):
    """The in-process implementation of a command name, or None."""
    if "/" in name:
        d, _, base = name.rpartition("/")
        if d not in INPROCESS_DIRS:
            return None
        name = base
    target = COMMANDS.get(name)
    if target is None:
        return None
    fn = _loaded.get(target)
    if fn is None:
        mod, _, attr = target.partition(":")
        module = __import__("init.execline." + mod, fromlist=[attr])
        fn = getattr(module, attr)
        _loaded[target] = fn
    return fn


def run_chain(ctx: Context, argv: list[str]) -> Exit:
    """Run argv until it execs or exits; return the Exit to leave with."""
    try:
        while argv:
            fn = lookup(argv[0])
            if fn is None:
                proc.execute(ctx.prog, argv, ctx.env, ctx.path)
            ctx.prog = argv[0].rpartition("/")[2]
            ctx.path = ctx.env.get("PATH")
            argv = fn(ctx, argv)
        return Exit(0)
    except Exit as e:
        return e


def finish(e: Exit) -> None:
    """Leave the process with e's code, skipping interpreter teardown."""
    os._exit(e.code & 0xFF if e.code >= 0 else 111)


def spawn(ctx: Context, argv: list[str], setup=None, pgroup: int | None = None) -> int:
    """Start argv as a child running on its own; return its pid.

    setup(child_ctx) runs in a forked child before the chain (fd plumbing);
    for an external program it must be expressed as posix_spawn file actions
    instead, so callers give both: see spawn_with.
    Raises OSError when an external program cannot be started.
    """
    return spawn_with(ctx, argv, None, setup, pgroup)


def spawn_with(ctx: Context, argv: list[str], actions: list[tuple] | None,
               setup=None, pgroup: int | None = None) -> int:
    """Spawn argv with posix_spawn file actions (external) or a setup hook (fork)."""
    if not argv:
        argv = []
    if argv and lookup(argv[0]) is None and not proc.bad_env(ctx.env):
        return proc.spawn_external(argv, ctx.env, ctx.path, actions, pgroup)
    pid = os.fork()
    if pid:
        return pid
    try:
        proc.reset_signals()
        if pgroup is not None:
            os.setpgid(0, pgroup)
        apply_actions(actions or ())
        if setup is not None:
            setup()
        finish(run_chain(ctx.child(), argv))
    except BaseException:  # pragma: no cover - never unwind into the parent's code
        finish(Exit(111))
    raise AssertionError("unreachable")


def apply_actions(actions) -> None:
    """Perform posix_spawn-style file actions in this (forked) process."""
    for act in actions:
        if act[0] == os.POSIX_SPAWN_DUP2:
            if act[1] == act[2]:
                os.set_inheritable(act[1], True)
            else:
                os.dup2(act[1], act[2])
        elif act[0] == os.POSIX_SPAWN_CLOSE:
            try:
                os.close(act[1])
            except OSError:
                pass


def must_spawn(ctx: Context, argv: list[str], actions: list[tuple] | None = None,
               setup=None) -> int:
    """spawn_with, dying ``PROG: fatal: unable to spawn X`` (111) on failure."""
    try:
        return spawn_with(ctx, argv, actions, setup)
    except OSError as e:
        raise fatal(ctx.prog, 111, f"unable to spawn {argv[0]}: {os.strerror(e.errno or 0)}") from None
