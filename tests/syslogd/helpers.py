"""Shared helpers for the syslogd tests: start the programs, send, stop,
read logdirs.  The logger behind syslogd is a parameter: the environment
variable ``S6PY_SYSLOGD_LOGGER`` (a command line taking s6-log's
arguments), by default ``python3 -m logd`` when it works, else the real
``s6-log``."""

from __future__ import annotations

import functools
import os
import select
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
SHARED = REPO.parent / "shared"
OVERLAY = REPO / "overlays" / "syslogd"
SOCKLOG = [sys.executable, "-m", "syslogd"]
UCSPILOGD = [sys.executable, "-m", "syslogd.ucspilogd"]
REAL_SOCKLOG = shutil.which("s6-socklog")
REAL_UCSPILOGD = shutil.which("ucspilogd")
REAL_S6LOG = shutil.which("s6-log")
LOGGER = shutil.which("logger")
LOGDIRS = ["secure", "cron", "daemon", "debug", "errors", "kernel", "mail",
           "user", "messages", "everything"]


def env() -> dict[str, str]:
    """The environment for child programs: the repo importable."""
    e = dict(os.environ)
    e["PYTHONPATH"] = str(REPO) + (":" + e["PYTHONPATH"] if e.get("PYTHONPATH") else "")
    return e


@functools.cache
def logger_command() -> list[str]:
    """s6-log's stand-in for pipeline tests (see the module docstring)."""
    cmd = os.environ.get("S6PY_SYSLOGD_LOGGER")
    if cmd:
        return shlex.split(cmd)
    ours = [sys.executable, "-m", "logd"]
    try:
        p = subprocess.run(ours + ["1"], input=b"probe\n", capture_output=True,
                           timeout=20, env=env())
        if p.returncode == 0 and p.stdout == b"probe\n":
            return ours
    except (OSError, subprocess.TimeoutExpired):
        pass
    if REAL_S6LOG:
        return [REAL_S6LOG]
    return ours


def routing_script(base: str | os.PathLike, t_words: list[str]) -> list[str]:
    """The s6-log arguments of the overlay's syslogd-log/run, read from the
    file itself (execline unquoting of ``\\\\`` only: the script has no
    other quoting after ``s6-log``), with ``$T`` and ``${dir}`` replaced."""
    text = (OVERLAY / "etc/s6-overlay/s6-rc.d/syslogd-log/run").read_text()
    body = text.split("s6-log -d3 --", 1)[1]
    out: list[str] = []
    for word in body.split():
        if word == "$T":
            out.extend(t_words)
        else:
            out.append(word.replace("${dir}", str(base)).replace("\\\\", "\\"))
    return out


def prepare_logdirs(base: Path) -> None:
    base.mkdir()
    base.chmod(0o2755)
    for name in LOGDIRS:
        (base / name).mkdir()
        (base / name).chmod(0o2750 if name == "secure" else 0o2755)


def _wait_ready(rfd: int, proc: subprocess.Popen, timeout: float = 20.0) -> bytes:
    got = b""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        r, _, _ = select.select([rfd], [], [], 0.05)
        if r:
            b = os.read(rfd, 64)
            got += b
            if not b or b"\n" in got:
                break
        elif proc.poll() is not None:
            break
    os.close(rfd)
    return got


def spawn_notify(argv: list[str], **kw) -> tuple[subprocess.Popen, bytes]:
    """Start argv with ``-d FD`` appended after argv[0..] as the caller
    placed ``{fd}``; wait for the readiness newline."""
    r, w = os.pipe()
    argv = [a.replace("{fd}", str(w)) for a in argv]
    try:
        proc = subprocess.Popen(argv, pass_fds=(w,), env=kw.pop("env", env()),
                                start_new_session=True, **kw)
    finally:
        os.close(w)
    return proc, _wait_ready(r, proc)


class Socklog:
    """``python3 -m syslogd`` (or another command) on a socket in tmp,
    stdout collected in memory (or sent to ``stdout``)."""

    def __init__(self, tmp: Path, args: list[str] = (), cmd: list[str] | None = None,
                 stdout=None, path: Path | None = None) -> None:
        self.path = path or tmp / "log.sock"
        self.out_path = tmp / "socklog.out"
        self.err_path = tmp / "socklog.err"
        self._out = open(self.out_path, "wb") if stdout is None else None
        self._err = open(self.err_path, "wb")
        argv = list(cmd or SOCKLOG) + list(args) + ["-d{fd}", "-x", str(self.path)]
        self.proc, self.notification = spawn_notify(
            argv, stdin=subprocess.DEVNULL,
            stdout=self._out if stdout is None else stdout, stderr=self._err)
        self.client = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)

    def send(self, *dgrams: bytes) -> None:
        for d in dgrams:
            self.client.sendto(d, str(self.path))

    def stop(self, timeout: float = 20.0) -> int:
        """SIGTERM, wait, return the exit code."""
        self.client.close()
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        try:
            rc = self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.kill()
            raise
        for f in (self._out, self._err):
            if f:
                f.close()
        return rc

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()

    def output(self) -> bytes:
        return self.out_path.read_bytes()

    def lines(self) -> list[bytes]:
        return self.output().split(b"\n")[:-1]

    def stderr(self) -> bytes:
        return self.err_path.read_bytes()


def sync(sock: Socklog, marker: bytes = b"<191>sync-marker", timeout: float = 20.0) -> None:
    """Send a marker and wait until it shows in the collected output."""
    sock.send(marker)
    name = marker[5:]
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if name in sock.output():
            return
        time.sleep(0.01)
    raise AssertionError("sync marker never arrived")


class Pipeline:
    """syslogd | logger running the overlay's routing script, as the two
    longruns of the syslogd-overlay pipeline are joined by the supervisor."""

    def __init__(self, tmp: Path, t_words: list[str] | None = None,
                 socklog_args: list[str] = (), logger: list[str] | None = None) -> None:
        self.base = tmp / "syslogd"
        prepare_logdirs(self.base)
        self.path = tmp / "log.sock"
        t_words = ["T"] if t_words is None else t_words
        r, w = os.pipe()
        self._lerr = open(tmp / "logger.err", "wb")
        self.logger, ready = spawn_notify(
            list(logger or logger_command()) + ["-d{fd}", "--"] + routing_script(self.base, t_words),
            stdin=r, stdout=subprocess.DEVNULL, stderr=self._lerr)
        os.close(r)
        assert ready == b"\n", "logger not ready: %r" % ready
        self.socklog = Socklog(tmp, list(socklog_args), stdout=w, path=self.path)
        os.close(w)
        assert self.socklog.notification == b"\n"

    def send(self, *dgrams: bytes) -> None:
        self.socklog.send(*dgrams)

    def stop(self, timeout: float = 30.0) -> tuple[int, int]:
        rc = self.socklog.stop(timeout)
        try:
            lrc = self.logger.wait(timeout)
        except subprocess.TimeoutExpired:
            self.logger.kill()
            raise
        self._lerr.close()
        return rc, lrc

    def kill(self) -> None:
        self.socklog.kill()
        if self.logger.poll() is None:
            self.logger.kill()
            self.logger.wait()

    def logdir_lines(self, name: str) -> list[bytes]:
        """Every line of a logdir (archives, then current), stamps removed."""
        d = self.base / name
        files = sorted(p for p in d.iterdir() if p.name.startswith("@")) + [d / "current"]
        out: list[bytes] = []
        for f in files:
            if f.exists():
                out.extend(strip_stamp(ln) for ln in f.read_bytes().split(b"\n")[:-1])
        return out


def strip_stamp(line: bytes) -> bytes:
    """Remove an s6-log ``T`` stamp (``YYYY-MM-DD HH:MM:SS.nnnnnnnnn  ``)."""
    if len(line) >= 31 and line[4:5] == b"-" and line[29:31] == b"  ":
        return line[31:]
    return line


def route(line: bytes) -> set[str]:
    """Where the syslogd-overlay script files a line: an oracle written from
    reference/syslogd.md section 11 (checked against its table in
    test_routing.py), independent of any s6-log implementation."""
    import re

    a = rb"^[A-Za-z0-9]*\."
    def has(pat: bytes) -> bool:
        return re.search(pat, line) is not None
    out = set()
    if has(rb"^auth\.") or has(rb"^authpriv\."):
        out.add("secure")
    if has(rb"^cron\."):
        out.add("cron")
    if has(rb"^daemon\."):
        out.add("daemon")
    if has(a + rb"debug:"):
        out.add("debug")
    if any(has(a + s + b":") for s in (b"err", b"error", b"emerg", b"alert", b"crit")):
        out.add("errors")
    if has(rb"^kern\."):
        out.add("kernel")
    if has(rb"mail\."):
        out.add("mail")
    if has(rb"user\."):
        out.add("user")
    if (any(has(a + s + b":") for s in (b"info", b"notice", b"warn"))
            and not any(has(p) for p in (rb"^auth\.", rb"^authpriv\.", rb"^cron\.",
                                           rb"daemon\.", rb"mail\."))):
        out.add("messages")
    if not (has(rb"^auth\.") or has(rb"^authpriv\.")):
        out.add("everything")
    return out


def can_unshare() -> bool:
    if os.geteuid() != 0 or not shutil.which("unshare"):
        return False
    p = subprocess.run(["unshare", "-m", "true"], capture_output=True)
    return p.returncode == 0
