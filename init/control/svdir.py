"""Client side of s6's service directory protocol (used by every tool here).

* supervised?  -> F_GETLK on ``supervise/lock`` (what s6-svok does);
* status       -> ``supervise/status`` (35 bytes, see init.supervise.status);
* commands     -> one letter each into ``supervise/control``, opened
  O_WRONLY|O_NONBLOCK: ENXIO means nobody listens;
* events       -> a FIFO of ours in the ``event/`` fifodir (``Listener``),
  created *before* commands are sent, so no transition can be missed.
"""
from __future__ import annotations

import errno
import fcntl
import os
import select
import struct
import time

from init.supervise.status import Status, tai64n, unpack

_FLOCK = "hhqqi4x"  # struct flock on Linux (64-bit off_t)


class NotSupervised(Exception):
    """No supervisor listens on that service directory."""


def supervised(svdir: str) -> bool:
    """True if a supervisor holds supervise/lock (s6-svok's test)."""
    try:
        fd = os.open(os.path.join(svdir, "supervise", "lock"),
                     os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    except FileNotFoundError:
        return False
    try:
        q = struct.pack(_FLOCK, fcntl.F_WRLCK, 0, 0, 0, 0)
        r = fcntl.fcntl(fd, fcntl.F_GETLK, q)
        return struct.unpack(_FLOCK, r)[0] != fcntl.F_UNLCK
    finally:
        os.close(fd)


def read_status(svdir: str) -> Status:
    with open(os.path.join(svdir, "supervise", "status"), "rb") as f:
        return unpack(f.read(64))


def normally_up(svdir: str) -> bool:
    return not os.path.exists(os.path.join(svdir, "down"))


def send(path: str, letters: bytes) -> None:
    """Write letters into a control FIFO; NotSupervised if nobody reads it."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError as e:
        if e.errno == errno.ENXIO:
            raise NotSupervised(path) from None
        raise
    try:
        os.set_blocking(fd, True)
        os.write(fd, letters)
    finally:
        os.close(fd)


class Listener:
    """A subscription to a service's event fifodir (s6's ftrigr, minimal)."""

    def __init__(self, svdir: str) -> None:
        evdir = os.path.join(svdir, "event")
        tag = f"ftrig1:@{tai64n(time.time()).hex()}:{os.getpid()}-{os.urandom(4).hex()}"
        tmp = os.path.join(evdir, "." + tag)
        self.path = os.path.join(evdir, tag)
        os.mkfifo(tmp, 0o600)
        try:
            owner = os.stat(evdir).st_uid
            if owner != os.geteuid() and os.geteuid() == 0:
                os.chown(tmp, owner, -1)  # a supervisor running as its user must open it
            self.fd = os.open(tmp, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
            self._keep = os.open(tmp, os.O_WRONLY | os.O_NONBLOCK | os.O_CLOEXEC)
            os.rename(tmp, self.path)
        except OSError:
            try:
                os.unlink(tmp)
            except OSError:
                pass
            raise

    def read(self, timeout: float | None) -> bytes:
        """Event letters, or b'' after timeout seconds."""
        r, _, _ = select.select([self.fd], [], [], timeout)
        if not r:
            return b""
        try:
            return os.read(self.fd, 4096)
        except BlockingIOError:
            return b""

    def close(self) -> None:
        for fd in (self.fd, self._keep):
            try:
                os.close(fd)
            except OSError:
                pass
        try:
            os.unlink(self.path)
        except OSError:
            pass
