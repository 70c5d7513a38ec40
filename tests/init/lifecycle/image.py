"""A container image for the lifecycle tests: the host's / plus one layer, run by the sandbox.

The layer holds ``/init`` (PID 1: ``python3 -m init`` from this source
tree), ``/command/NAME`` shims for the overlay's commands and the helpers
(same text the overlay build writes, pointing at this tree), s6-overlay's
``/etc/s6-overlay`` skeleton and legacy script files (overlays/rootfs), and
whatever a test adds.  ``run`` boots it with ``python3 -m init.sandbox``
(fresh PID, mount, UTS, IPC and network namespaces, overlayfs over /, a
tmpfs /run) and returns the exit code and output; ``/out`` inside is a
host directory the test reads afterwards.
"""
from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time

from init import pyexec
from overlays import commands
from overlays.shims import render

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
SANDBOX = [sys.executable, "-m", "init.sandbox"]
TIMEOUT = 90

# The helpers of issue #7, until the overlay's table lists them (report).
HELPERS = {
    "printcontenv": "init.helpers.printcontenv:main",
    "with-retries": "init.helpers.with_retries:main",
    "logutil-service": "init.helpers.logutil_service:main",
    "logutil-newfifo": "init.helpers.logutil_newfifo:main",
}


def env() -> dict[str, str]:
    e = dict(os.environ)
    e["PYTHONPATH"] = ROOT + (":" + e["PYTHONPATH"] if e.get("PYTHONPATH") else "")
    return e


def write(path: str, text: str, mode: int = 0o644) -> None:
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write(text)
    os.chmod(path, mode)


class Result:
    def __init__(self, code: int, out: str, err: str, outdir: str) -> None:
        self.code = code
        self.out = out
        self.err = err
        self.outdir = outdir

    def file(self, name: str) -> str:
        try:
            with open(os.path.join(self.outdir, name)) as f:
                return f.read()
        except FileNotFoundError:
            return ""

    def exists(self, name: str) -> bool:
        return os.path.exists(os.path.join(self.outdir, name))

    def __repr__(self) -> str:
        return f"Result(code={self.code}, out={self.out!r}, err={self.err!r})"


class LayerFiles:
    """Files of a test's own image layer (``self.layer``), written at their image paths."""

    layer: str

    def file(self, path: str, text: str, mode: int = 0o644) -> str:
        full = os.path.join(self.layer, path.lstrip("/"))
        write(full, text, mode)
        return full

    def script(self, path: str, text: str) -> str:
        return self.file(path, text, 0o755)


class Image(LayerFiles):
    def __init__(self, tmp, python: str = "") -> None:
        """python: the interpreter of /init.  The system's by default, as in an image:
        processes that drop privileges must still read its standard library (this
        interpreter may live under /root)."""
        python = python or ("/usr/bin/python3" if os.path.exists("/usr/bin/python3")
                            else sys.executable)
        self.tmp = str(tmp)
        self.layer = os.path.join(self.tmp, "layer")
        self.outdir = os.path.join(self.tmp, "out")
        os.makedirs(self.outdir, mode=0o777, exist_ok=True)
        os.chmod(self.outdir, 0o777)
        shutil.copytree(os.path.join(ROOT, "overlays", "rootfs"), self.layer, symlinks=True)
        write(os.path.join(self.layer, "init"),
              pyexec.script("init.__main__:main").replace(sys.executable, python), 0o755)
        table = dict(commands.COMMANDS)
        table.pop("/init", None)
        table.update(HELPERS)
        for name, target in table.items():
            path = os.path.join(self.layer, commands.image_path(name))
            write(path, render(name.rsplit("/", 1)[-1], target, target in commands.MULTICALL,
                               lib=ROOT), 0o755)
        write(os.path.join(self.layer, "out", ".keep"), "")

    # ------------------------------------------------------------ contents

    def legacy(self, name: str, run: str, **files: str) -> None:
        """/etc/services.d/NAME with run (and finish, log/run, notification-fd ...)."""
        self.script(f"/etc/services.d/{name}/run", run)
        for fname, text in files.items():
            fname = fname.replace("__", "/").replace("_", "-")
            execu = fname in ("finish", "log/run", "log/finish")
            self.file(f"/etc/services.d/{name}/{fname}", text, 0o755 if execu else 0o644)

    def rc(self, name: str, type_: str, user: str | None = "user", deps=("base",),
           **files: str) -> None:
        """/etc/s6-overlay/s6-rc.d/NAME of a type, in a bundle, depending on base."""
        d = f"/etc/s6-overlay/s6-rc.d/{name}"
        self.file(f"{d}/type", type_ + "\n")
        for dep in deps or ():
            self.file(f"{d}/dependencies.d/{dep}", "")
        if user:
            self.file(f"/etc/s6-overlay/user-bundles.d/{user}/contents.d/{name}", "")
        for fname, text in files.items():
            fname = fname.replace("_", "-")
            self.file(f"{d}/{fname}", text, 0o755 if fname in ("run", "finish") else 0o644)

    def clear_out(self) -> None:
        """Empty /out between two runs of one image."""
        for name in os.listdir(self.outdir):
            path = os.path.join(self.outdir, name)
            if os.path.isdir(path) and not os.path.islink(path):
                shutil.rmtree(path)
            else:
                os.unlink(path)

    # ------------------------------------------------------------ running

    def argv(self, cmd, env_vars: dict[str, str] | None, opts: list[str]) -> list[str]:
        a = SANDBOX + ["/", "--layer", self.layer, "--bind", f"{self.outdir}:/out",
                       "--tmpdir", self.tmp] + list(opts)
        for k, v in (env_vars or {}).items():
            a += ["-e", f"{k}={v}"]
        return a + ["--"] + list(cmd)

    def run(self, *cmd: str, env: dict[str, str] | None = None, opts=(),
            timeout: float = TIMEOUT, stdin=subprocess.DEVNULL) -> Result:
        p = subprocess.run(self.argv(cmd, env, list(opts)), stdin=stdin, capture_output=True,
                           text=True, timeout=timeout, env=globals()["env"](), cwd=ROOT)
        return Result(p.returncode, p.stdout, p.stderr, self.outdir)

    def start(self, *cmd: str, env: dict[str, str] | None = None, opts=()) -> Running:
        return Running(self, subprocess.Popen(
            self.argv(cmd, env, list(opts)), stdin=subprocess.DEVNULL,
            stdout=open(os.path.join(self.tmp, "stdout"), "wb"),
            stderr=open(os.path.join(self.tmp, "stderr"), "wb"),
            env=globals()["env"](), cwd=ROOT))


class Running:
    """A container in the background: wait for a file in /out, stop it like docker."""

    def __init__(self, image: Image, proc: subprocess.Popen) -> None:
        self.image = image
        self.proc = proc

    def wait_for(self, name: str, text: str = "", timeout: float = 60) -> str:
        path = os.path.join(self.image.outdir, name)
        end = time.monotonic() + timeout
        while True:
            try:
                with open(path) as f:
                    data = f.read()
                if text in data:
                    return data
            except FileNotFoundError:
                pass
            if self.proc.poll() is not None:
                raise AssertionError(f"container exited {self.proc.returncode} before {name} "
                                     f"had {text!r}: {self.output()}")
            if time.monotonic() > end:
                raise AssertionError(f"timed out waiting for {name}: {self.output()}\n"
                                     f"processes:\n{self.processes()}")
            time.sleep(0.02)

    def processes(self) -> str:
        """The container's processes as ps would show them, with where each waits and its
        descriptors: what a wait that timed out needs to be understood."""
        try:
            top = self.pid1()
        except (OSError, IndexError, ValueError):
            return "(no PID 1)"
        rows, todo = [], [top]
        while todo:
            p = todo.pop(0)
            try:
                for t in os.listdir(f"/proc/{p}/task"):
                    with open(f"/proc/{p}/task/{t}/children") as f:
                        todo += [int(x) for x in f.read().split()]
                with open(f"/proc/{p}/status") as f:
                    st = dict(ln.split(":\t", 1) for ln in f.read().splitlines() if ":\t" in ln)
                with open(f"/proc/{p}/cmdline", "rb") as f:
                    cmd = f.read().replace(b"\0", b" ").decode(errors="replace")[:100]
                with open(f"/proc/{p}/wchan") as f:
                    wchan = f.read()
                fds = []
                for fd in sorted(os.listdir(f"/proc/{p}/fd"), key=int):
                    try:
                        fds.append(f"{fd}={os.readlink(f'/proc/{p}/fd/{fd}')}")
                    except OSError:
                        pass
                rows.append(f"{st['NSpid'].split()[-1]:>5} {st['State']:<12} uid={st['Uid'].split()[1]}"
                            f" {wchan:<20} {cmd} [{' '.join(fds)}]")
            except (OSError, KeyError):
                continue
        return "\n".join(rows)

    def signal(self, sig: int = signal.SIGTERM) -> None:
        """As ``docker kill -s``: through the sandbox runner, which relays TERM, INT, HUP,
        QUIT, USR1, USR2, WINCH; anything else straight to PID 1."""
        relayed = (signal.SIGTERM, signal.SIGINT, signal.SIGHUP, signal.SIGQUIT,
                   signal.SIGUSR1, signal.SIGUSR2, signal.SIGWINCH)
        if sig in relayed:
            self.proc.send_signal(sig)
        else:
            os.kill(self.pid1(), sig)

    def pid1(self) -> int:
        """The host pid of the container's PID 1 (runner -> keeper -> PID 1)."""
        pid = self.proc.pid
        for _ in range(2):
            with open(f"/proc/{pid}/task/{pid}/children") as f:
                pid = int(f.read().split()[0])
        return pid

    def wait(self, timeout: float = TIMEOUT) -> Result:
        try:
            code = self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.kill()
            raise AssertionError("the container did not stop: " + self.output()) from None
        out, err = self.output(split=True)
        return Result(code, out, err, self.image.outdir)

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait()

    def output(self, split: bool = False):
        def read(n):
            try:
                with open(os.path.join(self.image.tmp, n), "rb") as f:
                    return f.read().decode(errors="replace")
            except FileNotFoundError:  # started with a stdout of the test's own
                return "(elsewhere)"
        out, err = read("stdout"), read("stderr")
        return (out, err) if split else f"stdout={out!r} stderr={err!r}"

    def __enter__(self) -> Running:
        return self

    def __exit__(self, *exc) -> None:
        self.kill()
