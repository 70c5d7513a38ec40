"""UDP pacing: RFC 5426 has no flow control, so the sender caps its rate."""
from __future__ import annotations

import asyncio
import socket
import time

from syslogd.forward.target import parse_target
from syslogd.forward.transport import DatagramLink


def test_rate_cap_spreads_messages_and_loses_none():
    rx = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    rx.bind(("127.0.0.1", 0))
    rx.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 20)
    port = rx.getsockname()[1]
    messages = [b"<13>1 - - - - - - m%04d" % i for i in range(400)]

    async def send() -> float:
        link = DatagramLink(parse_target(f"udp://127.0.0.1:{port}"), rate=2000)
        await link.open()
        t0 = time.monotonic()
        await link.send(messages[:200])
        await link.send(messages[200:])
        elapsed = time.monotonic() - t0
        await link.close()
        return elapsed

    elapsed = asyncio.run(send())
    got = []
    rx.settimeout(2)
    while len(got) < len(messages):
        got.append(rx.recv(9000))
    rx.close()
    assert got == messages
    assert elapsed >= 0.9 * len(messages) / 2000  # a cap: never faster than asked
