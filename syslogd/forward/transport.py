"""Connections to the collector (asyncio): TCP or TLS streams, UDP datagrams.

Both kinds take lists of RFC 5424 messages and say how many of the bytes
sent on this connection are *acknowledged*: for a stream, by the
collector's TCP (bytes sent, minus what still waits in asyncio's buffer,
minus the kernel's unacknowledged send queue, ``SIOCOUTQ``); under TLS
the queue holds ciphertext, which is longer than the plaintext it
carries, so the figure errs on the safe side.  UDP has no
acknowledgements: everything handed to the kernel counts, and a refusal
(ICMP port unreachable: nothing listens) breaks the link so the
forwarder backs off and replays.

A stream link also watches its read side: a collector that closes or
resets the connection breaks the link at once, even when idle.
"""
from __future__ import annotations

import asyncio
import fcntl
import ssl
import struct
import termios
from typing import Callable

from syslogd.forward.message import octet_counted
from syslogd.forward.target import Target

HIGH_WATER = 256 * 1024


class LinkBroken(ConnectionError):
    """The collector went away; the message says how."""


def _outq(sock) -> int:
    try:
        raw = fcntl.ioctl(sock.fileno(), termios.TIOCOUTQ, b"\0\0\0\0")
    except (OSError, ValueError):
        return 0
    return struct.unpack("i", raw)[0]


class StreamLink:
    """TCP (``ssl_context`` None) or TLS, RFC 6587 octet counting."""

    def __init__(self, target: Target, ssl_context: ssl.SSLContext | None = None,
                 server_hostname: str | None = None, wake: Callable[[], None] | None = None):
        self.target = target
        self.ssl_context = ssl_context
        self.server_hostname = server_hostname
        self.wake = wake
        self.sent = 0
        self.error: str | None = None
        self.writer: asyncio.StreamWriter | None = None
        self._watch: asyncio.Task | None = None

    async def open(self, timeout: float = 10.0) -> None:
        kwargs = {}
        if self.ssl_context is not None:
            kwargs = {"ssl": self.ssl_context,
                      "server_hostname": self.server_hostname or self.target.host}
        reader, self.writer = await asyncio.wait_for(
            asyncio.open_connection(self.target.host, self.target.port, **kwargs), timeout)
        self._watch = asyncio.get_running_loop().create_task(self._watch_reads(reader))

    async def _watch_reads(self, reader: asyncio.StreamReader) -> None:
        try:
            while await reader.read(4096):
                pass  # a syslog collector sends nothing; ignore it if it does
            self._broken("the collector closed the connection")
        except (OSError, ssl.SSLError) as exc:
            self._broken(f"connection lost: {exc}")

    def _broken(self, why: str) -> None:
        if self.error is None:
            self.error = why
        if self.wake is not None:
            self.wake()

    async def send(self, messages: list[bytes]) -> None:
        if self.error is not None or self.writer is None:
            raise LinkBroken(self.error or "not connected")
        data = octet_counted(messages)
        self.writer.write(data)
        self.sent += len(data)
        if self.writer.transport.get_write_buffer_size() > HIGH_WATER:
            await self.writer.drain()
        if self.error is not None:
            raise LinkBroken(self.error)

    def acked(self) -> int:
        if self.writer is None:
            return 0
        transport = self.writer.transport
        sock = transport.get_extra_info("socket")
        pending = transport.get_write_buffer_size() + (_outq(sock) if sock is not None else 0)
        return max(0, self.sent - pending)

    async def close(self, graceful: bool = True) -> None:
        if self._watch is not None:
            self._watch.cancel()
        if self.writer is None:
            return
        if graceful and self.error is None:
            try:
                self.writer.close()
                await asyncio.wait_for(self.writer.wait_closed(), 5)
                return
            except (OSError, ssl.SSLError, asyncio.TimeoutError):
                pass
        self.writer.transport.abort()


class _Datagrams(asyncio.DatagramProtocol):
    def __init__(self, link: DatagramLink) -> None:
        self.link = link

    def error_received(self, exc: Exception) -> None:
        self.link._broken(f"collector unreachable: {exc}")


class DatagramLink:
    """UDP, one message per datagram (RFC 5426), cut to ``max_size`` bytes."""

    def __init__(self, target: Target, max_size: int = 8192,
                 wake: Callable[[], None] | None = None, rate: int = 0) -> None:
        self.target = target
        self.max_size = max_size
        self.wake = wake
        # RFC 5426 has no flow control: past what the collector reads, its
        # socket buffer overflows silently.  A rate cap (messages/s) is the
        # only lever the sender has.
        self.rate = rate
        self._paced = 0  # messages sent since _epoch
        self._epoch = 0.0
        self.sent = 0
        self.error: str | None = None
        self.transport: asyncio.DatagramTransport | None = None

    async def open(self, timeout: float = 10.0) -> None:
        loop = asyncio.get_running_loop()
        self.transport, _ = await asyncio.wait_for(loop.create_datagram_endpoint(
            lambda: _Datagrams(self), remote_addr=(self.target.host, self.target.port)), timeout)

    def _broken(self, why: str) -> None:
        if self.error is None:
            self.error = why
        if self.wake is not None:
            self.wake()

    async def send(self, messages: list[bytes]) -> None:
        if self.error is not None or self.transport is None:
            raise LinkBroken(self.error or "not connected")
        loop = asyncio.get_running_loop()
        for m in messages:
            m = m[:self.max_size]
            if self.rate:
                await self._pace(loop)
            self.transport.sendto(m)
            self.sent += len(m)
        while self.transport.get_write_buffer_size() > 0 and self.error is None:
            await asyncio.sleep(0.001)  # the kernel's buffer is full: let it drain
        if self.error is not None:
            raise LinkBroken(self.error)

    async def _pace(self, loop: asyncio.AbstractEventLoop) -> None:
        now = loop.time()
        if not self._paced or now - self._epoch > 1.0 + self._paced / self.rate:
            self._epoch, self._paced = now, 0  # idle for a while: no burst credit
        self._paced += 1
        ahead = self._epoch + self._paced / self.rate - now
        if ahead > 0.002:
            await asyncio.sleep(ahead)

    def acked(self) -> int:
        return self.sent if self.transport is None else \
            self.sent - self.transport.get_write_buffer_size()

    async def close(self, graceful: bool = True) -> None:
        if self.transport is not None:
            self.transport.close()
