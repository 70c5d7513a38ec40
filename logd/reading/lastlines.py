"""Where the last N lines of a logdir start, as a ``Cursor`` (``tail -n``).

Files are looked at newest first (``current``, then ``previous`` or
``processed``, then archives from the newest), so ``tail`` of a logdir
with many big archives reads only what it shows.  ``current``'s unfinished
last line is not a line yet; a complete file's unfinished last line is
(the reader hands it over).  The cursor is taken by the reader with
``restore``, so a rotation between the two is harmless.
"""
from __future__ import annotations

import os

from logd.reading.cursor import HEAD, Cursor, SegId
from logd.reading.files import open_decompressed, snapshot


def line_start(data: bytes, k: int) -> int:
    """Offset of the first of the last ``k`` lines of ``data`` (which ends
    with a newline); 0 if it has ``k`` lines or fewer."""
    idx = len(data) - 1
    for _ in range(k):
        idx = data.rfind(b"\n", 0, idx)
        if idx < 0:
            return 0
    return idx + 1


def _sid(path: str, name: str) -> SegId | None:
    try:
        fd = os.open(os.path.join(path, name), os.O_RDONLY | os.O_CLOEXEC)
    except FileNotFoundError:
        return None
    try:
        st = os.fstat(fd)
        return SegId(st.st_dev, st.st_ino, os.pread(fd, HEAD, 0))
    finally:
        os.close(fd)


def _content(path: str, name: str) -> tuple[SegId, bytes] | None:
    try:
        fd = os.open(os.path.join(path, name), os.O_RDONLY | os.O_CLOEXEC)
    except FileNotFoundError:
        return None
    st = os.fstat(fd)
    sid = SegId(st.st_dev, st.st_ino, os.pread(fd, HEAD, 0))
    stream = open_decompressed(fd, os.path.join(path, name))
    try:
        chunks = []
        while True:
            data = stream.read(1 << 20)
            if not data:
                break
            chunks.append(data)
    finally:
        stream.close()
    return sid, b"".join(chunks)


def last_lines(path: str, n: int) -> Cursor:
    """A cursor at the start of the last ``n`` lines of the logdir."""
    snap = snapshot(path)
    closed = snap.previous or snap.processed
    names = [a.name for a in snap.archives]
    last_archive = names[-1] if names else ""
    order: list[tuple[str, str, str]] = []  # (kind, name, after)
    if snap.current is not None:
        order.append(("current", "current", last_archive))
    if closed is not None:
        order.append((closed.name, closed.name, last_archive))
    for i in range(len(names) - 1, -1, -1):
        order.append(("archive", names[i], names[i - 1] if i else ""))
    need = n
    pending: list[SegId] = []
    if closed is not None and snap.current is not None:
        # a cursor in current must know the older live file is covered
        sid = _sid(path, closed.name)
        if sid is not None:
            pending.append(sid)
    for kind, name, after in order:
        found = _content(path, name)
        if found is None:
            continue
        sid, data = found
        if kind == "current":
            data = data[:data.rfind(b"\n") + 1]
        elif data and not data.endswith(b"\n"):
            data += b"\n"
        count = data.count(b"\n")
        if count >= need:
            return Cursor(after, sid, kind, name if kind == "archive" else "",
                          line_start(data, need), tuple(pending))
        need -= count
        pending = []
    return Cursor()
