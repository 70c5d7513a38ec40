"""cont-init and cont-finish: run ``cont-init.d`` / ``cont-finish.d`` in order (init.md §13).

cont-init runs every script, even after failures, and reports each exit
status; failures count only with S6_BEHAVIOUR_IF_STAGE2_FAILS (1: warn,
2: exit 1, which stops what depends on ``base``).  cont-finish bounds each
script by S6_KILL_FINISH_MAXTIME (default 5000 ms, DECISIONS #5; 0: no
limit), SIGKILLs it after that, and always succeeds.

A script is exec'd as it is: ``#!`` lines are honoured, an executable
without one is run by /bin/sh (as the shell does), a non-executable one
fails with 126, a missing one with 127.
"""
from __future__ import annotations

import errno
import os
import signal

from init import spawn
from init.helpers.waitchild import kill_and_reap, wait
from init.legacy import common
from init.pid1.exitcode import shell_status


def run_script(path: str, say: common.Say, timeout_ms: int = 0) -> int:
    """The shell status of one script (killed after timeout_ms if nonzero)."""
    try:
        pid = spawn.spawn([path], new_session=False)
    except OSError as e:
        if e.errno == errno.ENOEXEC:
            try:
                pid = spawn.spawn(["/bin/sh", path], new_session=False)
            except OSError as e2:
                say.raw(f"{say.prog}: warning: unable to run {path}: {e2.strerror}")
                return 127
        else:
            say.raw(f"{say.prog}: warning: unable to run {path}: {e.strerror}")
            return 127 if e.errno in (errno.ENOENT, errno.ENOTDIR) else 126
    status = wait(pid, timeout_ms / 1000 if timeout_ms else None)
    if status is None:
        status = kill_and_reap(pid, signal.SIGKILL)
    return shell_status(status)


def cont_init(argv: list[str]) -> int:
    say = common.Say("cont-init", common.v())
    d = os.path.join(common.etc(), "cont-init.d")
    failed = False
    for name in common.listing(d):
        path = os.path.join(d, name)
        say.info(f"running {path}")
        r = run_script(path, say)
        say.info(f"{path} exited {r}")
        failed = failed or r != 0
    return common.verdict(failed, say, "some scripts exited nonzero")


def cont_finish(argv: list[str]) -> int:
    say = common.Say("cont-finish", common.v())
    d = os.path.join(common.etc(), "cont-finish.d")
    limit = common.ms("S6_KILL_FINISH_MAXTIME", 5000)
    for name in common.listing(d):
        path = os.path.join(d, name)
        say.info(f"running {path}")
        run_script(path, say, limit)
    return 0
