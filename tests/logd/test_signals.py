"""Termination rules s6 2.15 added and logd takes (DECISIONS.md #18):
-t bounds the wait for the end of a partial line after SIGTERM; in that
wait a NUL ends the line and the line limit cuts at exactly -l."""
from __future__ import annotations

import signal
import subprocess
import time

from .conftest import LOGD, env


def start(tmp_path, *args):
    proc = subprocess.Popen(LOGD + list(args), cwd=tmp_path, stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env())
    return proc


def wait_idle(proc, seconds=0.6):
    time.sleep(seconds)  # python start-up + one read
    assert proc.poll() is None


def test_lastline_timeout_logs_partial_line_and_exits(tmp_path):
    proc = start(tmp_path, "-t", "1500", "1")
    proc.stdin.write(b"done\npartial")
    proc.stdin.flush()
    wait_idle(proc)
    proc.send_signal(signal.SIGTERM)
    time.sleep(0.3)
    assert proc.poll() is None  # still waiting for the end of the line
    assert proc.wait(timeout=15) == 0  # stdin still open: the timeout ended it
    assert proc.stdout.read() == b"done\npartial\n"


def test_newline_after_term_ends_wait_and_rest_stays_unread(tmp_path):
    proc = start(tmp_path, "-t", "0", "1")
    proc.stdin.write(b"ab")
    proc.stdin.flush()
    wait_idle(proc)
    proc.send_signal(signal.SIGTERM)
    time.sleep(0.3)
    assert proc.poll() is None  # -t0: waits forever
    proc.stdin.write(b"c\0rest\n")
    proc.stdin.flush()
    assert proc.wait(timeout=10) == 0
    assert proc.stdout.read() == b"abc\n"  # NUL ended the line (2.15)


def test_line_limit_in_lastline_mode_cuts_at_limit(tmp_path):
    proc = start(tmp_path, "-l", "48", "-t", "0", "1")
    proc.stdin.write(b"x" * 10)
    proc.stdin.flush()
    wait_idle(proc)
    proc.send_signal(signal.SIGTERM)
    time.sleep(0.2)
    proc.stdin.write(b"y" * 100)
    proc.stdin.flush()
    assert proc.wait(timeout=10) == 0
    assert proc.stdout.read() == b"x" * 10 + b"y" * 38 + b"\n"
    assert proc.stderr.read() == b"s6-log: warning: input line too long, stopping before the end\n"


def test_sighup_ignores_protect_and_sigterm_is_ignored(tmp_path):
    proc = start(tmp_path, "-p", "1")
    proc.stdin.write(b"a\n")
    proc.stdin.flush()
    wait_idle(proc)
    proc.send_signal(signal.SIGTERM)
    time.sleep(0.3)
    assert proc.poll() is None
    proc.send_signal(signal.SIGHUP)
    assert proc.wait(timeout=10) == 0
    assert proc.stdout.read() == b"a\n"


def test_sigint_kills_without_finalising(tmp_path):
    proc = start(tmp_path, "./log")
    proc.stdin.write(b"a\n")
    proc.stdin.flush()
    wait_idle(proc)
    proc.send_signal(signal.SIGINT)
    assert proc.wait(timeout=10) == -signal.SIGINT
    assert (tmp_path / "log" / "current").stat().st_mode & 0o777 == 0o644


def test_periodic_rotation_R(tmp_path):
    proc = start(tmp_path, "R1", "./log")
    proc.stdin.write(b"tick\n")
    proc.stdin.flush()
    time.sleep(2.5)
    proc.stdin.close()
    assert proc.wait(timeout=10) == 0
    archives = sorted(p for p in (tmp_path / "log").iterdir() if p.name.startswith("@"))
    assert [p.read_bytes() for p in archives] == [b"tick\n"]  # empty currents: no archive
    assert (tmp_path / "log" / "current").read_bytes() == b""


def test_processor_gets_fd5_with_one_logdir(tmp_path):
    # s6 2.11 loses fd 5 in this layout (one logdir, no -d); logd always has it.
    proc = subprocess.run(LOGD + ["?cat; echo st >&5", "./log"], cwd=tmp_path, input=b"x\n",
                          env=env(), capture_output=True, timeout=30, start_new_session=True)
    assert proc.returncode == 0
    proc = subprocess.Popen(LOGD + ["?cat; echo st >&5", "./log"], cwd=tmp_path,
                            stdin=subprocess.PIPE, stderr=subprocess.PIPE, env=env())
    proc.stdin.write(b"y\n")
    proc.stdin.flush()
    wait_idle(proc)
    proc.send_signal(signal.SIGALRM)
    time.sleep(0.5)
    proc.stdin.close()
    assert proc.wait(timeout=10) == 0, proc.stderr.read()
    assert (tmp_path / "log" / "state").read_bytes() == b"st\n"
