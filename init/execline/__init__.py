"""execline for s6py: execlineb and the commands s6-overlay scripts chain through.

Entry points
------------
``python3 -m init.execline ARGS``
    execlineb's exact command line: ``[-q|-w|-W] [-p|-P|-S n|-s n]
    (-c script | scriptfile) [args...]``.  The script becomes one argv which
    runs in this process: every execline command and s6 helper listed in
    ``table.COMMANDS`` is a Python function that does its job and hands the
    rest of the command line to the next one; only other programs are exec'd
    (found in PATH, as execlineb does).  Blocks that must run as children are
    spawned (posix_spawn for external programs, fork for in-process ones).

``python3 -m init.execline.multicall NAME ARGS...``
    Runs command NAME of the table as the standalone program would, then
    continues its chain.  The overlay build reads ``table.COMMANDS`` (pure
    data) and writes one thin ``/command/NAME`` shim per entry calling this.

Environment
-----------
``S6PY_CONTAINER_ENV_DIR``
    Directory ``with-contenv`` loads (default ``/run/s6/container_environment``).
    Meant for tests; s6-overlay images never set it.

Process hygiene: every exec'd or spawned program gets default SIGPIPE/SIGXFSZ,
an empty signal mask, only the fds meant for it, and not the ``LC_CTYPE``
that CPython's locale coercion may add.  This package imports nothing at
import time; rarely used commands are imported only when a chain reaches them.
"""
