"""The runner: check, fork the keeper, relay signals, wait, pass the exit code through.

Processes: runner (this one, untouched: its namespaces never change, so the
API can be called from a long-lived program) -> keeper (``unshare``s the
namespaces, forks PID 1, reaps it and exits with its status, 128+n for a
signal) -> PID 1 (``setup.pid1``).  A close-on-exec pipe carries
``pid N`` from the keeper and ``CODE TEXT`` errors from either; its EOF
means the entrypoint was exec'd (or everything failed).

The keeper leaves the runner's process group, so a terminal's ^C reaches
PID 1 once (through the runner), not twice.  If the runner dies, the keeper
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
from init.sandbox.setup import pid1
from init.sandbox.spec import Config, SpecError

STOP = (signal.SIGTERM, signal.SIGINT)
FORWARD = (signal.SIGHUP, signal.SIGQUIT, signal.SIGUSR1, signal.SIGUSR2, signal.SIGWINCH)


def _keeper(p: Prepared, w: int, parent: int) -> None:
    """Never returns."""
    child = 0

    def runner_died(_sig, _frame) -> None:
        if child:
            os.kill(child, signal.SIGKILL)
        else:
            os._exit(125)

    try:
        os.setpgid(0, 0)
        signal.signal(signal.SIGTERM, runner_died)
        for s in STOP[1:] + FORWARD:
            signal.signal(s, signal.SIG_IGN)
        signal.signal(signal.SIGALRM, signal.SIG_DFL)
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
            pid1(p, w)
        os.write(w, f"pid {child}\n".encode())
        os.close(w)
        _, status = os.waitpid(child, 0)
        code = os.waitstatus_to_exitcode(status)
        os._exit(128 - code if code < 0 else code)
    except BaseException:  # noqa: BLE001 - a forked child must never return to the caller
        os._exit(125)


class Relay:
    """The runner's signal handling: forward to PID 1; a stop also arms the SIGKILL timer."""

    def __init__(self, stop_timeout: float) -> None:
        self.pid = 0
        self.keeper = 0
        self.pending: list[int] = []
        self.stop_timeout = stop_timeout
        self.stopping = False
        self.saved: dict[int, object] = {}

    def install(self) -> None:
        for s in STOP + FORWARD + (signal.SIGALRM,):
            self.saved[s] = signal.signal(s, self.handle)

    def restore(self) -> None:
        signal.setitimer(signal.ITIMER_REAL, 0)
        for s, h in self.saved.items():
            signal.signal(s, h)  # type: ignore[arg-type]

    def handle(self, sig: int, _frame=None) -> None:
        if sig == signal.SIGALRM:
            sig = signal.SIGKILL
        elif sig in STOP and not self.stopping:
            self.stopping = True
            signal.setitimer(signal.ITIMER_REAL, max(self.stop_timeout, 0.001))
        # PID 1 not reported yet at the deadline: kill the keeper, whose death kills PID 1
        # (PR_SET_PDEATHSIG) or leaves it never started
        target = self.pid or (self.keeper if sig == signal.SIGKILL else 0)
        if target:
            try:
                os.kill(target, sig)
            except ProcessLookupError:
                pass
        else:
            self.pending.append(sig)

    def started(self, pid: int) -> None:
        self.pid = pid
        pending, self.pending = self.pending, []
        for sig in pending:
            self.handle(sig)


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
        errors = _read_messages(r, relay)
        _, status = os.waitpid(keeper, 0)
    finally:
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


def _read_messages(r: int, relay: Relay) -> list[tuple[int, str]]:
    """Until EOF: ``pid N`` starts the relay, ``CODE TEXT`` lines are errors."""
    buf, errors = b"", []
    with os.fdopen(r, "rb", buffering=0) as f:
        while True:
            chunk = f.read(4096)
            buf += chunk
            *lines, buf = buf.split(b"\n")
            if not chunk:
                lines.append(buf)
            for line in lines:
                word, _, rest = line.decode(errors="replace").partition(" ")
                if word == "pid":
                    relay.started(int(rest))
                elif word.isdigit():
                    errors.append((int(word), rest))
            if not chunk:
                return errors


def fatal(text: str) -> int:
    sys.stderr.write(f"s6py sandbox: fatal: {text}\n")
    return 125
