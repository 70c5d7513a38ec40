"""``python3 -m syslogd``: s6-socklog.

Start-up order follows the real program, because the order decides which
error a bad invocation reports: options (usage errors, ``-U`` variables),
the notification fd, stdout, then bind, drop privileges, signal set-up,
readiness, serve.  Exit codes: 0 after SIGTERM, 99 when the lameduck
timeout expired, 100 usage, 111 system call failures.
"""

from __future__ import annotations

import os
import sys

from .cmdline import PROG, USAGE, StartupError, UsageError, parse_args
from .diag import fatal, oserror_text, usage


def _fd_open(fd: int) -> bool:
    try:
        os.get_inheritable(fd)
    except OSError:
        return False
    return True


def main(argv: list[str] | None = None) -> int:
    if argv is None:
        argv = sys.argv[1:]
    if not _fd_open(2):
        return 100
    try:
        opts = parse_args(argv, os.environ)
    except UsageError:
        usage(PROG, USAGE)
        return 100
    except StartupError as e:
        fatal(PROG, e.msg)
        return e.code
    if opts.notif is not None and not _fd_open(opts.notif):
        fatal(PROG, "invalid notification fd: " + os.strerror(9))
        return 100
    try:
        os.close(0)
    except OSError:
        pass
    if not _fd_open(1):
        fatal(PROG, "invalid stdout: " + os.strerror(9))
        return 100

    from .datagram import make_formatter
    from .listen import BindError, bind_udp, bind_unix
    from .privs import PrivilegeError, drop_privileges
    from .server import LameduckExpired, OutputError, RecvError, Server

    dgram = stream = None
    try:
        if opts.udp is not None:
            dgram = bind_udp(*opts.udp)
        else:
            dgram, _lock = bind_unix(opts.unix_path)
        if opts.stream_path is not None:
            stream, _slock = bind_unix(opts.stream_path, stream=True)
    except BindError as e:
        fatal(PROG, e.msg)
        return 111
    try:
        drop_privileges(opts.uid, opts.gid, opts.gids)
    except PrivilegeError as e:
        fatal(PROG, "unable to %s: %s" % (e.what, oserror_text(e.err)))
        return 111

    fmt = make_formatter(opts.linelen, opts.raw)
    counting = None
    if os.environ.get("S6PY_COUNTERS", "") not in ("", "0"):
        from syslogd.counting import Counting  # S6PY_COUNTERS only

        fmt = counting = Counting(fmt, opts.linelen)
    server = Server(fmt, opts.linelen,
                    dgram=dgram, udp=opts.udp is not None, stream=stream,
                    lameduck_ms=opts.lameduck)
    if counting is not None:
        server.tick = counting.tick
    server.install_signals()
    notif = opts.notif

    def ready() -> None:
        if notif is not None:
            try:
                os.write(notif, b"\n")
            except OSError:
                pass
            os.close(notif)

    try:
        server.run(ready)
    except LameduckExpired:
        return 99
    except OutputError as e:
        fatal(PROG, "unable to write to stdout: " + oserror_text(e.err))
        return 111
    except RecvError as e:
        fatal(PROG, "unable to recv: " + oserror_text(e.err))
        return 111
    finally:
        if counting is not None:
            counting.tick(force=True, state="exited")
    return 0


if __name__ == "__main__":
    code = main()
    # no interpreter tear-down work: everything is flushed
    sys.stdout = None
    os._exit(code)
