"""Connections to the collector (asyncio): TCP or TLS streams, UDP datagrams.

Both kinds take lists of RFC 5424 messages and say how many of the bytes
sent on this connection are *acknowledged*: for a stream, by the
collector's TCP (bytes sent, minus what still waits in asyncio's buffers,
minus the kernel's unacknowledged send queue, ``SIOCOUTQ``); under TLS
the queues hold ciphertext, which is longer than the plaintext it
carries, so the figure errs on the safe side.  The figure is only taken
while the connection is healthy and never goes down: once it breaks,
asyncio empties its buffer and closes the socket, and "nothing pending"
then means "thrown away", not "acknowledged".

An acknowledgement is not a delivery: acknowledged bytes may still sit
unread in the collector's socket receive buffer, and a collector that
stops then (even gracefully) loses them with a reset.  So a stream link
also reports the largest receive window the collector advertised
(``peak_window``, from ``TCP_INFO``): the forwarder's replay margin is
scaled on it.  ``finish`` ends a connection with proof of delivery where
TCP can give one: after everything is acknowledged the forwarder shuts
its side down; a collector that answers with a clean end of stream (no
reset) has read every byte (a kernel closing a socket with unread data
resets the connection instead).  TLS cannot half-close through asyncio,
so a TLS ``finish`` proves nothing.

UDP has no acknowledgements: everything handed to the kernel counts, and
a refusal (ICMP port unreachable: nothing listens) breaks the link so the
forwarder backs off and replays.

A stream link also watches its read side: a collector that closes or
resets the connection breaks the link at once, even when idle.
"""
from __future__ import annotations

import asyncio
import fcntl
import socket
import ssl
import struct
import termios
import time
from typing import Callable

from syslogd.forward.message import octet_counted
from syslogd.forward.target import Target

HIGH_WATER = 256 * 1024


class LinkBroken(ConnectionError):
    """The collector went away; the message says how."""


# struct tcp_info (Linux): bytes the peer acknowledged (4.1+), the window it
# last advertised (5.4+)
TCPI_BYTES_ACKED, TCPI_SND_WND = 120, 228


def _outq(sock) -> int | None:
    """The kernel's unacknowledged send queue; None when it cannot be read."""
    try:
        raw = fcntl.ioctl(sock.fileno(), termios.TIOCOUTQ, b"\0\0\0\0")
    except (OSError, ValueError):
        return None
    return struct.unpack("i", raw)[0]


def _tcp_info(sock) -> tuple[int | None, int]:
    """(bytes the peer acknowledged, counting the SYN; the receive window it
    last advertised): None and 0 where the kernel does not say."""
    try:
        raw = sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_INFO, TCPI_SND_WND + 4)
    except (OSError, ValueError, AttributeError):
        return None, 0
    acked = struct.unpack_from("Q", raw, TCPI_BYTES_ACKED)[0] \
        if len(raw) >= TCPI_BYTES_ACKED + 8 else None
    window = struct.unpack_from("I", raw, TCPI_SND_WND)[0] if len(raw) >= TCPI_SND_WND + 4 else 0
    return acked, window


def _inner(transport):
    """Under TLS, the socket transport that carries the ciphertext."""
    return getattr(getattr(transport, "_ssl_protocol", None), "_transport", None)


def _queued(transport) -> int:
    """Bytes written to ``transport`` that asyncio has not handed to the kernel.

    Under TLS there are two buffers: plaintext waiting for encryption and
    ciphertext waiting for the socket; an SSL transport's
    ``get_write_buffer_size`` counts only one of them (which one depends on
    the Python version), so both are added: counting one twice only makes
    the acknowledged figure smaller."""
    n = transport.get_write_buffer_size()
    inner = _inner(transport)
    if inner is not None:
        n += inner.get_write_buffer_size()
        n += getattr(transport._ssl_protocol, "_write_buffer_size", 0)
    return n


class _Link:
    """What both links share: the first error they met, and who to wake for it."""

    def __init__(self, wake: Callable[[], None] | None) -> None:
        self.wake = wake
        self.sent = 0
        self.error: str | None = None
        self.peak_window = 0  # the largest receive window the collector advertised

    def _broken(self, why: str) -> None:
        if self.error is None:
            self.error = why
        if self.wake is not None:
            self.wake()


class StreamLink(_Link):
    """TCP (``ssl_context`` None) or TLS, RFC 6587 octet counting."""

    def __init__(self, target: Target, ssl_context: ssl.SSLContext | None = None,
                 server_hostname: str | None = None, wake: Callable[[], None] | None = None):
        self.target = target
        self.ssl_context = ssl_context
        self.server_hostname = server_hostname
        super().__init__(wake)
        self.eof = False  # the collector ended the stream cleanly (no reset)
        self.writer: asyncio.StreamWriter | None = None
        self._reader: asyncio.StreamReader | None = None
        self._watch: asyncio.Task | None = None
        self._acked = 0

    async def open(self, timeout: float = 10.0) -> None:
        kwargs = {}
        if self.ssl_context is not None:
            kwargs = {"ssl": self.ssl_context,
                      "server_hostname": self.server_hostname or self.target.host}
        self._reader, self.writer = await asyncio.wait_for(
            asyncio.open_connection(self.target.host, self.target.port, **kwargs), timeout)
        self._watch = asyncio.get_running_loop().create_task(self._watch_reads(self._reader))

    async def _watch_reads(self, reader: asyncio.StreamReader) -> None:
        try:
            while await reader.read(4096):
                pass  # a syslog collector sends nothing; ignore it if it does
            self.eof = True
            self._broken("the collector closed the connection")
        except (OSError, ssl.SSLError) as exc:
            self._broken(f"connection lost: {exc}")

    async def send(self, messages: list[bytes]) -> None:
        if not self._healthy():  # what is written now would be dropped
            raise LinkBroken(self.error or ("the connection is closing" if self.writer
                                            else "not connected"))
        data = octet_counted(messages)
        self.writer.write(data)
        self.sent += len(data)
        if self.writer.transport.get_write_buffer_size() > HIGH_WATER:
            await self.writer.drain()
        if self.error is not None:
            raise LinkBroken(self.error)

    def _healthy(self) -> bool:
        """Nothing has begun to tear the connection down, at any layer.

        (asyncio silently drops what is written to a transport on its way
        out, and TLS keeps its application transport open a little longer
        than the socket transport under it.)"""
        if self.writer is None or self.error is not None or self._reader is None:
            return False
        transport = self.writer.transport
        inner = _inner(transport)
        return not (transport.is_closing() or (inner is not None and inner.is_closing())
                    or self._reader.at_eof() or self._reader.exception() is not None)

    def acked(self) -> int:
        """Bytes of this connection acknowledged by the collector's TCP.

        Measured only while the connection is healthy (afterwards the last
        measurement stands), and never more than the kernel says the peer
        acknowledged (under TLS: ciphertext, longer than the plaintext)."""
        if not self._healthy():
            return self._acked
        transport = self.writer.transport
        sock = transport.get_extra_info("socket")
        outq = _outq(sock) if sock is not None else None
        if outq is None:
            return self._acked
        acked = self.sent - _queued(transport) - outq
        kernel, window = _tcp_info(sock)
        if kernel is not None:
            acked = min(acked, kernel - 1)  # the SYN counts one
        self.peak_window = max(self.peak_window, window)
        self._acked = max(self._acked, acked)
        return self._acked

    async def finish(self, timeout: float = 2.0) -> bool:
        """End the connection; True if the collector provably read everything.

        Waits (up to ``timeout``) for every byte to be acknowledged, shuts
        the sending side down, and waits for the collector's end of stream:
        clean, it had read all of it; a reset, it had not.  TLS: False."""
        deadline = time.monotonic() + timeout
        while self.acked() < self.sent and self.error is None and time.monotonic() < deadline:
            await asyncio.sleep(0.01)
        proved = False
        if self.writer is not None and self.error is None and self.acked() >= self.sent \
                and self.writer.can_write_eof():
            try:
                self.writer.write_eof()
            except OSError:
                pass
            else:
                while self.error is None and time.monotonic() < deadline:
                    await asyncio.sleep(0.01)
                proved = self.eof
        await self.close(graceful=not proved)
        return proved

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


class DatagramLink(_Link):
    """UDP, one message per datagram (RFC 5426), cut to ``max_size`` bytes."""

    def __init__(self, target: Target, max_size: int = 8192,
                 wake: Callable[[], None] | None = None, rate: int = 0) -> None:
        self.target = target
        self.max_size = max_size
        super().__init__(wake)  # no flow control, so no window: peak_window stays 0
        # RFC 5426 has no flow control: past what the collector reads, its
        # socket buffer overflows silently.  A rate cap (messages/s) is the
        # only lever the sender has.
        self.rate = rate
        self._paced = 0  # messages sent since _epoch
        self._epoch = 0.0
        self.transport: asyncio.DatagramTransport | None = None

    async def open(self, timeout: float = 10.0) -> None:
        loop = asyncio.get_running_loop()
        self.transport, _ = await asyncio.wait_for(loop.create_datagram_endpoint(
            lambda: _Datagrams(self), remote_addr=(self.target.host, self.target.port)), timeout)

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

    async def finish(self, timeout: float = 2.0) -> bool:
        """UDP can prove nothing more than that the kernel took every datagram."""
        deadline = time.monotonic() + timeout
        while self.acked() < self.sent and self.error is None and time.monotonic() < deadline:
            await asyncio.sleep(0.01)
        done = self.error is None and self.acked() >= self.sent
        await self.close()
        return done

    async def close(self, graceful: bool = True) -> None:
        if self.transport is not None:
            self.transport.close()
