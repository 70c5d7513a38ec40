"""The forwarding loop: logdir → RFC 5424 → collector, with a durable cursor.

Every batch sent is remembered with the reader's cursor after it and the
connection's byte count at its end.  A batch is *committed* once the
collector's TCP has acknowledged everything up to a *replay margin* past
it.  An acknowledgement is not a delivery: acknowledged bytes may still
sit unread in the collector's socket receive buffer, and a collector
stopped then, even gracefully, loses them (its kernel resets the
connection).  That buffer holds at most about the receive window the
collector advertises, so the margin is ``replay`` bytes when given, else
the larger of ``REPLAY_FLOOR`` and ``WINDOW_FACTOR`` times the largest
window the collector advertised on this connection (measured: a stalled
rsyslog held 1.0-1.3 times that window unread, up to 600 kB on loopback,
where a fixed 256 kB lost lines).  Being idle proves nothing (a collector
may be stalled): nothing is committed past the margin for it.

A connection ends with proof of delivery when the forwarder stops or, in
``oneshot`` mode, has caught up: ``link.finish`` half-closes and a clean
end of stream from the collector means it read every byte; then
everything is committed.  Without that proof (TLS, a reset, a timeout) the
uncommitted lines are sent again by the next run.

After a failure the reader goes back to the last committed cursor and
sends from there.  Every line sent again is counted in ``resent``: the
lines past the committed cursor that were already sent once (on this
connection or on earlier ones whose replay was cut short, or by the
previous run: ``state`` keeps their number as ``unconfirmed``), an upper
bound of the duplicates the collector sees.  The committed cursor is
saved at most every ``sync_interval`` seconds and at exit, so a forwarder
killed -9 resends at most what it sent since the last save (those lines,
sent after the save, are not counted).

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
REPLAY_FLOOR = 256 * 1024
WINDOW_FACTOR = 2


class Forwarder:
    def __init__(self, logdir: str, target, builder: Callable[[bytes], bytes], state_path: str,
                 ssl_context: ssl.SSLContext | None = None, server_hostname: str | None = None,
                 replay: int | None = None, sync_interval: float = 1.0,
                 from_end: bool = False, use_aiofiles: bool = False,
                 log: Callable[[str], None] | None = None, rate: int = 0,
                 keep: Callable[[list[bytes]], list[bytes]] | None = None) -> None:
        self.logdir, self.target, self.builder = logdir, target, builder
        self.state_path = state_path
        self.ssl_context, self.server_hostname = ssl_context, server_hostname
        self.replay, self.sync_interval = replay, sync_interval
        self.from_end, self.use_aiofiles = from_end, use_aiofiles
        self.rate = rate
        self.keep = keep  # the --grep/--exclude filter (linefilter.py), if any
        self.log = log or (lambda msg: print(f"s6py forward: {msg}", file=sys.stderr, flush=True))
        self.counters = {"sent": 0, "resent": 0, "reconnects": 0, "failures": 0}
        self.tick = 0.2
        self._wake: asyncio.Event | None = None
        self._inflight: deque = deque()  # (bytes sent at its end, cursor after it, lines)
        self._again = 0  # lines past the committed cursor already sent once, not yet again

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

    def _unconfirmed(self) -> int:
        """Lines past the committed cursor that have been sent at least once."""
        return self._again + sum(n for _, _, n in self._inflight)

    def _rewind(self) -> int:
        """After a failure: everything past the committed cursor that was
        sent (on this link, and by an earlier replay this link had not
        reached yet) will be sent again; how many lines that is."""
        self._again = self._unconfirmed()
        self._inflight.clear()
        return self._again

    def _save(self) -> None:
        state.save(self.state_path, self.committed, self.counters, self._unconfirmed())
        self._saved_at = time.monotonic()
        self._saved = self.committed

    def margin(self, link) -> int:
        """Acknowledged bytes still sent again after a failure on ``link``."""
        if self.replay is not None:
            return self.replay
        return max(REPLAY_FLOOR, WINDOW_FACTOR * link.peak_window)

    def _commit(self, link, inflight: deque) -> None:
        limit = link.acked() - self.margin(link)
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
        saved, counters, self._again = state.load_all(self.state_path)
        self.counters.update({k: v for k, v in counters.items() if k in self.counters})
        if saved is not None:
            reader.restore(saved)
        elif self.from_end:
            reader.restore(last_lines(self.logdir, 0))
        self.committed = self._saved = reader.cursor()
        self._saved_at = time.monotonic()
        watcher = DirWatcher([self.logdir], wake=lambda: loop.call_soon_threadsafe(self._poke))
        backoff, first = 0.1, True
        inflight = self._inflight
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
                try:
                    done = await self._pump(link, reader, inflight, stop, oneshot)
                except (LinkBroken, OSError, ssl.SSLError) as exc:
                    self.counters["failures"] += 1
                    self.log(f"{self.target}: {exc}; {self._rewind()} lines to send again")
                    await link.close(graceful=False)
                    await self._sleep(stop, 0.1)
                    continue
                if done:
                    break
        finally:
            watcher.close()
            self._report(reader)
            self._save()
            reader.close()
        return 0

    async def _pump(self, link, reader, inflight: deque, stop, oneshot: bool) -> bool:
        while True:
            if link.error is not None:
                raise LinkBroken(link.error)
            if stop.is_set():
                await self._finish(link, inflight)
                return True
            batch = await self._read(reader)
            self._report(reader)
            if batch is None:
                self._commit(link, inflight)
                if oneshot:
                    # done unless the link broke while finishing (then replay);
                    # without a proof (TLS) the next run sends the rest again
                    if await self._finish(link, inflight) or link.error is None:
                        return True
                    raise LinkBroken(link.error)
                await self._idle(stop)
                continue
            lines = batch.lines
            if self.keep is not None:
                lines = self.keep(lines)
                self.counters["filtered"] = (self.counters.get("filtered", 0)
                                             + len(batch.lines) - len(lines))
            messages = [self.builder(line) for line in lines]
            if not messages:  # all filtered out: the cursor moves on all the same
                inflight.append((link.sent, reader.cursor(), 0))
                self._commit(link, inflight)
                continue
            before = link.sent
            try:
                await link.send(messages)
            finally:
                if link.sent != before:  # handed over, even if the link broke just after
                    self._account(link, reader, inflight, len(messages))
            self._commit(link, inflight)

    def _account(self, link, reader, inflight: deque, n: int) -> None:
        self.counters["sent"] += n
        if self._again:
            again = min(self._again, n)
            self.counters["resent"] += again
            self._again -= again
        inflight.append((link.sent, reader.cursor(), n))

    async def _finish(self, link, inflight: deque) -> bool:
        """End ``link``: everything is committed if the collector proves it
        read everything, else what the margin allows."""
        if await link.finish():
            while inflight:
                self.committed = inflight.popleft()[1]
            return True
        self._commit(link, inflight)
        return False

    async def _sleep(self, stop: asyncio.Event, seconds: float) -> None:
        try:
            await asyncio.wait_for(stop.wait(), seconds)
        except asyncio.TimeoutError:
            pass

    def _report(self, reader: LogdirReader) -> None:
        for msg in reader.lost:
            self.log(f"warning: {msg}")
        reader.lost.clear()
