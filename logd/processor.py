"""Start a logdir's processor, as s6-log's rotation step 5b does.

The child runs in the logdir with ``previous`` on stdin, ``processed``
on stdout, ``state`` on fd 4 and ``newstate`` on fd 5 (always: s6 2.11
sometimes loses fd 5, DECISIONS.md #18), stderr shared with the logger.
``!TEXT`` runs ``execlineb -Pc TEXT``, ``?TEXT`` runs ``/bin/sh -c TEXT``.
A failure in the child is reported the way s6-log's child reports it and
counts as a processor failure (the logger retries).

fork() rather than subprocess: the logger is single-threaded, the child
needs a chdir and a precise fd layout, and importing subprocess would
cost every logger start-up time it rarely needs.
"""
from __future__ import annotations

import fcntl
import os
import sys

from logd.childproc import reset_signals


def processor_argv(kind: str, text: str) -> list[str]:
    """execlineb from PATH (or the overlay's /command), else ours.

    A logger started by logutil-service has an empty environment, so PATH
    may not lead anywhere; and under the overlay's ``python3 -I -S`` shims
    ``-m init.execline`` would not find our packages: the fallback puts
    this logger's own import root on the path.
    """
    if kind == "?":
        return ["/bin/sh", "-c", text]
    import shutil

    execlineb = shutil.which("execlineb")
    if not execlineb and os.access("/command/execlineb", os.X_OK):
        execlineb = "/command/execlineb"
    if execlineb:
        return [execlineb, "-Pc", text]
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    code = ("import sys; sys.path.insert(0, %r); "
            "from init.execline.execlineb import main; main(sys.argv[1:])" % root)
    return [sys.executable, "-S", "-c", code, "-Pc", text]


def spawn(logdir: str, kind: str, text: str) -> int:
    """Fork the processor for ``logdir`` (the path as written); return its pid."""
    argv = processor_argv(kind, text)
    pid = os.fork()
    if pid:
        return pid
    try:  # the child: never return into the logger's code
        _child(logdir, argv)
    finally:
        os._exit(111)


def _child(logdir: str, argv: list[str]) -> None:
    reset_signals()
    what = f"chdir to {logdir}"
    try:
        os.chdir(logdir)
        layout = []
        for name, flags, target, op in (
            ("previous", os.O_RDONLY, 0, "open_readb"),
            ("processed", os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 1, "open_trunc"),
            ("state", os.O_RDONLY, 4, "open_readb"),
            ("newstate", os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 5, "open_trunc"),
        ):
            what = f"{op} {logdir}/{name}"
            fd = os.open(name, flags, 0o666)
            high = fcntl.fcntl(fd, fcntl.F_DUPFD_CLOEXEC, 10)
            os.close(fd)
            layout.append((high, target))
        what = "set up file descriptors"
        for high, target in layout:
            os.dup2(high, target)
        what = f"exec {argv[0]}"
        os.execv(argv[0], argv)
    except OSError as e:
        msg = f"s6-log (processor child): fatal: unable to {what}: {os.strerror(e.errno or 0)}\n"
        try:
            os.write(2, msg.encode("utf-8", "surrogateescape"))
        except OSError:
            pass
