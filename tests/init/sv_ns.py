"""Run a supervisor as PID 1 of a fresh PID namespace, and drive it.

``Pid1(scandir)`` starts ``python3 -m init.svscan`` (or the real s6-svscan)
under ``unshare --pid --fork --mount --mount-proc --kill-child``; the tools
are ours (``python3 -m init.control NAME``) or the real ones (/usr/bin).
Waits poll for a condition with a generous deadline: they fail a test only
when something is broken, never because the machine is slow.
"""
from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OURS = [sys.executable, "-m", "init.svscan"]
REAL = ["/usr/bin/s6-svscan"]
HAVE_S6 = shutil.which("s6-svscan") is not None and os.path.exists("/usr/bin/s6-svscan")
CAN_UNSHARE = os.geteuid() == 0 and shutil.which("unshare") is not None
DEADLINE = 20.0


def env() -> dict[str, str]:
    e = dict(os.environ)
    e["PYTHONPATH"] = ROOT + (":" + e["PYTHONPATH"] if e.get("PYTHONPATH") else "")
    return e


def tool(name: str, *args: str, real: bool = False, timeout: float = DEADLINE,
         **kw) -> subprocess.CompletedProcess:
    argv = [f"/usr/bin/{name}"] if real else [sys.executable, "-m", "init.control", name]
    return subprocess.run(argv + list(args), capture_output=True, text=True, timeout=timeout,
                          env=env(), cwd=ROOT, **kw)


def wait_for(pred, what: str, timeout: float = DEADLINE, step: float = 0.02):
    end = time.monotonic() + timeout
    while True:
        v = pred()
        if v:
            return v
        if time.monotonic() > end:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(step)


def write(path, text: str, mode: int | None = None) -> None:
    os.makedirs(os.path.dirname(str(path)), exist_ok=True)
    with open(path, "w") as f:
        f.write(text)
    if mode is not None:
        os.chmod(path, mode)


def service(scandir, name: str, run: str, **files: str) -> str:
    """Create scandir/name with an executable run script and extra files."""
    d = os.path.join(str(scandir), name)
    write(os.path.join(d, "run"), run, 0o755)
    for fname, text in files.items():
        fname = fname.replace("_", "-")
        write(os.path.join(d, fname), text, 0o755 if fname == "finish" else None)
    return d


class Pid1:
    def __init__(self, scandir, argv: list[str] | None = None, extra_env: dict | None = None):
        self.scandir = str(scandir)
        self.argv = argv or OURS
        self.extra_env = extra_env or {}
        self.proc: subprocess.Popen | None = None
        self.errpath = os.path.join(os.path.dirname(self.scandir), "pid1.stderr")

    def __enter__(self) -> Pid1:
        e = env()
        e.update(self.extra_env)
        self.err = open(self.errpath, "wb")
        self.proc = subprocess.Popen(
            ["unshare", "--pid", "--fork", "--mount", "--mount-proc", "--kill-child"]
            + self.argv + [self.scandir],
            stdin=subprocess.DEVNULL, stdout=self.err, stderr=self.err, env=e, cwd=ROOT)
        wait_for(lambda: self._listening(), "the supervisor to listen")
        return self

    def _listening(self) -> bool:
        if self.proc.poll() is not None:
            raise AssertionError(f"supervisor exited {self.proc.returncode}: {self.stderr()}")
        ctl = os.path.join(self.scandir, ".s6-svscan", "control")
        try:
            fd = os.open(ctl, os.O_WRONLY | os.O_NONBLOCK)
        except OSError:
            return False
        os.close(fd)
        return True

    def stderr(self) -> str:
        with open(self.errpath, "rb") as f:
            return f.read().decode(errors="replace")

    def supervised(self, name: str) -> None:
        d = os.path.join(self.scandir, name)
        wait_for(lambda: tool("s6-svok", d).returncode == 0, f"{name} to be supervised")

    def status(self, name: str, *opts: str, real: bool = False) -> str:
        r = tool("s6-svstat", *opts, os.path.join(self.scandir, name), real=real)
        return r.stdout.strip()

    def svc(self, name: str, *opts: str, real: bool = False) -> subprocess.CompletedProcess:
        return tool("s6-svc", *opts, os.path.join(self.scandir, name), real=real)

    def host_pids(self) -> list[int]:
        """Host pids of every process in the namespace (PID 1 first)."""
        out = []
        init = self._ns_init()
        if init is None:
            return out
        todo = [init]
        while todo:
            p = todo.pop(0)
            out.append(p)
            try:
                with open(f"/proc/{p}/task/{p}/children") as f:
                    todo += [int(x) for x in f.read().split()]
            except OSError:
                pass
        return out

    def _ns_init(self) -> int | None:
        try:
            with open(f"/proc/{self.proc.pid}/task/{self.proc.pid}/children") as f:
                kids = f.read().split()
        except OSError:
            return None
        return int(kids[0]) if kids else None

    def zombies(self) -> list[int]:
        out = []
        for p in self.host_pids()[1:]:
            try:
                with open(f"/proc/{p}/stat") as f:
                    if f.read().rsplit(")", 1)[1].split()[0] == "Z":
                        out.append(p)
            except OSError:
                pass
        return out

    def stop(self, timeout: float = DEADLINE) -> int:
        if self.proc.poll() is None:
            tool("s6-svscanctl", "-t", self.scandir)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
                raise AssertionError("supervisor did not stop: " + self.stderr()) from None
        return self.proc.returncode

    def __exit__(self, *exc) -> None:
        try:
            if self.proc.poll() is None:
                try:
                    self.stop()
                except AssertionError:
                    if exc[0] is None:
                        raise
        finally:
            if self.proc.poll() is None:
                self.proc.send_signal(signal.SIGKILL)
                self.proc.wait()
            self.err.close()
