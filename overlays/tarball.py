"""Reproducible ``.tar.xz`` bytes from entries, and the ``.sha256`` line.

Same entries + same mtime -> same bytes: GNU tar format (no pax headers,
so nothing that varies), entries in path order (parents first), every
member owned by 0:0 "root"/"root", one mtime for all, normalised modes,
and xz at a fixed preset (6, xz's default) with a CRC64 check, in one
thread.  Names are ``./PATH`` as ``tar -C DIR -c .`` writes them (s6-overlay's
own tarballs); the top directory itself is left out, so extracting with
``tar -C / -Jxpf`` never touches ``/``'s own mode or owner.
"""
from __future__ import annotations

import hashlib
import io
import lzma
import tarfile

from overlays.tree import Entry

XZ_PRESET = 6


def tar_bytes(entries: list[Entry], mtime: int) -> bytes:
    """The uncompressed tar archive."""
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.GNU_FORMAT) as tf:
        for e in sorted(entries, key=lambda e: e.path):
            info = tarfile.TarInfo("./" + e.path)
            info.mtime, info.mode = mtime, e.mode
            info.uid = info.gid = 0
            info.uname = info.gname = "root"
            if e.kind == "dir":
                info.type = tarfile.DIRTYPE
                tf.addfile(info)
            elif e.kind == "symlink":
                info.type, info.linkname = tarfile.SYMTYPE, e.link
                tf.addfile(info)
            else:
                info.size = len(e.data)
                tf.addfile(info, io.BytesIO(e.data))
    return buf.getvalue()


def tar_xz(entries: list[Entry], mtime: int) -> bytes:
    return lzma.compress(tar_bytes(entries, mtime), format=lzma.FORMAT_XZ,
                         check=lzma.CHECK_CRC64, preset=XZ_PRESET)


def sha256_line(data: bytes, name: str) -> str:
    """``HASH  NAME`` as sha256sum writes it (so ``sha256sum -c`` accepts the file)."""
    return f"{hashlib.sha256(data).hexdigest()}  {name}\n"
