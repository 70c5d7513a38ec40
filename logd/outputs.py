"""The non-logdir actions: stdout forwarding, alerts, status files.

Records are composed by the dispatcher; these only know where bytes go
and how each destination fails (s6-log.md §9-11).
"""
from __future__ import annotations

import os

from logd.messages import Reporter, strerror, write_fd

ALERT = b"s6-log: alert: "


class Forwarder:
    """``1``: a non-blocking stdout that is dropped for good after an error."""

    def __init__(self, reporter: Reporter, fd: int = 1) -> None:
        self.reporter = reporter
        self.fd = fd
        self.buf: list[bytes] = []
        self.dead = False
        self.blocked = False

    @property
    def pending(self) -> bool:
        return bool(self.buf)

    def push(self, data: bytes) -> None:
        if not self.dead:
            self.buf.append(data)

    def flush(self) -> None:
        """Write what can be written now; on EAGAIN wait for POLLOUT."""
        if not self.buf:
            return
        data = self.buf[0] if len(self.buf) == 1 else b"".join(self.buf)
        self.buf = []
        try:
            n = os.write(self.fd, data)
        except BlockingIOError:
            n = 0
        except OSError as e:
            self.reporter.warn("unable to write to stdout, closing the stream - error was: "
                               + strerror(e), always=True)
            self.dead = True
            try:
                os.close(self.fd)
            except OSError:
                pass
            return
        self.blocked = n < len(data)
        if self.blocked:
            self.buf.append(data[n:])


def alert_records(lines: list[bytes], rp: bytes, size: int) -> bytes:
    """``2``: every line, cut to ``size`` bytes + ``...`` past size+3 (E)."""
    if size:
        cut = size + 3
        lines = [ln if len(ln) <= cut else ln[:size] + b"..." for ln in lines]
    head = ALERT + rp
    return head + (b"\n" + head).join(lines) + b"\n"


def write_alerts(data: bytes) -> None:
    write_fd(2, data)


def status_content(record: bytes, size: int) -> bytes:
    """A status record padded with newlines, or cut, to exactly ``size``."""
    if not size:
        return record
    if len(record) <= size:
        return record[:-1] + b"\n" * (size - len(record) + 1)
    return record[:size]


def write_status(path: str, content: bytes, reporter: Reporter, times: int = 1) -> None:
    """Replace ``path`` atomically through ``path.new``.

    s6-log rewrites the file for every selected line; only the last one
    survives, so a chunk writes it once.  A failure is reported once per
    line it concerned, as s6-log would, and never retried.
    """
    tmp = path + ".new"
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_CLOEXEC, 0o666)
        try:
            view = memoryview(content)
            while view:
                view = view[os.write(fd, view):]
        finally:
            os.close(fd)
        os.rename(tmp, path)
    except OSError as e:
        for _ in range(times):
            reporter.warn(f"unable to write status file {path}: {strerror(e)}")
        try:
            os.unlink(tmp)
        except OSError:
            pass
