"""``s6py demo``: build the overlay, boot the example image, look at it, stop it, read its logs.

The sequence, each step a section of the output:

1. ``overlays.build.build`` writes the three tarballs into a temporary
   directory (no network: the dependencies come from this interpreter's
   site-packages, vetted for the image's python3); ``tar -xJpf`` extracts
   them into a layer, as a Dockerfile's ``ADD``/``RUN tar`` would;
2. the example layer (``example.files``) is written next to it;
3. ``python3 -m init.sandbox /`` boots the host's ``/`` (the base image)
   with the two layers on top, ``/init`` as PID 1, a private loopback
   (``--network none``), ``/var/log`` and ``/run/uncaught-logs`` bound to
   host directories so the logs outlive the container;
4. the CMD (``app/cmd.py``) prints the process tree, exercises the web
   service, sends syslog messages, then says it waits;
5. ``docker stop``: SIGTERM to the sandbox runner, which forwards it to
   PID 1 (and SIGKILLs after ``--stop-timeout``); its exit code is the
   container's;
6. the logdirs are read back with ``s6py logs cat``'s reader.

The demo's own exit status: 0 if every check passed (the container's
exit code is the CMD's 0, the request lines, the syslog message and the
cont-init output are in their logdirs, PID 1 is /init), 1 if one failed,
111 if it cannot run here (not root, no overlayfs, no namespaces, no
python3 or tar in the base), 100 for a bad ``--keep``.
"""
from __future__ import annotations

import os
import re
import selectors
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import textwrap
import time
from typing import Callable, NamedTuple

from overlays.demo import example, logview

PROG = "s6py demo"
APP_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "app")
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


# ------------------------------------------------------------------ pure parts

def missing(euid: int, filesystems: str, have: Callable[[str], bool],
            python: str | None) -> list[str]:
    """What this machine lacks for the demo, one phrase each (empty: nothing)."""
    out = []
    if euid != 0:
        out.append("root (the sandbox creates namespaces and mounts overlayfs)")
    if not any(ln.split()[-1:] == ["overlay"] for ln in filesystems.splitlines()):
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
    m = EXIT_RE.match(line.strip())
    return int(m.group(1)) if m else None


# ------------------------------------------------------------------ preparing

def image_python(root: str = "/") -> str | None:
    """The python3 the container's PATH finds in the base image (the host's /)."""
    for d in CONTAINER_PATH:
        path = os.path.join(root, d.lstrip("/"), "python3")
        if os.access(path, os.X_OK):
            return path
    return None


def python_minor(python: str) -> int:
    p = subprocess.run([python, "-c", "import sys; print(sys.version_info[1])"],
                       capture_output=True, text=True, timeout=30)
    if p.returncode != 0 or not p.stdout.strip().isdigit():
        raise Failure(f"{python} does not run: {p.stderr.strip() or p.returncode}")
    return int(p.stdout)


def preflight() -> str:
    """The image's python3; Failure naming everything missing."""
    with open("/proc/filesystems") as f:
        filesystems = f.read()
    python = image_python()
    lacks = missing(os.geteuid(), filesystems, lambda p: shutil.which(p) is not None, python)
    if lacks:
        raise Failure("this machine lacks: " + "; ".join(lacks))
    return python or ""


def app_sources() -> dict[str, str]:
    out = {}
    for name in ("web.py", "cmd.py"):
        with open(os.path.join(APP_DIR, name)) as f:
            out[name] = f.read()
    return out


def write_layer(dest: str, table: dict[str, tuple[str, int]]) -> None:
    for rel, (text, mode) in sorted(table.items()):
        path = os.path.join(dest, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w") as f:
            f.write(text)
        os.chmod(path, mode)


def build_overlay(work: str, floor: tuple[int, int], say: Say) -> str:
    """The tarballs in work/dist, extracted into work/overlay; returns the layer."""
    from overlays import build as ob

    dist, layer = os.path.join(work, "dist"), os.path.join(work, "overlay")
    say(f"== building the overlay (s6py overlay build --python-floor 3.{floor[1]})")
    t = time.monotonic()
    try:
        written, _warnings = ob.build(dist, floor=floor)
    except ob.BuildError as e:
        raise Failure(f"the overlay build failed: {e}") from None
    except OSError as e:
        raise Failure(f"the overlay is built from a source checkout: {e}") from None
    for path in written:
        if not path.endswith(".sha256"):
            say(f"   {os.path.basename(path):<38} {os.path.getsize(path):>9,} bytes")
    os.makedirs(layer)
    for name in (ob.MAIN, ob.SYMLINKS, ob.SYSLOGD):
        p = subprocess.run(["tar", "-C", layer, "-xJpf", os.path.join(dist, name)],
                           capture_output=True, text=True)
        if p.returncode != 0:
            raise Failure(f"tar -xJpf {name}: {p.stderr.strip()}")
    say(f"   built and extracted with tar -xJpf into a layer in {time.monotonic() - t:.1f} s")
    return layer


# ------------------------------------------------------------------ the container

class Session(NamedTuple):
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
        if f is proc.stderr:
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


# ------------------------------------------------------------------ the logs

def show_logs(logs: str, uncaught: str, session: Session, say: Say) -> list[str]:
    """The logdirs with decoded stamps; returns the problems found."""
    problems = []
    say("== logs (read back with s6py logs cat's reader, stamps decoded)")
    web = logview.read(os.path.join(logs, "web"))
    say(f"   /var/log/web: web's stdout and stderr, through web-log ({len(web)} lines)")
    if web:
        say(f"     on disk: {web[0].raw}")
    for ln in web:
        say(f"     {ln.shown}")
    if not any('"GET / HTTP/1.1" 200' in ln.text and ln.stamped for ln in web):
        problems.append("no stamped request line in /var/log/web")

    syslogd = os.path.join(logs, "syslogd")
    per = {n: logview.read(os.path.join(syslogd, n))
           for n in (sorted(os.listdir(syslogd)) if os.path.isdir(syslogd) else [])}
    say("   /var/log/syslogd/*: /dev/log through the syslogd overlay, routed by "
        "facility and severity")
    for shown, where in logview.routed(per):
        say(f"     {shown}")
        say(f"       -> {', '.join(where)}")
    if not any("hello from the CMD through syslog(3)" in ln.text for ln in per.get("user", [])):
        problems.append("the syslog message is not in /var/log/syslogd/user")

    catch = logview.read(uncaught)
    own = [ln for ln in catch if not ln.text.startswith(("s6-rc: ", "/package/admin/"))]
    say(f"   /run/uncaught-logs: the catch-all logger (S6_LOGGING=1, {len(catch)} lines): "
        "preinit's and s6-rc's messages (the | lines above), and")
    for ln in own:
        say(f"     {ln.shown}")
    if not any(ln.text.startswith("cont-init.d/10-hello") for ln in catch):
        problems.append("the cont-init.d script's line is not in /run/uncaught-logs")
    say("   (the CMD's output went to the container's stdout, shown above)")
    return problems


def checks(session: Session) -> list[str]:
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


# ------------------------------------------------------------------ the whole

def _workdir(keep: str | None) -> str:
    if keep is None:
        return tempfile.mkdtemp(prefix="s6py-demo-")
    keep = os.path.abspath(keep)
    if os.path.isdir(keep) and os.listdir(keep):
        raise Failure(f"--keep {keep}: not empty", 100)
    try:
        os.makedirs(keep, exist_ok=True)
    except OSError as e:
        raise Failure(f"--keep {keep}: {e.strerror}", 100) from None
    return keep


def demo(keep: str | None, timeout: float, say: Say) -> int:
    """The whole demo; its exit status (Failure for a machine that cannot run it)."""
    started = time.monotonic()
    python = preflight()
    work = _workdir(keep)
    try:
        say(f"{PROG}: s6-overlay's main job, with s6py's /init, on the host's / as the base "
            "image (no Docker, no network)")
        overlay = build_overlay(work, (3, python_minor(python)), say)
        layer = os.path.join(work, "example")
        write_layer(layer, example.files(app_sources()))
        say("== the example image: the host's / + the overlay + this layer")
        for text in summary(example.SUMMARY):
            say(text)
        say("   ENV " + " ".join(f"{k}={shlex.quote(v)}" for k, v in example.ENV.items()))
        logs, uncaught = os.path.join(work, "log"), os.path.join(work, "uncaught-logs")
        os.makedirs(logs)
        os.makedirs(uncaught)
        argv = sandbox_argv(overlay, layer, logs, uncaught)
        say("== booting (s6py sandbox: docker run without Docker; --network none: "
            "a private loopback)")
        say("   $ s6py sandbox " + shlex.join(argv))
        session = boot_and_stop(argv, say, timeout, work)
        if session.code == 125 and not session.stdout:
            why = session.stderr[-1] if session.stderr else "no message"
            raise Failure(f"the container could not start: {why}")
        say(f"   exit code: {session.code}")
        for text in textwrap.wrap(explain(session.code, session.cmd_code), 88):
            say(f"     {text}")
        problems = checks(session) + show_logs(logs, uncaught, session, say)
        took = time.monotonic() - started
        if keep:
            say(f"== kept in {work}: dist/ (the tarballs), log/ (/var/log), uncaught-logs/; "
                f"try: s6py logs cat {os.path.join(work, 'log', 'syslogd')}/*")
        if problems:
            say(f"== done in {took:.1f} s, with problems:")
            for p in problems:
                say(f"   {PROG}: {p}")
            return 1
        say(f"== done in {took:.1f} s: the container booted, served, logged and stopped "
            f"with exit code {session.code}")
        return 0
    finally:
        if keep is None:
            shutil.rmtree(work, ignore_errors=True)
