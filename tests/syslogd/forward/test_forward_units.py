"""The forwarder's pure parts, its state file, and restarts of the forwarder
itself against an in-process TCP collector (no rsyslog needed)."""
from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import time

import pytest

from logd.reading.cursor import Cursor, SegId
from syslogd.forward import state
from syslogd.forward.message import Builder, header_field, octet_counted
from syslogd.forward.target import Target, parse_target
from tests.logd.reading.helpers import env, feed, start_logger

LABEL = b"@400000006b0ad02d364b2c6c"  # 2026-11-28 12:58:48.910896236 UTC


def test_builder_maps_lines_to_rfc5424():
    b = Builder("host", "svc", facility=3, severity=6)
    assert b(LABEL + b" plain text") == \
        b"<30>1 2026-11-28T12:58:48.910896Z host svc - - - plain text"
    assert b(b"no stamp at all") == b"<30>1 - host svc - - - no stamp at all"
    assert b(LABEL + b" kern.emerg: boom") == \
        b"<0>1 2026-11-28T12:58:48.910896Z host svc - - - boom"
    assert b(LABEL + b" unknown.warn: odd") == \
        b"<28>1 2026-11-28T12:58:48.910896Z host svc - - - odd"
    line = LABEL + b' auth.info: 1 2026-01-01T00:00:00Z h2 sshd 9 M1 [a@1 x="y"] \xff bytes'
    assert b(line) == b'<38>1 2026-01-01T00:00:00Z h2 sshd 9 M1 [a@1 x="y"] \xff bytes'
    assert b(LABEL + b" local0.err: Nov  2 02:03:04 web app[12]: hi") == \
        b"<131>1 2026-11-28T12:58:48.910896Z web app 12 - - hi"


def test_header_fields_are_printable_and_bounded():
    assert header_field("", 10) == b"-"
    assert header_field("my host\u00e9", 255) == b"my_host__"
    assert header_field("x" * 60, 48) == b"x" * 48
    assert Builder("a b", "x" * 99)(b"m").startswith(b"<13>1 - a_b " + b"x" * 48 + b" ")


def test_octet_counting():
    assert octet_counted([b"<13>1 - - - - - - a", b"\xc3\xa9"]) == \
        b"19 <13>1 - - - - - - a2 \xc3\xa9"


@pytest.mark.parametrize("text,expected", [
    ("tcp://collector:1514", Target("tcp", "collector", 1514)),
    ("tls://logs.example", Target("tls", "logs.example", 6514)),
    ("udp://127.0.0.1", Target("udp", "127.0.0.1", 514)),
    ("TCP://[::1]:601/", Target("tcp", "::1", 601)),
])
def test_targets(text, expected):
    assert parse_target(text) == expected
    assert parse_target(str(expected)) == expected


@pytest.mark.parametrize("bad", ["collector:514", "http://x", "tcp://", "tcp://h:0",
                                 "tcp://h:99999", "tcp://[::1", "udp://h:abc"])
def test_bad_targets(bad):
    with pytest.raises(ValueError):
        parse_target(bad)


def test_state_is_replaced_atomically(tmp_path):
    path = str(tmp_path / "d" / "c.json")
    assert state.load(path) == (None, {})
    c = Cursor("@a", SegId(1, 2, b"h"), "current", "", 10, ())
    state.save(path, c, {"sent": 3})
    assert state.load(path) == (c, {"sent": 3})
    assert os.listdir(tmp_path / "d") == ["c.json"]
    (tmp_path / "d" / "c.json").write_text("{")
    with pytest.raises(ValueError, match="corrupt"):
        state.load(path)
    assert state.default_state_path("/var/log/x", "/st") == "/st/%2Fvar%2Flog%2Fx.cursor.json"


class Collector:
    """A TCP syslog collector in a thread-free asyncio server, for counting."""

    def __init__(self) -> None:
        self.frames: list[bytes] = []

    async def handle(self, reader, writer) -> None:
        buf = b""
        while data := await reader.read(65536):
            buf += data
            while b" " in buf:
                n, _, rest = buf.partition(b" ")
                if len(rest) < int(n):
                    break
                self.frames.append(rest[:int(n)])
                buf = rest[int(n):]
        writer.close()


def run_collector(port_file, out_file, until_count):
    """Runs in a subprocess: collect frames until ``until_count``, write them."""
    async def main():
        col = Collector()
        server = await asyncio.start_server(col.handle, "127.0.0.1", 0)
        port_file.write_text(str(server.sockets[0].getsockname()[1]))
        while len({f.rsplit(b" ", 2)[1] for f in col.frames}) < until_count:
            await asyncio.sleep(0.05)
        out_file.write_bytes(b"\n".join(col.frames))
    asyncio.run(main())


def test_forwarder_killed_9_resumes_from_its_cursor(tmp_path):
    """kill -9 of the forwarder itself: the next one resumes from the saved
    cursor; nothing is lost, and what comes twice is bounded."""
    import threading

    port_file, out_file = tmp_path / "port", tmp_path / "frames"
    total = 3000
    t = threading.Thread(target=run_collector, args=(port_file, out_file, total), daemon=True)
    t.start()
    while not port_file.exists() or not port_file.read_text():
        time.sleep(0.01)
    url = f"tcp://127.0.0.1:{port_file.read_text()}"
    logger = start_logger(["n100", "s8192", "t", "./log"], tmp_path)
    cmd = [sys.executable, "-m", "syslogd.forward", str(tmp_path / "log"), "--to", url,
           "--state", str(tmp_path / "st.json"), "--replay", "0"]
    feed(logger, 0, 1500)
    fwd = subprocess.Popen(cmd, env=env(), stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 30
    while not (tmp_path / "st.json").exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(1.5)  # a save or two; not needed for correctness, only for a non-trivial resume
    fwd.send_signal(signal.SIGKILL)
    fwd.wait()
    saved = json.loads((tmp_path / "st.json").read_text())["cursor"]
    feed(logger, 1500, 1500)
    logger.stdin.close()
    assert logger.wait(30) == 0
    fwd = subprocess.Popen(cmd + ["--oneshot"], env=env(), stderr=subprocess.DEVNULL)
    assert fwd.wait(60) == 0
    t.join(30)
    frames = out_file.read_bytes().split(b"\n")
    nums = [int(f.rsplit(b" ", 2)[1]) for f in frames]
    assert sorted(set(nums)) == list(range(total))
    assert saved["seg"] is not None or saved["after"]  # it had saved a real position
    assert len(nums) - total < 1500  # the resume did not start from scratch
