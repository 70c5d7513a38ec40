"""Under load no datagram is lost: N concurrent blocking senders (separate
processes with connected sockets, like syslog(3)), M messages each; every
message is in ``everything`` exactly once, in each sender's order."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from .helpers import Pipeline

SENDER = r'''
import socket, sys
path, sid, count = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.connect(path)
for i in range(count):
    s.send(b"<14>load s%02d m%06d" % (sid, i))
'''


def run_load(tmp_path, senders: int, count: int) -> None:
    p = Pipeline(tmp_path, t_words=["n100", "s4000000", "T"])
    procs = []
    try:
        procs = [subprocess.Popen([sys.executable, "-c", SENDER, str(p.path), str(k), str(count)])
                 for k in range(senders)]
        for proc in procs:
            assert proc.wait(300) == 0
    finally:
        for proc in procs:
            if proc.poll() is None:
                proc.kill()
        rc, lrc = p.stop(120)
    assert (rc, lrc) == (0, 0)
    lines = p.logdir_lines("everything")
    assert len(lines) == senders * count
    seen: dict[int, list[int]] = {}
    for line in lines:
        m = re.fullmatch(rb"user\.info: load s(\d\d) m(\d{6})", line)
        assert m, line
        seen.setdefault(int(m.group(1)), []).append(int(m.group(2)))
    assert sorted(seen) == list(range(senders))
    for k in range(senders):
        assert seen[k] == list(range(count)), "sender %d lost or reordered messages" % k


def test_four_senders(tmp_path):
    run_load(tmp_path, 4, 500)


@pytest.mark.slow
def test_sixteen_senders(tmp_path):
    run_load(tmp_path, 16, 5000)
