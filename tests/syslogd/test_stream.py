"""``-S path``: our extension for syslog() implementations that use (or
fall back to) a stream socket.  Records end with NUL or newline, or are
RFC 6587 octet-counted; each non-empty one becomes a line formatted
exactly as a datagram would be (glibc ends "msg\n" with "\n\0": one
line, as over a datagram socket)."""

from __future__ import annotations

import json
import logging.handlers
import os
import signal
import socket
import subprocess
import sys
import time

import pytest

from .helpers import LOGGER, Socklog, can_unshare, env, sync
from .test_clients import DEVLOG, GLIBC


@pytest.fixture
def served(tmp_path):
    spath = tmp_path / "stream.sock"
    s = Socklog(tmp_path, ["-S", str(spath), "-l", "100"])
    s.stream_path = spath
    yield s
    s.kill()


def wait_for(s: Socklog, token: bytes, timeout: float = 20) -> None:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if token in s.output():
            return
        time.sleep(0.01)
    raise AssertionError("%r never arrived" % token)


def test_records_from_a_stream_client(served):
    c = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    c.connect(str(served.stream_path))
    c.sendall(b"<14>one\0<11>tw")
    time.sleep(0.05)
    c.sendall(b"o\0<30>three\n\n<13>" + b"z" * 200 + b"\n<13>after long\0<13>unterminated")
    c.close()
    wait_for(served, b"unterminated")
    served.send(b"<13>dgram still works")
    sync(served)
    assert served.stop() == 0
    assert served.lines() == [
        b"user.info: one", b"user.err: two", b"daemon.info: three",
        b"user.notice: " + b"z" * 97 + b"...", b"user.notice: after long",
        b"user.notice: unterminated", b"user.notice: dgram still works",
        b"local7.debug: sync-marker"]


def test_python_handler_falls_back_to_stream(served):
    h = logging.handlers.SysLogHandler(address=str(served.stream_path))
    assert h.socktype == socket.SOCK_STREAM
    lg = logging.getLogger("stream-test")
    lg.propagate = False
    lg.addHandler(h)
    lg.warning("via stream")
    h.close()
    wait_for(served, b"via stream")
    assert served.stop() == 0
    assert served.lines() == [b"user.warn: via stream"]


@pytest.mark.skipif(not LOGGER, reason="util-linux logger not installed")
def test_logger_tcp_style_and_octet_counting(served):
    path = str(served.stream_path)
    subprocess.run([LOGGER, "-T", "-u", path, "-t", "t", "plain"], check=True, timeout=20)
    subprocess.run([LOGGER, "-T", "-u", path, "-t", "t", "--octet-count", "counted"],
                   check=True, timeout=20)
    subprocess.run([LOGGER, "-T", "-u", path, "-t", "t"], input=b"a\nb\n", check=True, timeout=20)
    wait_for(served, b"t: b")
    assert served.stop() == 0
    lines = served.lines()
    assert len(lines) == 4
    assert all(ln.startswith(b"user.notice: ") for ln in lines), lines
    assert [ln.rsplit(b": ", 1)[1] for ln in lines] == [b"plain", b"counted", b"a", b"b"]


def test_many_clients_at_once(served):
    clients = []
    for i in range(300):
        c = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        c.connect(str(served.stream_path))
        c.sendall(b"<13>client %d\0" % i)
        clients.append(c)
    for c in clients:
        c.close()
    for i in range(300):
        wait_for(served, b"client %d\n" % i)
    assert served.stop() == 0
    assert sorted(served.lines()) == sorted(b"user.notice: client %d" % i for i in range(300))


def test_sigterm_flushes_open_stream_clients(served):
    c = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    c.connect(str(served.stream_path))
    c.sendall(b"<13>partial record")
    time.sleep(0.2)
    assert served.stop() == 0
    c.close()
    assert served.lines() == [b"user.notice: partial record"]


@pytest.mark.root
@pytest.mark.skipif(not can_unshare(), reason="needs root and unshare -m")
def test_glibc_falls_back_to_a_stream_dev_log(served):
    cfg = {"ident": "g", "records": [[6, "one"], [3, "two\n"]]}
    subprocess.run(["unshare", "-m", "sh", "-c", DEVLOG, str(served.stream_path), sys.executable,
                    "-c", GLIBC, json.dumps(cfg)], check=True, timeout=30, env=env())
    wait_for(served, b"two")
    assert served.stop() == 0
    lines = served.lines()
    assert [ln.split(b" ", 1)[0] for ln in lines] == [b"user.info:", b"user.err:"]
    assert lines[0].endswith(b" g: one") and lines[1].endswith(b" g: two")


def test_out_of_descriptors_pauses_instead_of_spinning(tmp_path):
    import resource

    from .helpers import SOCKLOG, spawn_notify

    spath = tmp_path / "stream.sock"
    out = open(tmp_path / "out", "wb")

    def low_limit():
        resource.setrlimit(resource.RLIMIT_NOFILE, (24, 24))

    proc, ready = spawn_notify(SOCKLOG + ["-d{fd}", "-x", str(tmp_path / "d.sock"), "-S", str(spath)],
                               stdout=out, stderr=subprocess.DEVNULL, preexec_fn=low_limit)
    clients = []
    try:
        assert ready == b"\n"
        for i in range(40):
            c = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            c.connect(str(spath))
            c.sendall(b"<13>client %d\n" % i)
            clients.append(c)
        time.sleep(1.5)
        fields = open("/proc/%d/stat" % proc.pid).read().rsplit(")", 1)[1].split()
        cpu = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        assert cpu < 0.5, "spinning: %.2f s of CPU" % cpu
        for c in clients:
            c.close()
        end = time.monotonic() + 20
        while (tmp_path / "out").read_bytes().count(b"\n") < 40 and time.monotonic() < end:
            time.sleep(0.05)
    finally:
        proc.send_signal(signal.SIGTERM)
        rc = proc.wait(20)
        out.close()
    assert rc == 0
    assert sorted((tmp_path / "out").read_bytes().split(b"\n")[:-1]) == sorted(
        b"user.notice: client %d" % i for i in range(40))
