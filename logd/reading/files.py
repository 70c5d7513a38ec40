"""A logdir's files as the reader sees them: snapshots and decompression.

A snapshot lists what ``segments`` needs to decide what to read next:
archives (name, identity), ``previous``, ``processed`` (and whether it is
finished: s6-log gives it u+x once synced) and ``current``.  Anything
else in the directory (``lock``, ``state``, dot-files, stray names) is not
log data.

Archives written by a processor may be compressed; they are recognised by
their first bytes, not their names (s6-log names them ``.s`` whatever the
processor does): gzip, xz and bzip2 through the standard library, zstd
through the ``zstd`` program (the standard library has no zstd before
Python 3.14).  A zstd archive without that program is an error that says
so: silently skipping it would hide log lines.
"""
from __future__ import annotations

import errno
import os
import shutil
import stat
import subprocess
from typing import IO, NamedTuple

from logd.archives import is_archive

GZIP, XZ, ZSTD, BZIP2 = b"\x1f\x8b", b"\xfd7zXZ\x00", b"\x28\xb5\x2f\xfd", b"BZh"


class ArchiveError(OSError):
    """An archive that cannot be read; the message names file and cause."""


class Entry(NamedTuple):
    """A file of the logdir: its name and identity (device, inode)."""

    name: str
    dev: int
    ino: int


class Snapshot(NamedTuple):
    archives: list[Entry]  # oldest first
    previous: Entry | None
    processed: Entry | None  # only when finished (u+x)
    current: Entry | None


def archive_order(name: str) -> bytes:
    """s6-log's order: by the bytes after ``@`` (time order for its labels)."""
    return name[1:].encode("utf-8", "surrogateescape")


def _stat_entry(path: str, name: str) -> Entry | None:
    try:
        st = os.stat(os.path.join(path, name), follow_symlinks=False)
    except FileNotFoundError:
        return None
    if not stat.S_ISREG(st.st_mode):
        return None
    if name == "processed" and not st.st_mode & stat.S_IXUSR:
        return None  # still being written by the processor
    return Entry(name, st.st_dev, st.st_ino)


def snapshot(path: str) -> Snapshot:
    """Look at ``path`` once, so that no segment is missed while it moves.

    A directory listing is not atomic: a file renamed during it may be in
    neither its old nor its new place.  So the names a segment takes in
    turn are looked at in reverse order: ``current``, then ``previous``,
    then ``processed`` (each with one ``stat``), then the archives (one
    listing).  A segment that moves on between two looks has its new name
    (archives are hard links made before the old name is removed) before
    the next look starts, and a listing always returns the entries that
    exist for its whole duration.
    """
    current = _stat_entry(path, "current")
    previous = _stat_entry(path, "previous")
    processed = _stat_entry(path, "processed")
    archives: list[Entry] = []
    with os.scandir(path) as it:
        for de in it:
            if not is_archive(de.name):
                continue
            try:
                st = de.stat(follow_symlinks=False)
            except FileNotFoundError:
                continue
            if stat.S_ISREG(st.st_mode):
                archives.append(Entry(de.name, st.st_dev, st.st_ino))
    archives.sort(key=lambda e: archive_order(e.name))
    return Snapshot(archives, previous, processed, current)


def compression(head: bytes) -> str | None:
    """``gzip``/``xz``/``zstd``/``bzip2`` from a file's first bytes, or None."""
    if head.startswith(GZIP):
        return "gzip"
    if head.startswith(XZ):
        return "xz"
    if head.startswith(ZSTD):
        return "zstd"
    if head.startswith(BZIP2) and head[3:4].isdigit():
        return "bzip2"
    return None


class _ZstdStream:
    """``zstd -dc`` reading the open file as its stdin, as a binary stream.

    The child reads our descriptor, not the path, so an archive pruned
    while it is being read is still read whole.  Errors surface at EOF.
    """

    def __init__(self, fd: int, path: str) -> None:
        exe = shutil.which("zstd")
        if exe is None:
            os.close(fd)
            raise ArchiveError(errno.ENOENT, f"{path} is zstd-compressed and the zstd "
                               "program is not installed (apt-get install zstd)")
        self.path = path
        try:
            self.proc = subprocess.Popen([exe, "-dcq"], stdin=fd, stdout=subprocess.PIPE,
                                         stderr=subprocess.PIPE)
        finally:
            os.close(fd)

    def read(self, n: int = -1) -> bytes:
        assert self.proc.stdout is not None
        data = self.proc.stdout.read(n)
        if not data:
            self.proc.wait()
            if self.proc.returncode:
                assert self.proc.stderr is not None
                err = self.proc.stderr.read().decode(errors="replace").strip()
                raise ArchiveError(errno.EIO, f"{self.path}: zstd failed: {err}")
        return data

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait()
        for f in (self.proc.stdout, self.proc.stderr):
            if f is not None:
                f.close()


class _Checked:
    """Wraps a stdlib decompressor so that corruption names the file."""

    def __init__(self, path: str, stream: IO[bytes]) -> None:
        self.path = path
        self.stream = stream

    def read(self, n: int = -1) -> bytes:
        try:
            return self.stream.read(n)
        except (OSError, EOFError, ValueError) as exc:
            raise ArchiveError(errno.EIO, f"{self.path}: unreadable archive: {exc}") from None

    def close(self) -> None:
        self.stream.close()


def open_decompressed(fd: int, path: str):
    """A readable stream of the file's content, decompressed if it is
    compressed.  Takes ownership of ``fd`` (a file open for reading at
    offset 0)."""
    head = os.pread(fd, 6, 0)
    kind = compression(head)
    if kind == "zstd":
        return _ZstdStream(fd, path)
    raw = os.fdopen(fd, "rb", buffering=0)
    if kind is None:
        return raw
    if kind == "gzip":
        import gzip
        return _Checked(path, gzip.GzipFile(fileobj=raw, mode="rb"))
    if kind == "xz":
        import lzma
        return _Checked(path, lzma.LZMAFile(raw, "rb"))
    import bz2
    return _Checked(path, bz2.BZ2File(raw, "rb"))
