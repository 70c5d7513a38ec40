"""Putting a reader back at a saved ``Cursor`` (the forwarder's restart path).

The saved segment is looked for by identity (device, inode, first bytes)
among the logdir's files.  Found: reading resumes at its offset, whatever
it is called now (``current`` may have become ``previous`` or an archive).
Not found: if it had been read as an archive it was pruned, and reading
goes on after it; if it was live and a processor is at work, its content
is the next archive (or ``processed``), decompressed and resumed at the
same offset; otherwise it was pruned.  Whatever is lost is reported in
``reader.lost``, never silently.
"""
from __future__ import annotations

import os

from logd.reading.cursor import Cursor, SegId
from logd.reading.files import archive_order, snapshot


def _find(path: str, snap, sid: SegId):
    for e in (*snap.archives, snap.previous, snap.processed, snap.current):
        if e is None or (e.dev, e.ino) != (sid.dev, sid.ino):
            continue
        try:
            fd = os.open(os.path.join(path, e.name), os.O_RDONLY | os.O_CLOEXEC)
        except FileNotFoundError:
            continue
        st = os.fstat(fd)
        if (st.st_dev, st.st_ino) == (sid.dev, sid.ino) and \
                os.pread(fd, len(sid.head), 0) == sid.head:
            return e, fd
        os.close(fd)
    return None, -1


def apply(r, c: Cursor) -> None:
    """Reset reader ``r`` to cursor ``c``."""
    from logd.reading.reader import _Held, make_seg

    r.close()
    r.after = c.after
    snap = snapshot(r.path)
    if snap.processed is not None:
        r.evidence = True
    r.pending = []
    for p in c.pending:
        e, fd = _find(r.path, snap, p)
        r.pending.append(_Held(p, fd if e is not None else None))
    if c.seg is None:
        return
    e, fd = _find(r.path, snap, c.seg)
    if e is None:
        _gone(r, c, snap)
        return
    kind = "archive" if e.name.startswith("@") else e.name
    held = None
    if kind == "archive":
        older = [a.name for a in snap.archives if archive_order(a.name) < archive_order(e.name)]
        if older and (not r.after or archive_order(older[-1]) > archive_order(r.after)):
            r.after = older[-1]
    else:
        held = _Held(c.seg, os.dup(fd) if kind == "processed" else fd)
        r.pending.append(held)
    seg = make_seg(r.path, kind, e.name, held, fd)
    if not seg.skip(c.offset):
        r.lost.append(f"{r.path}/{e.name}: saved offset {c.offset} is not a line boundary")
    r.seg = seg


def _gone(r, c: Cursor, snap) -> None:
    if c.kind == "archive":
        if not r.after or archive_order(c.name) > archive_order(r.after):
            r.after = c.name
        r.lost.append(f"{r.path}/{c.name}: pruned after offset {c.offset}")
        return
    floor = archive_order(r.after) if r.after else b""
    # archives of the older pending segments come first: not ours
    later = [a for a in snap.archives if archive_order(a.name) > floor
             and not any(r._same(h, a) for h in r.pending)]
    candidate = later[0] if later else snap.processed
    if candidate is not None and r._processor(candidate):
        kind = "archive" if candidate is not snap.processed else "processed"
        seg = r._open(kind, candidate)
        if seg is not None:
            if not seg.skip(c.offset):
                r.lost.append(f"{r.path}/{candidate.name}: processed content does not "
                              f"continue at offset {c.offset}")
            r.seg = seg
            return
    r.lost.append(f"{r.path}: the segment being read ({c.kind}, offset {c.offset}) "
                  "was pruned")
