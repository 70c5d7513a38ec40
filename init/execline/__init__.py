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

Known differences from execline 2.9.3 / s6 2.11 (all else is pinned by the
differential tests in tests/init/execline against Debian's programs)
----------------------------------------------------------------------
* A name of the table (or ``/command/NAME``) runs in-process even if PATH
  holds another program of that name first.  Other names, including execline
  commands we do not implement (``case``, ``envfile``, ``runblock``,
  ``homeof``, ``posix-cd``, ``posix-umask``), are exec'd from PATH like any
  program: 127 ``unable to exec`` when absent, never silently skipped.
* Everything we exec gets an empty signal mask and default SIGPIPE/SIGXFSZ
  (the real programs keep an inherited mask); children of a forked
  in-process block also lose the glibc-internal ignored signals 32/33 that
  posix_spawn leaves behind.
* eltest's ``=~`` uses logd.ere (glibc's ERE dialect, without REG_NEWLINE,
  decided by its automaton), but a pattern with back-references is matched
  with REG_NEWLINE's meaning (``.`` does not match a newline inside an
  argument), glibc's own quirk of taking the position after a newline matched
  by ``.`` or a bracket as a line start (``.^`` selects a newline without
  REG_NEWLINE) is not copied, and a bad regex gets a generic message.
* ``importas -S VAR`` (execline 2.9.6+) is accepted.
* ``s6-seq`` with a step of 0 is a usage error (the real one loops forever).
* s6-notifyoncheck's poller stops when the daemon it watches has gone (its
  parent changed) instead of listening for s6-supervise's ``d`` event.

The s6-portable-utils and s6-overlay's helper scripts are compared with
skarnet's 2.3.1.2 release and s6-overlay 3.2.3.2 built from source, live
or through the recordings of tests/init/execline (el_record).

Process hygiene: every exec'd or spawned program gets default SIGPIPE/SIGXFSZ,
an empty signal mask, only the fds meant for it, and not the ``LC_CTYPE``
that CPython's locale coercion may add.  This package imports nothing at
import time; rarely used commands are imported only when a chain reaches them.
"""
