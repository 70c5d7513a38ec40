"""Running ``python3 -m init.sandbox`` from tests, and checking that nothing was left behind."""
from __future__ import annotations

import os
import subprocess
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
RUNNER = [sys.executable, "-m", "init.sandbox"]
TIMEOUT = 60


def env() -> dict[str, str]:
    e = dict(os.environ)
    e["PYTHONPATH"] = ROOT + (":" + e["PYTHONPATH"] if e.get("PYTHONPATH") else "")
    return e


def sandbox(*args: str, timeout: float = TIMEOUT, **kw) -> subprocess.CompletedProcess:
    """``python3 -m init.sandbox ARGS``, output captured as text."""
    return subprocess.run(RUNNER + list(args), capture_output=True, text=True, timeout=timeout,
                          env=env(), cwd=ROOT, **kw)


def popen(*args: str, **kw) -> subprocess.Popen:
    return subprocess.Popen(RUNNER + list(args), env=env(), cwd=ROOT, text=True, **kw)


def processes_with(marker: str) -> list[int]:
    """PIDs whose command line contains marker (this test's own processes only)."""
    found = []
    for pid in os.listdir("/proc"):
        if pid.isdigit() and int(pid) != os.getpid():
            try:
                with open(f"/proc/{pid}/cmdline", "rb") as f:
                    if marker.encode() in f.read():
                        found.append(int(pid))
            except OSError:
                pass
    return found


def host_mounts() -> list[str]:
    with open("/proc/self/mountinfo") as f:
        return [line.split(" - ")[0].split(" ", 4)[4] for line in f]


_usable: tuple[bool, str] | None = None


def require_sandbox() -> None:
    """Skip (once probed) where the sandbox cannot run: not root, no namespaces, no overlayfs."""
    global _usable
    if _usable is None:
        if os.geteuid() != 0:
            _usable = (False, "needs root")
        else:
            p = sandbox("/", "--entrypoint", "/bin/true")
            _usable = (p.returncode == 0, p.stderr.strip())
    if not _usable[0]:
        pytest.skip(f"sandbox unavailable here: {_usable[1]}")


def describe(pids: list[int]) -> str:
    """State, signal masks and wait channel of each process: what a hang looks like."""
    lines = []
    for pid in pids:
        try:
            with open(f"/proc/{pid}/status") as f:
                fields = dict(ln.split(":\t", 1) for ln in f.read().splitlines() if ":\t" in ln)
            with open(f"/proc/{pid}/wchan") as f:
                wchan = f.read()
            with open(f"/proc/{pid}/cmdline", "rb") as f:
                cmd = f.read().replace(b"\0", b" ")[:120].decode(errors="replace")
        except OSError:
            continue
        keep = " ".join(f"{k}={fields.get(k, '?').strip()}" for k in
                        ("State", "PPid", "NSpid", "SigPnd", "ShdPnd", "SigBlk", "SigIgn", "SigCgt"))
        lines.append(f"{pid}: {keep} wchan={wchan} cmd={cmd}")
    return "\n".join(lines)
