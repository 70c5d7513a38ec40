"""Booting the example under ``s6py sandbox`` and stopping it as ``docker stop`` does.

The one part of the demo that runs the container: it starts the sandbox
runner in its own session (a ^C is ours to turn into a stop, and the
runner gets a SIGTERM if we die), relays its stdout and stderr line by
line as they come, sends SIGTERM once the CMD says it waits (or the
timeout passes), and returns what happened as a ``Session`` for
``rules.checks`` and ``rules.explain`` to judge.
"""
from __future__ import annotations

import os
import selectors
import signal
import subprocess
import sys
import time
from typing import NamedTuple

from overlays.demo.rules import PROG, STOP_TIMEOUT, Say, cmd_exit


class Session(NamedTuple):
    """One run of the container, as seen from outside it."""

    code: int
    cmd_code: int | None
    stdout: list[str]
    stderr: list[str]
    waited: bool  # the CMD said it waits for docker stop (else --timeout stopped it)


def _runner_env() -> dict[str, str]:
    from overlays import build as ob

    env = dict(os.environ)
    env["PYTHONPATH"] = ob.REPO + (":" + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    return env


def _from_cmd(text: str) -> bool:
    """A line of the demo's own CMD (overlays/demo/app/cmd.py): its report's form."""
    return text.startswith(("CMD: ", "== ", "   ", "     PID "))


def boot_and_stop(argv: list[str], say: Say, timeout: float, workdir: str) -> Session:
    """Run the sandbox, show its output as it comes, ``docker stop`` it once the CMD waits."""
    from init.sandbox.syscalls import set_pdeathsig
    from overlays.demo.app.cmd import WAITING

    # its own session: a ^C at the terminal is ours to turn into a stop; and if
    # this process dies, the runner gets the SIGTERM of a docker stop
    proc = subprocess.Popen([sys.executable, "-m", "init.sandbox"] + argv,
                            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, env=_runner_env(), cwd=workdir,
                            start_new_session=True,
                            preexec_fn=lambda: set_pdeathsig(signal.SIGTERM))
    sel = selectors.DefaultSelector()
    bufs = {proc.stdout: b"", proc.stderr: b""}
    for f in bufs:
        os.set_blocking(f.fileno(), False)
        sel.register(f, selectors.EVENT_READ)
    out: list[str] = []
    err: list[str] = []
    cmd_code = None
    waited = False
    stop_at: float | None = None
    deadline = time.monotonic() + timeout

    def stop(why: str) -> None:
        nonlocal stop_at
        if stop_at is None:
            say(f"== stopping ({why})")
            stop_at = time.monotonic()
            proc.send_signal(signal.SIGTERM)

    def line(f, text: str) -> None:
        nonlocal cmd_code, waited
        # with S6_LOGGING=1 the CMD's output reaches the console through the
        # catch-all's copy on stderr, as with s6-overlay 3.2.3.2: it is the
        # CMD's all the same (what it prints is told apart by its form)
        if f is proc.stderr and not _from_cmd(text):
            err.append(text)
            say(f"   | {text}")
            return
        out.append(text)
        if text.startswith("CMD: "):
            say(f"   {text}")
            cmd_code = cmd_exit(text) if cmd_code is None else cmd_code
        else:
            say(text)
        if text.startswith(WAITING):
            waited = True
            stop("docker stop: SIGTERM to the container's runner, forwarded to PID 1")

    try:
        while bufs:
            now = time.monotonic()
            if stop_at is None and now > deadline:
                say(f"{PROG}: warning: the CMD did not reach its wait in {timeout:g} s")
                stop("--timeout: SIGTERM to the container")
            if stop_at is not None and now > stop_at + STOP_TIMEOUT + 5:
                proc.kill()  # the runner should have SIGKILLed it by now
            for key, _ in sel.select(0.5):
                f = key.fileobj
                data = os.read(f.fileno(), 65536)
                if not data:
                    sel.unregister(f)
                    if bufs[f]:
                        line(f, bufs[f].decode(errors="replace"))
                    del bufs[f]
                    continue
                *whole, bufs[f] = (bufs[f] + data).split(b"\n")
                for raw in whole:
                    line(f, raw.decode(errors="replace"))
        code = proc.wait()
    except BaseException:
        if proc.poll() is None:  # ^C or a bug: stop the container as docker would, then kill
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        raise
    finally:
        sel.close()
        proc.stdout.close()
        proc.stderr.close()
    return Session(code, cmd_code, out, err, waited)
