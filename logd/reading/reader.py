"""Reading one logdir in order, live: archives, ``previous``/``processed``, ``current``.

``read()`` returns the next batch of complete lines (without their
newline) and the file they came from, or None when it has caught up.
Called again after the logdir changed, it goes on exactly where it
stopped, across any number of rotations (``segments`` decides what comes
next; ``cursor`` is the position, which ``restore`` takes back).

A live segment is read through a descriptor held open from the moment it
is first seen until its archive is identified: its data stays readable
when it is renamed, archived or pruned, and its inode cannot be reused
meanwhile.  ``current`` is known complete once the name ``current`` no
longer points at it (s6-log writes nothing to a file after renaming it),
so the reader drains it then, and only then hands over a last line
without a newline.
"""
from __future__ import annotations

import os
from typing import NamedTuple

from logd.reading.cursor import HEAD, Cursor, SegId
from logd.reading.files import Entry, archive_order, compression, open_decompressed, snapshot
from logd.reading.segments import plan_next

CHUNK = 1 << 20


class Batch(NamedTuple):
    lines: list[bytes]
    file: str  # the segment's name in the logdir (archive name, "current"...)


class _Held:
    """A segment read live: identity, and a descriptor that pins its inode."""

    __slots__ = ("id", "fd")

    def __init__(self, ident: SegId, fd: int | None) -> None:
        self.id, self.fd = ident, fd

    def close(self) -> None:
        if self.fd is not None:
            os.close(self.fd)
            self.fd = None


class _Seg:
    __slots__ = ("kind", "name", "held", "fd", "stream", "offset", "partial", "ident")

    def __init__(self, kind: str, name: str, held: _Held | None, fd: int, stream,
                 ident: SegId | None = None) -> None:
        self.kind, self.name, self.held, self.fd, self.stream = kind, name, held, fd, stream
        self.offset = 0
        self.partial = b""
        self.ident = ident  # an archive's identity (live segments: held.id)

    def skip(self, offset: int) -> bool:
        """Start at ``offset``; False if that is not a line boundary."""
        if self.stream is None:
            self.offset = offset
            return offset == 0 or os.pread(self.fd, 1, offset - 1) == b"\n"
        left, last = offset, b"\n"
        while left > 0:
            data = self.stream.read(min(left, CHUNK))
            if not data:
                break
            left -= len(data)
            last = data[-1:]
        self.offset = offset - left
        return left == 0 and last == b"\n"


def _ident(fd: int) -> SegId:
    st = os.fstat(fd)
    return SegId(st.st_dev, st.st_ino, os.pread(fd, HEAD, 0))


class LogdirReader:
    """Reads the logdir at ``path`` from its oldest line (or from ``restore``)."""

    def __init__(self, path: str, skip_archives_before: int | None = None) -> None:
        self.path = path
        self.after = ""
        self.pending: list[_Held] = []
        self.seg: _Seg | None = None
        self.evidence = False  # a processor has been seen at work
        self.lost: list[str] = []  # what could not be read, for the user
        # archives completed before this instant (Unix ns) hold no line at or
        # after it (a line is stamped before it is written): skip them
        self.skip_before = skip_archives_before

    # -- identity tests used by the planner -------------------------------
    def _same(self, held: _Held, e: Entry) -> bool:
        if held.id.dev != e.dev or held.id.ino != e.ino:
            return False
        if held.fd is not None:
            return True
        try:
            with open(os.path.join(self.path, e.name), "rb") as f:
                return f.read(len(held.id.head)) == held.id.head
        except OSError:
            return False

    def _processor(self, e: Entry) -> bool:
        if self.evidence:
            return True
        try:
            with open(os.path.join(self.path, e.name), "rb") as f:
                self.evidence = compression(f.read(6)) is not None
        except OSError:
            return False
        return self.evidence

    # -- opening ----------------------------------------------------------
    def _open(self, kind: str, e: Entry) -> _Seg | None:
        try:
            fd = os.open(os.path.join(self.path, e.name), os.O_RDONLY | os.O_CLOEXEC)
        except FileNotFoundError:
            return None
        st = os.fstat(fd)
        if (st.st_dev, st.st_ino) != (e.dev, e.ino):
            os.close(fd)
            return None
        if kind == "processed":
            self.evidence = True
        held = None
        if kind != "archive":
            held = _Held(_ident(fd), os.dup(fd) if kind == "processed" else fd)
            self.pending.append(held)
        return make_seg(self.path, kind, e.name, held, fd)

    def _next(self) -> bool:
        for _ in range(1000):  # files vanish between listing and opening: look again
            snap = snapshot(self.path)
            if snap.processed is not None:
                self.evidence = True
            plan = plan_next(snap, self.after, self.pending, self._same, self._processor)
            for h in self.pending:
                if h not in plan.keep:
                    h.close()
            self.pending = list(plan.keep)
            self.after = plan.after
            if plan.next is None:
                return False
            kind, e = plan.next
            if kind == "archive" and self.skip_before is not None and self._older(e.name):
                self.after = e.name
                continue
            seg = self._open(kind, e)
            if seg is None:
                if kind == "archive":
                    self.lost.append(f"{self.path}/{e.name}: pruned before it could be read")
                    self.after = e.name
                continue
            self.seg = seg
            return True
        return False

    def _older(self, name: str) -> bool:
        from logd.reading.line import InstantDecoder

        found = InstantDecoder().label(name[1:25].encode())
        return found is not None and found[0] < self.skip_before

    # -- reading ----------------------------------------------------------
    def _chunk(self, seg: _Seg, n: int) -> bytes:
        if seg.stream is not None:
            return seg.stream.read(n)
        return os.pread(seg.fd, n, seg.offset + len(seg.partial))

    def _rotated(self, seg: _Seg) -> bool:
        try:
            st = os.stat(os.path.join(self.path, "current"))
        except FileNotFoundError:
            return True
        return (st.st_dev, st.st_ino) != (seg.held.id.dev, seg.held.id.ino)

    def _finish(self, seg: _Seg) -> None:
        if seg.kind == "archive" and (not self.after
                                      or archive_order(seg.name) > archive_order(self.after)):
            self.after = seg.name
        if seg.stream is not None:
            seg.stream.close()
        self.seg = None

    def read(self, size: int = CHUNK) -> Batch | None:
        """The next complete lines, or None when there is nothing more yet."""
        while True:
            seg = self.seg
            if seg is None:
                if not self._next():
                    return None
                continue
            data = self._chunk(seg, size)
            if data:
                buf = seg.partial + data if seg.partial else data
                cut = buf.rfind(b"\n") + 1
                seg.partial = buf[cut:]
                if cut:
                    seg.offset += cut
                    return Batch(buf[:cut - 1].split(b"\n"), seg.name)
                continue
            if seg.kind == "current":
                if not self._rotated(seg):
                    return None
                seg.kind = "previous"  # complete now: drain what is left
                continue
            tail = seg.partial
            seg.offset += len(tail)
            seg.partial = b""
            self._finish(seg)
            if tail:
                return Batch([tail], seg.name)

    def close(self) -> None:
        """Release every descriptor."""
        if self.seg is not None:
            self._finish(self.seg)
        for h in self.pending:
            h.close()
        self.pending = []

    # -- positions --------------------------------------------------------
    def cursor(self) -> Cursor:
        """The position after the last line returned (a line boundary)."""
        pend = []
        for h in self.pending:
            if h.fd is not None and len(h.id.head) < HEAD:
                h.id = h.id._replace(head=os.pread(h.fd, HEAD, 0))
            pend.append(h.id)
        seg = self.seg
        if seg is None:
            return Cursor(self.after, pending=tuple(pend))
        if seg.held is not None:
            return Cursor(self.after, seg.held.id, seg.kind, "", seg.offset,
                          tuple(p for p in pend if p != seg.held.id))
        return Cursor(self.after, seg.ident, "archive", seg.name, seg.offset, tuple(pend))

    def restore(self, c: Cursor) -> None:
        """Go back to a position taken by ``cursor`` (maybe by another process)."""
        from logd.reading.restore import apply

        apply(self, c)


def make_seg(path: str, kind: str, name: str, held: _Held | None, fd: int) -> _Seg:
    """A segment reading the open file ``fd`` (ownership passes to it)."""
    if kind in ("archive", "processed"):
        ident = _ident(fd)
        return _Seg(kind, name, held, -1, open_decompressed(fd, os.path.join(path, name)), ident)
    return _Seg(kind, name, held, fd, None)
