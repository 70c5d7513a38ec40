"""logd with %join, as a program: records through selection, stamps, pipes, signals, rotation."""
from __future__ import annotations

import os
import re
import signal
import subprocess
import time
from pathlib import Path

from .conftest import LOGD, TAI, env, run
from .test_reliability import wait_for

TRACE = (b"Traceback (most recent call last):\n"
         b'  File "app.py", line 3, in <module>\n'
         b"    main()\n"
         b"ValueError: ERROR bad input\n")


def test_a_record_is_selected_stamped_and_written_as_one(tmp_path: Path):
    data = b"GET / 200\n" + TRACE + b"GET /x 404\n"
    proc = run(LOGD, ["--", "%join+^([[:space:]]|[[:alpha:]]+Error:)", "-", "+ERROR", "t", "./errors", "f", "t",
                      "./rest"], tmp_path, stdin=data)
    assert proc.returncode == 0, proc.stderr
    errors = TAI.sub(b"@T", (tmp_path / "errors" / "current").read_bytes())
    assert errors == b"@T " + TRACE  # ERROR is on its last line; one stamp, at the head
    rest = TAI.sub(b"@T", (tmp_path / "rest" / "current").read_bytes())
    assert rest == b"@T GET / 200\n@T GET /x 404\n"


def test_without_join_the_same_input_is_lines(tmp_path: Path):
    proc = run(LOGD, ["--", "t", "./d"], tmp_path, stdin=TRACE)
    assert proc.returncode == 0
    assert (tmp_path / "d" / "current").read_bytes().count(b"@") == 4


def _logger(tmp_path: Path, *script: str, rfd: int) -> subprocess.Popen:
    return subprocess.Popen(LOGD + ["--", *script], cwd=tmp_path, stdin=rfd, env=env(),
                            stderr=subprocess.PIPE)


def test_time_limit_and_sigterm_write_the_held_record(tmp_path: Path):
    rfd, wfd = os.pipe()
    proc = _logger(tmp_path, "%join", "%joinms=300", "./d", rfd=rfd)
    current = tmp_path / "d" / "current"
    os.write(wfd, b"one\n  two\n")
    time.sleep(0.1)
    assert not current.exists() or current.read_bytes() == b""  # held: more may come
    assert wait_for(lambda: current.read_bytes() == b"one\n  two\n")
    os.write(wfd, b"  three\nfour\n")
    assert wait_for(lambda: current.read_bytes().endswith(b"[...]   three\n"))
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(20) == 0, proc.stderr.read()
    os.close(rfd)
    os.close(wfd)
    assert current.read_bytes() == b"one\n  two\n[...]   three\nfour\n"


def test_kill_9_while_holding_loses_nothing(tmp_path: Path):
    """The held record stays in the pipe (tee): the next logger writes it whole."""
    rfd, wfd = os.pipe()
    proc = _logger(tmp_path, "%join", "%joinms=60000", "./d", rfd=rfd)
    os.write(wfd, b"first\nsecond\n  cont\n")
    current = tmp_path / "d" / "current"
    assert wait_for(lambda: current.exists() and current.read_bytes() == b"first\n")
    time.sleep(0.2)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    proc = _logger(tmp_path, "%join", "./d", rfd=rfd)
    os.close(rfd)
    os.write(wfd, b"  more\nlast\n")
    os.close(wfd)
    assert proc.wait(30) == 0, proc.stderr.read()
    files = sorted(p for p in (tmp_path / "d").iterdir() if p.name.startswith("@"))
    kept = b"".join(p.read_bytes() for p in files) + current.read_bytes()
    assert kept == b"first\nsecond\n  cont\n  more\nlast\n"


def test_rotation_never_splits_a_record(tmp_path: Path):
    records = [b"rec %d\n" % i + b"".join(b"  line %d.%d %s\n" % (i, k, b"z" * 60)
                                           for k in range(12)) for i in range(60)]
    proc = run(LOGD, ["--", "%join", "s4096", "n100", "t", "./d"], tmp_path,
               stdin=b"".join(records))
    assert proc.returncode == 0, proc.stderr
    files = sorted(p for p in (tmp_path / "d").iterdir() if p.name.startswith("@"))
    assert len(files) > 5
    everything = b""
    for p in files + [tmp_path / "d" / "current"]:
        body = p.read_bytes()
        if body:
            assert body.startswith(b"@"), p  # each file starts with a record's head
        everything += body
    assert re.sub(rb"(?m)^@[0-9a-f]{24} ", b"", everything) == b"".join(records)
    assert everything.count(b"@") == len(records)
