"""The demo's decisions, apart from doing them: what is missing, which command, what it means.

Everything here is a function of its arguments (no files, no processes),
so the demo's judgement can be tested without root or a container:
``missing`` names what a machine lacks, ``sandbox_argv`` is the
``docker run`` of the example, ``cmd_exit``/``explain``/``checks`` read
the container's exit and output, ``summary`` lays out the image's table.
The names shared by the other modules (``PROG``, ``STOP_TIMEOUT``,
``Failure``, ``Say``) live here because every one of them needs them.
"""
from __future__ import annotations

import os
import re
from typing import TYPE_CHECKING, Callable

from overlays.demo import example

if TYPE_CHECKING:  # a type only: rules stay free of the runner's imports
    from overlays.demo.container import Session

PROG = "s6py demo"
CONTAINER_PATH = ("/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin")
STOP_TIMEOUT = 10.0
EXIT_RE = re.compile(r"^CMD: SIGTERM received: .*; exiting (\d+)$")
PID1_RE = re.compile(r"^\s+1\s+\S+\s+/init(\s|$)")

Say = Callable[[str], None]


class Failure(Exception):
    """The demo cannot run here: (message, exit code)."""

    def __init__(self, message: str, code: int = 111) -> None:
        super().__init__(message)
        self.code = code


def missing(euid: int, filesystems: str, have: Callable[[str], bool],
            python: str | None, overlay_module: bool = False) -> list[str]:
    """What this machine lacks for the demo, one phrase each (empty: nothing).

    overlay_module: an overlay kernel module is installed; the kernel loads it
    at the first overlayfs mount, so an absent /proc/filesystems entry is fine."""
    out = []
    if euid != 0:
        out.append("root (the sandbox creates namespaces and mounts overlayfs)")
    if not overlay_module and not any(ln.split()[-1:] == ["overlay"]
                                      for ln in filesystems.splitlines()):
        out.append("overlayfs in the kernel (no 'overlay' in /proc/filesystems; "
                   "try modprobe overlay)")
    for prog in ("tar", "xz"):
        if not have(prog):
            out.append(f"{prog} (the tarballs are extracted with tar -xJpf)")
    if python is None:
        out.append("python3 in the base image (the host's /: " + ", ".join(
            os.path.join(d, "python3") for d in CONTAINER_PATH[:4]) + ")")
    return out


def sandbox_argv(overlay: str, layer: str, logs: str, uncaught: str) -> list[str]:
    """The ``s6py sandbox`` command line booting the example (without the interpreter)."""
    argv = ["/", "--layer", overlay, "--layer", layer, "--hostname", example.HOSTNAME,
            "--network", "none", "--stop-timeout", str(int(STOP_TIMEOUT)),
            "-v", f"{logs}:/var/log", "-v", f"{uncaught}:/run/uncaught-logs"]
    for k, v in example.ENV.items():
        argv += ["-e", f"{k}={v}"]
    return argv + ["--"] + list(example.CMD)


def explain(code: int, cmd_code: int | None) -> str:
    """What a container exit code after ``docker stop`` means, in a sentence or two."""
    if cmd_code is not None and code == cmd_code:
        return (f"the CMD's own: S6_CMD_RECEIVE_SIGNALS=1 made /init pass docker stop's "
                f"SIGTERM to the CMD, which exited {code} ({'all its checks passed' if code == 0 else 'a check failed'}), "
                "and the container exits with the CMD's code. Without S6_CMD_RECEIVE_SIGNALS, "
                "docker stop gives the exitcode file's value instead (0 unless a finish "
                "script writes one).")
    if code == 137:
        return f"SIGKILLed after --stop-timeout {int(STOP_TIMEOUT)}: the container did not stop"
    if code == 125:
        return "the sandbox itself failed (see its message above)"
    if cmd_code is None:
        return "the CMD never reported its exit code"
    return f"not the CMD's {cmd_code}: something else decided it (see above)"


def summary(items: list[tuple[str, str]], width: int = 40) -> list[str]:
    """Two columns; a path longer than the first one gets its own line."""
    out = []
    for path, what in items:
        if len(path) > width:
            out += [f"   {path}", f"   {'':<{width}}  {what}"]
        else:
            out.append(f"   {path:<{width}}  {what}")
    return out


def cmd_exit(line: str) -> int | None:
    """The code in the CMD's last word (``...; exiting N``), None for any other line."""
    m = EXIT_RE.match(line.strip())
    return int(m.group(1)) if m else None


def checks(session: Session) -> list[str]:
    """What went wrong in the container's run, judged from its exit and stdout alone."""
    problems = []
    if not session.waited:
        problems.append("the CMD never said it waits for docker stop")
    if not any(PID1_RE.match(ln) for ln in session.stdout):
        problems.append("the process tree does not show /init as PID 1")
    if session.cmd_code is None:
        problems.append("the CMD did not report its exit code")
    elif session.code != session.cmd_code:
        problems.append(f"exit code {session.code}, but the CMD exited {session.cmd_code}")
    elif session.code != 0:
        problems.append(f"the CMD's checks failed (exit code {session.code})")
    return problems
