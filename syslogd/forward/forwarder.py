"""The forwarding loop: logdir → RFC 5424 → collector, with a durable cursor.

Every batch sent is remembered with the reader's cursor after it and the
connection's byte count at its end.  A batch is *committed* once the
collector's TCP has acknowledged everything up to ``replay`` bytes past
it, or once the link has been idle and fully acknowledged for ``settle``
seconds: acknowledged bytes may still sit unread in the collector's
socket buffer when it is stopped, and those are what the replay margin
covers.  After a failure the reader goes back to the last committed
cursor and sends from there: the lines between it and the failure are
sent again and counted in ``resent`` (an upper bound of the duplicates
the collector sees).  The committed cursor is saved (``state``) at most
every ``sync_interval`` seconds and at exit, so a forwarder killed -9
resends at most what it sent since the last save.

New lines are noticed through filesystem events (``logd.reading.follow``);
the loop also ticks every ``tick`` seconds while idle to move the commit
point forward.
"""
from __future__ import annotations

import asyncio
import ssl
import sys
import time
from collections import deque
from typing import Callable

from logd.reading.reader import LogdirReader
from syslogd.forward import state
from syslogd.forward.transport import DatagramLink, LinkBroken, StreamLink

READ_SIZE = 64 * 1024


class Forwarder:
    def __init__(self, logdir: str, target, builder: Callable[[bytes], bytes], state_path: str,
                 ssl_context: ssl.SSLContext | None = None, server_hostname: str | None = None,
                 replay: int = 256 * 1024, settle: float = 1.0, sync_interval: float = 1.0,
                 from_end: bool = False, use_aiofiles: bool = False,
                 log: Callable[[str], None] | None = None, rate: int = 0) -> None:
        self.logdir, self.target, self.builder = logdir, target, builder
        self.state_path = state_path
        self.ssl_context, self.server_hostname = ssl_context, server_hostname
        self.replay, self.settle, self.sync_interval = replay, settle, sync_interval
        self.from_end, self.use_aiofiles = from_end, use_aiofiles
        self.rate = rate
        self.log = log or (lambda msg: print(f"s6py forward: {msg}", file=sys.stderr, flush=True))
        self.counters = {"sent": 0, "resent": 0, "reconnects": 0, "failures": 0}
        self.tick = 0.2
        self._wake: asyncio.Event | None = None

    # -- pieces -----------------------------------------------------------
    def _make_link(self):
        wake = self._poke
        if self.target.scheme == "udp":
            return DatagramLink(self.target, wake=wake, rate=self.rate)
        ctx = self.ssl_context if self.target.scheme == "tls" else None
        return StreamLink(self.target, ctx, self.server_hostname, wake=wake)

    def _poke(self) -> None:
        if self._wake is not None:
            self._wake.set()

    def _save(self) -> None:
        state.save(self.state_path, self.committed, self.counters)
        self._saved_at = time.monotonic()
        self._saved = self.committed

    def _commit(self, link, inflight: deque, idle_since: float | None) -> None:
        acked = link.acked()
        settled = (idle_since is not None and acked >= link.sent
                   and time.monotonic() - idle_since >= self.settle)
        limit = link.sent if settled else acked - self.replay
        while inflight and inflight[0][0] <= limit:
            self.committed = inflight.popleft()[1]
        if self.committed is not self._saved and \
                time.monotonic() - self._saved_at >= self.sync_interval:
            self._save()

    async def _read(self, reader: LogdirReader):
        if self.use_aiofiles:
            import aiofiles.os
            return await aiofiles.os.wrap(reader.read)(READ_SIZE)
        return reader.read(READ_SIZE)

    async def _idle(self, stop: asyncio.Event) -> None:
        assert self._wake is not None
        waiter = asyncio.ensure_future(self._wake.wait())
        stopper = asyncio.ensure_future(stop.wait())
        await asyncio.wait({waiter, stopper}, timeout=self.tick,
                           return_when=asyncio.FIRST_COMPLETED)
        for t in (waiter, stopper):
            t.cancel()
        self._wake.clear()

    # -- the loop ---------------------------------------------------------
    async def run(self, stop: asyncio.Event, oneshot: bool = False) -> int:
        """Forward until ``stop`` is set (or, ``oneshot``, until everything
        present is acknowledged).  Returns an exit code."""
        from logd.reading.follow import DirWatcher
        from logd.reading.lastlines import last_lines

        loop = asyncio.get_running_loop()
        self._wake = asyncio.Event()
        reader = LogdirReader(self.logdir)
        saved, counters = state.load(self.state_path)
        self.counters.update({k: v for k, v in counters.items() if k in self.counters})
        if saved is not None:
            reader.restore(saved)
        elif self.from_end:
            reader.restore(last_lines(self.logdir, 0))
        self.committed = self._saved = reader.cursor()
        self._saved_at = time.monotonic()
        watcher = DirWatcher([self.logdir], wake=lambda: loop.call_soon_threadsafe(self._poke))
        backoff, replaying, first = 0.1, 0, True
        try:
            while not stop.is_set():
                link = self._make_link()
                try:
                    await link.open()
                except (OSError, asyncio.TimeoutError, ssl.SSLError) as exc:
                    self.counters["failures"] += 1
                    self.log(f"cannot connect to {self.target}: {exc}; retrying in {backoff:.1f}s")
                    await self._sleep(stop, backoff)
                    backoff = min(backoff * 2, 5.0)
                    continue
                backoff = 0.1
                if not first:
                    self.counters["reconnects"] += 1
                    reader.restore(self.committed)
                first = False
                inflight: deque = deque()
                try:
                    done = await self._pump(link, reader, inflight, stop, oneshot, replaying)
                except (LinkBroken, OSError, ssl.SSLError) as exc:
                    self.counters["failures"] += 1
                    replaying = sum(n for _, _, n in inflight)
                    self.log(f"{self.target}: {exc}; {replaying} lines to send again")
                    await link.close(graceful=False)
                    await self._sleep(stop, 0.1)
                    continue
                await link.close()
                if done:
                    break
        finally:
            watcher.close()
            self._report(reader)
            self._save()
            reader.close()
        return 0

    async def _pump(self, link, reader, inflight: deque, stop, oneshot: bool, replaying: int) -> bool:
        idle_since: float | None = None
        while True:
            if link.error is not None:
                raise LinkBroken(link.error)
            if stop.is_set():
                await self._drain(link, inflight)
                return True
            batch = await self._read(reader)
            self._report(reader)
            if batch is None:
                if idle_since is None:
                    idle_since = time.monotonic()
                self._commit(link, inflight, idle_since)
                if oneshot and not inflight:
                    return True
                await self._idle(stop)
                continue
            idle_since = None
            messages = [self.builder(line) for line in batch.lines]
            await link.send(messages)
            n = len(messages)
            self.counters["sent"] += n
            if replaying:
                again = min(replaying, n)
                self.counters["resent"] += again
                replaying -= again
            inflight.append((link.sent, reader.cursor(), n))
            self._commit(link, inflight, None)

    async def _drain(self, link, inflight: deque) -> None:
        """At exit: wait (a little) for the collector to acknowledge, then
        commit what it did."""
        deadline = time.monotonic() + 2.0
        while link.acked() < link.sent and time.monotonic() < deadline and link.error is None:
            await asyncio.sleep(0.01)
        if link.error is None and link.acked() >= link.sent:
            await link.close()
            while inflight:
                self.committed = inflight.popleft()[1]

    async def _sleep(self, stop: asyncio.Event, seconds: float) -> None:
        try:
            await asyncio.wait_for(stop.wait(), seconds)
        except asyncio.TimeoutError:
            pass

    def _report(self, reader: LogdirReader) -> None:
        for msg in reader.lost:
            self.log(f"warning: {msg}")
        reader.lost.clear()
