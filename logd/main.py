"""logd's program: s6-log's command line, set-up order and exit codes.

Order matters and is s6-log's: options, the readiness fd check, the
script's first pass (nothing touched yet), the second pass (logdirs set
up as their words are reached), signals, readiness, then the loop.
Exit codes: 0 normal end, 100 usage or script error, 111 set-up failure.
"""
from __future__ import annotations

import fcntl
import os

from logd import sig as signal
from logd.childproc import undo_locale_coercion
from logd.messages import EXIT_USAGE, PROG, USAGE, Fatal, Reporter, emit
from logd.options import UsageError, parse_args
from logd.script import ScriptError, check_first_pass, compile_script


def main(args: list[str]) -> int:
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    undo_locale_coercion()
    try:
        opts = parse_args(args)
    except UsageError:
        emit(f"{PROG}: usage: {USAGE}")
        return EXIT_USAGE
    try:
        return _run(opts)
    except ScriptError as e:
        emit(f"{PROG}: fatal: {e}")
        return EXIT_USAGE
    except Fatal as e:
        emit(f"{PROG}: fatal: {e.text}")
        return e.code


def _run(opts) -> int:
    if opts.notif is not None:
        if opts.notif < 3:
            raise Fatal("notification fd must be 3 or more", EXIT_USAGE)
        try:
            fcntl.fcntl(opts.notif, fcntl.F_GETFD)
        except OSError as e:
            raise Fatal(f"invalid notification fd: {os.strerror(e.errno)}", EXIT_USAGE) from None
    reporter = Reporter(opts.verbosity)
    keep, extraneous = check_first_pass(opts.script)
    if extraneous:
        reporter.warn("ignoring extraneous non-action directives")

    from logd.logdir import Env, Logdir

    def compile_ere(raw: bytes):
        from logd.ere import compile_matcher  # only scripts with regexes pay for it
        matcher = compile_matcher(raw)
        matcher.warn = reporter.warn
        return matcher

    umask = os.umask(0)
    os.umask(umask)
    env = Env(reporter, umask)
    logdirs: list[Logdir] = []

    def open_logdir(path: str, ctl) -> Logdir:
        ld = Logdir(path, ctl, env)
        logdirs.append(ld)
        ld.setup()
        return ld

    script = compile_script(opts.script, compile_ere, open_logdir)  # %join may trail

    from logd.dispatch import Dispatcher
    from logd.loop import Logger
    from logd.outputs import Forwarder

    forwarder = Forwarder(reporter)
    logger = Logger(Dispatcher(script, forwarder, reporter), logdirs, forwarder, reporter,
                    blocking=opts.blocking, protect=opts.protect, linelimit=opts.linelimit,
                    lastlinetimeout=opts.lastlinetimeout, join=script.join)
    if os.environ.get("S6PY_COUNTERS", "") not in ("", "0"):
        from logd import counters  # json and all: only when asked for

        logger.counters = counters.Counters(logdirs)
    logger.trap_signals()
    # s6-log makes both non-blocking; the flag lives on the shared open file
    # description, so on stdout it is only set when logd writes there.
    for fd in (0, 1) if any(a.kind == "1" for a in script.actions) else (0,):
        try:
            os.set_blocking(fd, False)
        except OSError:
            pass
    if opts.notif is not None:
        try:
            os.write(opts.notif, b"\n")
        except OSError:
            pass
        os.close(opts.notif)
    return logger.run()
