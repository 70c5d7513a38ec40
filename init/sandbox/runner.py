"""The runner: check, fork the keeper, relay signals, wait, pass the exit code through.

Processes: runner (this one, untouched: its namespaces never change, so the
API can be called from a long-lived program) -> keeper (``unshare``s the
namespaces, forks PID 1, reaps it and exits with its status, 128+n for a
signal) -> PID 1 (``setup.pid1``).  A close-on-exec pipe carries
``pid N`` from the keeper and ``CODE TEXT`` errors from either; its EOF
means the entrypoint was exec'd (or everything failed).

The keeper leaves the runner's process group, so a terminal's ^C reaches
PID 1 once (through the runner), not twice.  Signal relaying and waiting:
``relay``.  If the runner dies, the keeper
gets SIGTERM (``PR_SET_PDEATHSIG``) and SIGKILLs PID 1, which takes the
whole PID namespace with it; only the (empty) state directory then remains,
since the runner is the one that removes it (PID 1's ``pivot_root`` moved the
keeper into the container's root too).
"""
from __future__ import annotations

import os
import shutil
import signal
import sys

from init.sandbox import syscalls as sc
from init.sandbox.prepare import Prepared, prepare
from init.sandbox.relay import FORWARD, STOP, Relay, wait
from init.sandbox.setup import pid1
from init.sandbox.spec import Config, SpecError


def _keeper(p: Prepared, w: int, parent: int) -> None:
    """Never returns.  Waits with sigwaitinfo, which has no window for a lost signal:
    SIGTERM (the runner died: PR_SET_PDEATHSIG) kills PID 1, SIGCHLD reaps it."""
    try:
        os.setpgid(0, 0)
        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGTERM, signal.SIGCHLD})
        for s in STOP + FORWARD + (signal.SIGALRM,):
            if s != signal.SIGTERM:
                signal.signal(s, signal.SIG_IGN)
        signal.set_wakeup_fd(-1)
        sc.set_pdeathsig(signal.SIGTERM)
        if os.getppid() != parent:
            os._exit(125)
        flags = sc.CLONE_NEWNS | sc.CLONE_NEWPID | sc.CLONE_NEWUTS | sc.CLONE_NEWIPC
        if p.network == "none":
            flags |= sc.CLONE_NEWNET
        try:
            sc.unshare(flags)
        except OSError as e:
            os.write(w, f"125 cannot create namespaces: {e.strerror} (the kernel lacks them, or a "
                        "seccomp/LSM policy forbids them; in Docker: --privileged)\n".encode())
            os._exit(125)
        child = os.fork()
        if child == 0:
            pid1(p, w)  # unblocks every signal first
        os.write(w, f"pid {child}\n".encode())
        os.close(w)
        while True:
            done, status = os.waitpid(child, os.WNOHANG)
            if done:
                break
            if signal.sigwaitinfo({signal.SIGTERM, signal.SIGCHLD}).si_signo == signal.SIGTERM:
                os.kill(child, signal.SIGKILL)
        code = os.waitstatus_to_exitcode(status)
        os._exit(128 - code if code < 0 else code)
    except BaseException:  # noqa: BLE001 - a forked child must never return to the caller
        os._exit(125)


def run(cfg: Config) -> int:
    """Run the sandbox to its end; the exit code to pass on (125 with a message for our errors)."""
    try:
        p = prepare(cfg)
    except SpecError as e:
        return fatal(str(e))
    relay = Relay(cfg.stop_timeout)
    r, w = os.pipe2(os.O_CLOEXEC)
    relay.install()
    try:
        keeper = os.fork()
        if keeper == 0:
            os.close(r)
            _keeper(p, w, os.getppid())
        relay.keeper = keeper
        os.close(w)
        status, errors = wait(keeper, r, relay)
    finally:
        os.close(r)
        relay.restore()
        if not cfg.keep:
            shutil.rmtree(p.state, ignore_errors=True)
    code = os.waitstatus_to_exitcode(status)
    code = 128 - code if code < 0 else code
    for err_code, text in errors:
        if err_code == 125:
            return fatal(text)
        sys.stderr.write(f"s6py sandbox: {text}\n")
    if cfg.keep:
        sys.stderr.write(f"s6py sandbox: kept {p.state} (upper/ holds the changes)\n")
    return code


def fatal(text: str) -> int:
    sys.stderr.write(f"s6py sandbox: fatal: {text}\n")
    return 125
