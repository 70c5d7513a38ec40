"""S6PY_COUNTERS: logd's and s6-socklog's counters files (logd/counters.py, syslogd/counting.py)."""
from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

from logd.counters import FILE

from .conftest import LOGD, env, run


def counting_env(tmp_path: Path) -> dict:
    return dict(env(), S6PY_COUNTERS="1", S6PY_COUNTERS_DIR=str(tmp_path / "registry"))


def read(path: Path) -> dict:
    return json.loads(path.read_text())


def test_nothing_is_written_without_the_variable(tmp_path):
    proc = run(LOGD, ["--", "s4096", "./d"], tmp_path, stdin=b"x\n" * 5000)
    assert proc.returncode == 0
    assert not (tmp_path / "d" / FILE).exists()
    assert not (tmp_path / "registry").exists()


def test_counts_lines_cuts_rotations_and_registers(tmp_path):
    data = b"".join(b"line %d\n" % i for i in range(3000)) + b"x" * 20000 + b"\n"
    proc = subprocess.run(LOGD + ["-l", "8192", "--", "s4096", "n100", "./a", "-", "+line 1",
                                  "./b"], input=data, capture_output=True, cwd=tmp_path,
                          env=counting_env(tmp_path), timeout=60)
    assert proc.returncode == 0, proc.stderr
    a, b = read(tmp_path / "a" / FILE), read(tmp_path / "b" / FILE)
    assert a["split"] == 2 and a["state"] == "exited"
    assert a["bytes"] == sum(p.stat().st_size for p in (tmp_path / "a").iterdir()
                             if p.name == "current" or p.name.startswith("@"))
    assert a["rotations"] >= 5 and a["write_retries"] == 0 and a["held_bytes"] == 0
    assert b["bytes"] == len(b"".join(b"line %d\n" % i for i in range(3000)
                                      if (b"line %d" % i).startswith(b"line 1")))
    assert b["pid"] == a["pid"]
    assert a["logdir"] == str(tmp_path / "a") and a["program"] == "s6-log"
    links = sorted(os.readlink(p) for p in (tmp_path / "registry").iterdir())
    assert links == [str(tmp_path / "a" / FILE), str(tmp_path / "b" / FILE)]


def test_a_failing_processor_shows_while_logd_runs(tmp_path):
    """Held data, retries, processor failures and time blocked by -b, read while it happens."""
    proc = subprocess.Popen(LOGD + ["-b", "--", "s4096", "r100", "?exit 3", "./d"],
                            stdin=subprocess.PIPE, stderr=subprocess.PIPE, cwd=tmp_path,
                            env=counting_env(tmp_path))
    proc.stdin.write(b"y" * 100 + b"\n" * 1 + (b"z" * 99 + b"\n") * 200)
    proc.stdin.flush()
    path = tmp_path / "d" / FILE
    deadline = time.monotonic() + 30
    doc: dict = {}
    while time.monotonic() < deadline:
        try:
            doc = read(path)
        except (OSError, ValueError):
            doc = {}
        if doc.get("processor_failures", 0) >= 2 and doc.get("blocked_ms", 0) > 100:
            break
        time.sleep(0.05)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert doc["processor_failures"] >= 2, doc
    assert doc["write_retries"] >= doc["processor_failures"]
    assert doc["held_bytes"] > 0 and doc["state"] == "running"
    assert doc["blocked_ms"] > 100


def test_s6_socklog_counts_truncated_datagrams(tmp_path):
    sock = str(tmp_path / "log.sock")
    proc = subprocess.Popen([sys.executable, "-m", "syslogd", "-l", "100", "-x", sock],
                            stdout=subprocess.PIPE, cwd=tmp_path, env=counting_env(tmp_path))
    deadline = time.monotonic() + 20
    while not os.path.exists(sock):
        assert time.monotonic() < deadline
        time.sleep(0.01)
    s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    s.connect(sock)
    for body in (b"short", b"x" * 500, b"y" * 200, b"ok"):
        s.send(b"<13>" + body)
    s.close()
    time.sleep(0.3)
    proc.send_signal(signal.SIGTERM)
    proc.wait(20)
    doc = read(tmp_path / FILE)
    assert (doc["program"], doc["lines"], doc["truncated"], doc["state"]) == (
        "s6-socklog", 4, 2, "exited")
    assert os.readlink(next((tmp_path / "registry").iterdir())) == str(tmp_path / FILE)
