"""A resumable position in a logdir, as plain data (pure).

``after``: every archive whose name sorts at or before it has been read.
``seg``: the segment being read (its identity, its role when it was
opened, its archive name if it was read as an archive) and ``offset``, the
bytes of its (decompressed) content consumed, always at a line boundary.
``pending``: segments read live whose archive has not been seen yet
(``segments`` explains why they matter).

A segment's identity is its device and inode *plus its first bytes*
(``head``): inode numbers are reused once a pruned file is freed, and a
cursor read back after a restart holds no open file that would prevent
it.  The cursor serialises to JSON for the forwarder's state file.
"""
from __future__ import annotations

from typing import NamedTuple

HEAD = 32  # bytes of a segment's start kept in its identity


class SegId(NamedTuple):
    dev: int
    ino: int
    head: bytes

    def to_json(self) -> dict:
        return {"dev": self.dev, "ino": self.ino, "head": self.head.hex()}

    @classmethod
    def from_json(cls, d: dict) -> SegId:
        return cls(int(d["dev"]), int(d["ino"]), bytes.fromhex(d.get("head", "")))


class Cursor(NamedTuple):
    after: str = ""
    seg: SegId | None = None
    kind: str = ""  # "archive", "previous", "processed" or "current"
    name: str = ""  # archive name when kind == "archive"
    offset: int = 0
    pending: tuple[SegId, ...] = ()

    def to_json(self) -> dict:
        return {"v": 1, "after": self.after,
                "seg": None if self.seg is None else self.seg.to_json(),
                "kind": self.kind, "name": self.name, "offset": self.offset,
                "pending": [p.to_json() for p in self.pending]}

    @classmethod
    def from_json(cls, d: dict) -> Cursor:
        if d.get("v") != 1:
            raise ValueError(f"unknown cursor version {d.get('v')!r}")
        seg = d.get("seg")
        return cls(str(d.get("after", "")), None if seg is None else SegId.from_json(seg),
                   str(d.get("kind", "")), str(d.get("name", "")), int(d.get("offset", 0)),
                   tuple(SegId.from_json(p) for p in d.get("pending", ())))
