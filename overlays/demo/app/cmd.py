"""The example's CMD: looks around the running container, then waits for ``docker stop``.

It runs as the container's main program once s6-rc has brought every
service up (so the web service is already listening).  In order: the
process tree as the container sees it, a few HTTP requests to the web
service, a restart of it through its supervisor, two syslog(3) messages
for the syslogd overlay, then it waits.  The container runs with
``S6_CMD_RECEIVE_SIGNALS=1``, so ``docker stop``'s SIGTERM comes here
instead of straight to the shutdown: the CMD says how its checks went and
exits 0 if all passed, 1 otherwise, and /init hands that code on as the
container's exit code.

Standard library only, Python 3.9+: it runs with the image's python3.
The ``== `` headers are part of ``s6py demo``'s output.
"""
from __future__ import annotations

import os
import re
import signal
import struct
import subprocess
import sys
import syslog
import time
import urllib.error
import urllib.request

URL = "http://127.0.0.1:8080"
SCANDIR = "/run/service"
WAITING = "CMD: waiting for docker stop"
SHIM_FLAGS = ["-I", "-S", "-c"]


# ------------------------------------------------------------------ the process tree (pure)

def display_argv(argv: list[str]) -> list[str]:
    """A command line as people know it: the overlay's /command shims (and the
    scripts PID 1 writes, such as the catch-all logger's ``./run``) run
    ``python3 -I -S -c CODE NAME ARGS``; show ``NAME ARGS``, with the module
    when NAME is a script's path."""
    if len(argv) >= 6 and os.path.basename(argv[0]).startswith("python") \
            and argv[1:4] == SHIM_FLAGS:
        name = argv[5]
        if name.startswith("/command/"):
            name = name[len("/command/"):]
        elif name.startswith("./"):
            m = re.search(r"\bfrom ([\w.]+) import", argv[4])
            if m:
                name += f" [{m.group(1)}]"
        return [name] + argv[6:]
    return argv


def tree(procs: dict[int, tuple[int, str, list[str]]], services: dict[int, str],
         me: int, width: int = 58) -> list[str]:
    """Lines of a process tree: procs maps pid -> (ppid, user, argv); services
    maps the pid of a supervised process to its service name."""
    children: dict[int, list[int]] = {}
    for pid, (ppid, _u, _a) in procs.items():
        children.setdefault(ppid if ppid in procs else 0, []).append(pid)
    lines = [f"{'PID':>5}  {'USER':<8} COMMAND"]

    def walk(pid: int, prefix: str, last: bool, top: bool) -> None:
        _ppid, user, argv = procs[pid]
        cmd = " ".join(display_argv(argv)) or "?"
        if len(cmd) > width:
            cmd = cmd[:width - 3] + "..."
        branch = "" if top else prefix + ("└─ " if last else "├─ ")
        note = ""
        if pid == 1:
            note = "  <- PID 1: supervisor, s6-rc, reaper"
        elif pid in services:
            note = f"  <- service {services[pid]}"
        elif pid == me:
            note = "  <- this CMD"
        lines.append(f"{pid:>5}  {user:<8} {branch}{cmd}{note}")
        kids = sorted(children.get(pid, []))
        for i, kid in enumerate(kids):
            walk(kid, "" if top else prefix + ("   " if last else "│  "), i == len(kids) - 1,
                 False)

    for root in sorted(children.get(0, [])):
        walk(root, "", True, True)
    return lines


def status_pid(data: bytes) -> int:
    """The pid in an s6 ``supervise/status`` file (35 bytes, big-endian; 0 = down)."""
    if len(data) < 32:
        return 0
    return struct.unpack(">Q", data[24:32])[0]


# ------------------------------------------------------------------ reading /proc

def _users() -> dict[int, str]:
    names = {}
    try:
        with open("/etc/passwd") as f:
            for line in f:
                parts = line.split(":")
                if len(parts) > 2 and parts[2].isdigit():
                    names.setdefault(int(parts[2]), parts[0])
    except OSError:
        pass
    return names


def processes() -> dict[int, tuple[int, str, list[str]]]:
    users = _users()
    procs = {}
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat") as f:
                ppid = int(f.read().rsplit(")", 1)[1].split()[1])
            with open(f"/proc/{name}/status") as f:
                uid = next(int(ln.split()[1]) for ln in f if ln.startswith("Uid:"))
            with open(f"/proc/{name}/cmdline", "rb") as f:
                argv = [a.decode(errors="replace") for a in f.read().split(b"\0")[:-1]]
        except (OSError, ValueError, IndexError, StopIteration):
            continue  # gone meanwhile
        procs[int(name)] = (ppid, users.get(uid, str(uid)), argv)
    return procs


def service_pids() -> dict[int, str]:
    found = {}
    for name in sorted(os.listdir(SCANDIR)):
        try:
            with open(os.path.join(SCANDIR, name, "supervise", "status"), "rb") as f:
                pid = status_pid(f.read())
        except OSError:
            continue
        if pid:
            found[pid] = name
    return found


# ------------------------------------------------------------------ the web service

def get(path: str) -> tuple[int, str]:
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(URL + path, timeout=10) as r:
            return r.status, r.read().decode().strip()
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode().strip()


def web_pid() -> int:
    try:
        with open(f"{SCANDIR}/web/supervise/status", "rb") as f:
            return status_pid(f.read())
    except OSError:
        return 0


def svstat(name: str) -> str:
    p = subprocess.run(["s6-svstat", f"{SCANDIR}/{name}"], capture_output=True, text=True)
    return (p.stdout or p.stderr).strip()


def wait_restarted(old: int, timeout: float = 10.0) -> int:
    """The new pid once the supervisor has restarted web and it answers again."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        pid = web_pid()
        if pid and pid != old:
            try:
                get("/health")
                return pid
            except OSError:
                pass
        time.sleep(0.05)
    return 0


# ------------------------------------------------------------------ the CMD

class Checks:
    def __init__(self) -> None:
        self.results: list[tuple[str, bool]] = []

    def add(self, what: str, ok: bool) -> bool:
        self.results.append((what, ok))
        return ok

    def failed(self) -> list[str]:
        return [w for w, ok in self.results if not ok]


def show_tree() -> None:
    print("== process tree (read from /proc inside the container)")
    for line in tree(processes(), service_pids(), os.getpid()):
        print("   " + line)


def exercise(checks: Checks) -> None:
    print(f"== exercising the web service ({URL}, inside the container only)")
    print(f"   s6-svstat {SCANDIR}/web: {svstat('web')}")
    for path, want in (("/", 200), ("/health", 200), ("/nope", 404)):
        try:
            code, body = get(path)
        except OSError as e:
            code, body = 0, f"failed: {e}"
        checks.add(f"GET {path}", code == want)
        print(f"   GET {path:<8} -> {code} {body}")
    old = web_pid()
    subprocess.run(["s6-svc", "-r", f"{SCANDIR}/web"], check=False)
    new = wait_restarted(old)
    checks.add("restart", new != 0)
    print(f"   s6-svc -r {SCANDIR}/web: the supervisor restarted it, pid {old} -> {new or '?'}")
    try:
        code, body = get("/")
    except OSError as e:
        code, body = 0, f"failed: {e}"
    checks.add("GET / after the restart", code == 200)
    print(f"   GET {'/':<8} -> {code} {body}")


def send_syslog(checks: Checks) -> None:
    print("== syslog (the syslogd overlay's /dev/log)")
    syslog.openlog("demo-cmd", 0, syslog.LOG_USER)
    for prio, name, text in ((syslog.LOG_USER | syslog.LOG_NOTICE, "user.notice",
                              "hello from the CMD through syslog(3)"),
                             (syslog.LOG_DAEMON | syslog.LOG_ERR, "daemon.err",
                              "a pretend error, to show the routing")):
        syslog.syslog(prio, text)
        print(f"   syslog({name}): {text}")
    syslog.closelog()
    checks.add("/dev/log exists", os.path.exists("/dev/log"))


def main() -> int:
    checks = Checks()
    show_tree()
    exercise(checks)
    send_syslog(checks)
    # blocked before saying so: a SIGTERM right after the line cannot be missed
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGTERM})
    print(f"{WAITING} (S6_CMD_RECEIVE_SIGNALS=1 sends its SIGTERM to this CMD)", flush=True)
    signal.sigwait({signal.SIGTERM})
    failed = checks.failed()
    code = 1 if failed else 0
    done = len(checks.results) - len(failed)
    print(f"CMD: SIGTERM received: {done}/{len(checks.results)} checks passed"
          + (f" (failed: {', '.join(failed)})" if failed else "") + f"; exiting {code}",
          flush=True)
    return code


if __name__ == "__main__":
    sys.stdout.reconfigure(line_buffering=True)
    sys.exit(main())
