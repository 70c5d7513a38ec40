"""What the forwarder may take as delivered (no rsyslog needed).

A TCP acknowledgement only says the collector's kernel has the bytes: they
may still sit unread in its receive buffer, and a collector stopped then
(gracefully: it closes its socket) loses them with a reset.  So: the
commit point stays a margin behind the acknowledged bytes, a margin scaled
on the receive window the collector advertised, whatever the idle time;
the acknowledged figure never counts what a broken connection threw away;
and only a clean end of stream answering the forwarder's own proves that
everything was read.
"""
from __future__ import annotations

import asyncio
import fcntl
import json
import signal
import socket
import ssl
import struct
import subprocess
import sys
import termios
import threading
import time
from collections import deque

import pytest

from logd.reading.cursor import Cursor, SegId
from syslogd.forward import state
from syslogd.forward.forwarder import REPLAY_FLOOR, WINDOW_FACTOR, Forwarder
from syslogd.forward.target import Target
from syslogd.forward.transport import StreamLink
from tests.logd.reading.helpers import env, feed, start_logger

from .collector import make_tls_files


class FakeLink:
    def __init__(self, sent: int, acked: int, peak_window: int = 0) -> None:
        self.sent, self._acked, self.peak_window = sent, acked, peak_window

    def acked(self) -> int:
        return self._acked


def forwarder(tmp_path, replay=None) -> Forwarder:
    fwd = Forwarder(str(tmp_path), Target("tcp", "127.0.0.1", 1), bytes, str(tmp_path / "st"),
                    replay=replay)
    fwd.committed = fwd._saved = "start"
    fwd._saved_at = time.monotonic()  # no save during the test
    return fwd


def batches(n: int, size: int) -> deque:
    """``n`` batches of ``size`` bytes: (bytes sent at its end, cursor, lines)."""
    return deque(((i + 1) * size, f"after {i}", 10) for i in range(n))


def test_commit_keeps_a_margin_behind_the_acknowledged_bytes(tmp_path):
    fwd = forwarder(tmp_path)
    link = FakeLink(sent=1 << 20, acked=1 << 20)
    inflight = batches(16, 1 << 16)
    for _ in range(3):  # idle and fully acknowledged, as long as you like: no more
        fwd._commit(link, inflight)
    assert fwd.margin(link) == REPLAY_FLOOR == 256 * 1024
    assert fwd.committed == "after 11" and len(inflight) == 4  # (1 MiB - 256 KiB) / 64 KiB


def test_the_margin_follows_the_collectors_receive_window(tmp_path):
    fwd = forwarder(tmp_path)
    link = FakeLink(sent=4 << 20, acked=4 << 20, peak_window=600_000)
    inflight = batches(64, 1 << 16)
    fwd._commit(link, inflight)
    assert fwd.margin(link) == WINDOW_FACTOR * 600_000 >= 1_200_000
    assert inflight[0][0] > (4 << 20) - 1_200_000 >= inflight[0][0] - (1 << 16)
    # nothing acknowledged past the margin yet: nothing committed
    fwd = forwarder(tmp_path)
    inflight = batches(4, 1 << 16)
    fwd._commit(FakeLink(sent=1 << 18, acked=1 << 18, peak_window=200_000), inflight)
    assert fwd.committed == "start" and len(inflight) == 4


def test_an_explicit_replay_is_taken_as_is(tmp_path):
    fwd = forwarder(tmp_path, replay=0)
    link = FakeLink(sent=1 << 18, acked=3 << 16, peak_window=600_000)
    inflight = batches(4, 1 << 16)
    fwd._commit(link, inflight)
    assert fwd.margin(link) == 0
    assert fwd.committed == "after 2" and len(inflight) == 1


def test_resent_counts_every_line_sent_twice_across_failures(tmp_path):
    """A link that breaks during a replay: the next one sends again both what
    it resent and what the replay had not reached yet."""
    class Reader:
        def cursor(self):
            return "c"

    fwd = forwarder(tmp_path, replay=0)
    link, reader = FakeLink(sent=0, acked=0), Reader()

    def send(lines):
        link.sent += 100
        fwd._account(link, reader, fwd._inflight, lines)

    for _ in range(5):
        send(10)
    link._acked = 200
    fwd._commit(link, fwd._inflight)  # 20 lines committed
    assert fwd._rewind() == 30
    link.sent = link._acked = 0  # a new connection, from the committed cursor
    send(10)
    assert fwd.counters["resent"] == 10 and fwd._rewind() == 30
    link.sent = 0
    for _ in range(4):
        send(10)
    assert fwd.counters == {"sent": 100, "resent": 40, "reconnects": 0, "failures": 0}
    assert fwd._unconfirmed() == 40  # what the next run must count, if it stopped here


def test_the_state_keeps_what_the_next_run_sends_again(tmp_path):
    path = str(tmp_path / "st.json")
    c = Cursor("@a", SegId(1, 2, b"h"), "current", "", 10, ())
    state.save(path, c, {"sent": 7}, 5)
    assert state.load_all(path) == (c, {"sent": 7}, 5)
    assert state.load(path) == (c, {"sent": 7})
    state.save(path, c, {})
    assert state.load_all(path) == (c, {}, 0)


def _fionread(sock: socket.socket) -> int:
    raw = fcntl.ioctl(sock.fileno(), termios.FIONREAD, b"\0\0\0\0")
    return struct.unpack("i", raw)[0]


@pytest.mark.parametrize("tls", [False, True])
def test_a_reset_connection_acknowledges_nothing_more(tmp_path, tls):
    """Once reset, asyncio drops its buffers, closes the socket and drops
    what is still written: an empty send queue then means "thrown away",
    not "acknowledged", at either layer of a TLS connection."""
    server_ctx = client_ctx = None
    if tls:
        pki = make_tls_files(tmp_path / "pki")
        server_ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        server_ctx.load_cert_chain(pki["cert"], pki["key"])
        client_ctx = ssl.create_default_context(cafile=str(pki["ca"]))
    srv = socket.create_server(("127.0.0.1", 0))
    accepted, reset = [], threading.Event()

    def serve():
        conn, _ = srv.accept()
        if server_ctx is not None:
            conn = server_ctx.wrap_socket(conn, server_side=True)
        accepted.append(conn)
        reset.wait(30)
        conn.close()  # with unread data: the kernel resets the connection

    async def main():
        link = StreamLink(Target("tls" if tls else "tcp", "127.0.0.1", srv.getsockname()[1]),
                          client_ctx, "localhost")
        await link.open()
        for _ in range(40):  # far more than the collector's buffers: it never reads
            link.writer.write(b"x" * 100_000)
            link.sent += 100_000
            link.acked()  # as the forwarder does after each batch (the window is sampled)
            await asyncio.sleep(0.005)
        await asyncio.sleep(0.2)
        before = link.acked()
        assert 0 < before < link.sent
        assert _fionread(accepted[0]) <= before + 64 * 1024  # TLS: ciphertext
        assert link.peak_window > 0
        reset.set()
        seen = []
        for _ in range(40):  # as the forwarder would: write, then look
            link.writer.write(b"y" * 10_000)
            link.sent += 10_000
            seen.append(link.acked())
            await asyncio.sleep(0.005)
        assert link.error is not None and not link.eof
        assert max(seen) == before < link.sent
        await link.close(graceful=False)

    t = threading.Thread(target=serve, daemon=True)
    t.start()
    try:
        asyncio.run(main())
    finally:
        reset.set()
        t.join(10)
        srv.close()


def test_finish_proves_delivery_only_on_a_clean_end_of_stream():
    def reads_all(conn):
        while conn.recv(65536):
            pass

    def never_reads(conn):
        time.sleep(0.3)  # closed with unread data: a reset

    def never_closes(conn):
        while conn.recv(65536):
            pass
        time.sleep(1.5)

    async def finish(handler) -> bool:
        srv = socket.create_server(("127.0.0.1", 0))

        def serve():
            conn, _ = srv.accept()
            with conn:
                handler(conn)
        t = threading.Thread(target=serve, daemon=True)
        t.start()
        link = StreamLink(Target("tcp", "127.0.0.1", srv.getsockname()[1]))
        await link.open()
        await link.send([b"<13>1 - - - - - - hello"] * 1000)
        proved = await link.finish(timeout=1.0)
        t.join(5)
        srv.close()
        return proved

    assert asyncio.run(finish(reads_all)) is True
    assert asyncio.run(finish(never_reads)) is False
    assert asyncio.run(finish(never_closes)) is False


class StallingCollector:
    """A TCP collector with a large receive buffer that can stop reading,
    then close with unread data (a reset), as a stalled collector being
    stopped does; and start again on the same port."""

    def __init__(self, rcvbuf: int) -> None:
        self.rcvbuf, self.port = rcvbuf, 0
        self.numbers: list[int] = []
        self.stall, self.quit = threading.Event(), threading.Event()
        self.conn: socket.socket | None = None

    def start(self) -> None:
        srv = socket.socket()
        srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        srv.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, self.rcvbuf)  # inherited
        srv.bind(("127.0.0.1", self.port))
        srv.listen()
        srv.settimeout(0.05)
        self.port = srv.getsockname()[1]
        self.stall.clear()
        self.quit.clear()
        self.thread = threading.Thread(target=self._run, args=(srv,), daemon=True)
        self.thread.start()

    def _run(self, srv: socket.socket) -> None:
        with srv:
            while not self.quit.is_set():
                try:
                    conn, _ = srv.accept()
                    break
                except socket.timeout:
                    continue
            else:
                return
        self.conn = conn
        conn.settimeout(0.05)
        buf = b""
        with conn:
            while not self.quit.is_set():
                if self.stall.is_set():
                    time.sleep(0.01)
                    continue
                try:
                    data = conn.recv(65536)
                except socket.timeout:
                    continue
                if not data:
                    break
                buf += data
                while b" " in buf:
                    n, _, rest = buf.partition(b" ")
                    if len(rest) < int(n):
                        break
                    self.numbers.append(int(rest[:int(n)].rsplit(b" ", 2)[1]))
                    buf = rest[int(n):]

    def unread(self) -> int:
        return _fionread(self.conn) if self.conn is not None else 0

    def stop(self) -> None:
        self.quit.set()
        self.thread.join(10)


def wait_until(pred, timeout: float = 60.0) -> bool:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if pred():
            return True
        time.sleep(0.02)
    return pred()


def test_a_stalled_collector_stopped_with_megabytes_unread_loses_nothing(tmp_path):
    """The collector reads, stalls while lines keep coming (its kernel
    acknowledges megabytes it never reads, and the link goes idle), then
    closes: all of that must be sent again, and counted."""
    col = StallingCollector(4 << 20)
    col.start()
    logger = start_logger(["n1000", "s200000", "./log"], tmp_path)
    assert wait_until(lambda: (tmp_path / "log").is_dir(), 30)
    st = tmp_path / "st.json"
    fwd = subprocess.Popen([sys.executable, "-m", "syslogd.forward", str(tmp_path / "log"),
                            "--to", f"tcp://127.0.0.1:{col.port}", "--state", str(st)],
                           env=env(), stderr=subprocess.PIPE)
    total = 61000
    try:
        feed(logger, 0, 20000, batch=500)
        assert wait_until(lambda: len(col.numbers) >= 20000)
        col.stall.set()
        feed(logger, 20000, 40000, batch=500)
        time.sleep(1.5)
        unread = col.unread()
        col.stop()  # closes with unread data: a reset
        feed(logger, 60000, 1000)
        col.start()
        logger.stdin.close()
        assert logger.wait(60) == 0
        arrived = wait_until(lambda: set(col.numbers) >= set(range(total)))
        fwd.send_signal(signal.SIGTERM)
        assert fwd.wait(30) == 0
        missing = sorted(set(range(total)) - set(col.numbers))
        assert arrived, f"{len(missing)} missing, from {missing[:1]} to {missing[-1:]}"
    finally:
        if fwd.poll() is None:
            fwd.kill()
            fwd.wait()
        print(fwd.stderr.read().decode(errors="replace"))
        fwd.stderr.close()
        col.stop()
    counters = json.loads(st.read_text())["counters"]
    dups = len(col.numbers) - total
    print(f"unread at the stop: {unread} bytes; {dups} duplicates, counters {counters}")
    assert unread > 4 * REPLAY_FLOOR  # the case at hand: far more than a fixed margin
    assert dups <= counters["resent"]
    assert counters["sent"] == total + counters["resent"]
    assert counters["failures"] >= 1 and counters["reconnects"] >= 1
