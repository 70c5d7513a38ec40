"""The on-disk side of one supervised service directory.

This is the protocol the real s6 tools speak, so ``s6-svc``, ``s6-svstat``,
``s6-svwait`` and ``s6-svok`` from Debian's s6 work on our services:

* ``supervise/lock``: a POSIX (fcntl) write lock held while supervised;
  s6-svok / s6-svstat test it with F_GETLK.  (POSIX locks vanish when the
  process closes *any* fd of the file: nothing else in PID 1 opens it.)
* ``supervise/control``: a FIFO; s6-svc opens it O_WRONLY|O_NONBLOCK (ENXIO
  means "no supervisor") and writes one letter per command.  We hold it
  O_RDWR, so it never reports EOF and costs one fd.
* ``supervise/status``: see status.py; replaced atomically (write + rename).
* ``supervise/death_tally``: 14-byte records, at most max-death-tally.
* ``event/``: a fifodir (mode 03730): listeners (s6-svwait, s6-svc -w)
  create FIFOs named ``ftrig1*`` and we write event letters into each.
"""
from __future__ import annotations

import errno
import fcntl
import os

from init.supervise.status import Status


class AlreadySupervised(Exception):
    """Another supervisor holds supervise/lock."""


def make_fifodir(path: str) -> None:
    """Create the event fifodir as s6 does: mode 03730, group = our egid."""
    try:
        os.mkdir(path, 0o700)
    except FileExistsError:
        pass
    st = os.stat(path)
    if st.st_mode & 0o7777 != 0o3730 or st.st_gid != os.getegid():
        try:
            os.chown(path, -1, os.getegid())
        except OSError:
            pass
        os.chmod(path, 0o3730)


def broadcast(fifodir: str, letters: bytes) -> None:
    """Write letters to every listener FIFO in fifodir; drop dead ones."""
    try:
        names = os.listdir(fifodir)
    except OSError:
        return
    for name in names:
        if not name.startswith("ftrig1"):
            continue
        p = os.path.join(fifodir, name)
        try:
            fd = os.open(p, os.O_WRONLY | os.O_NONBLOCK | os.O_CLOEXEC)
        except OSError as e:
            if e.errno == errno.ENXIO:  # listener gone without cleaning up
                try:
                    os.unlink(p)
                except OSError:
                    pass
            continue
        try:
            os.write(fd, letters)
        except OSError:
            pass
        finally:
            os.close(fd)


class ServiceFiles:
    """Lock, control FIFO, status, death tally and events of one service dir."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.sup = os.path.join(path, "supervise")
        self.event = os.path.join(path, "event")
        self.lock_fd = -1
        self.control_fd = -1
        self.tally: list[bytes] = []

    def open(self) -> None:
        """Take the supervision lock and create the control files."""
        self._mkdir_supervise()
        make_fifodir(self.event)
        fd = os.open(os.path.join(self.sup, "lock"),
                     os.O_WRONLY | os.O_CREAT | os.O_CLOEXEC, 0o644)
        try:
            fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as e:
            os.close(fd)
            if e.errno in (errno.EAGAIN, errno.EACCES):
                raise AlreadySupervised(self.path) from None
            raise
        self.lock_fd = fd
        ctl = os.path.join(self.sup, "control")
        try:
            os.mkfifo(ctl, 0o600)
        except FileExistsError:
            pass
        self.control_fd = os.open(ctl, os.O_RDWR | os.O_NONBLOCK | os.O_CLOEXEC)
        with open(os.path.join(self.sup, "death_tally"), "wb"):
            pass

    def _mkdir_supervise(self) -> None:
        try:
            os.mkdir(self.sup, 0o700)
        except FileExistsError:
            if os.path.islink(self.sup) and not os.path.exists(self.sup):
                os.makedirs(os.path.realpath(self.sup), 0o700, exist_ok=True)

    def read_control(self) -> bytes:
        try:
            return os.read(self.control_fd, 4096)
        except BlockingIOError:
            return b""

    def write_status(self, st: Status) -> None:
        tmp = os.path.join(self.sup, "status.new")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_CLOEXEC, 0o644)
        try:
            os.write(fd, st.pack())
        finally:
            os.close(fd)
        os.rename(tmp, os.path.join(self.sup, "status"))

    def add_death(self, record: bytes, keep: int) -> None:
        self.tally.append(record)
        if len(self.tally) > keep:
            del self.tally[: len(self.tally) - keep]
        tmp = os.path.join(self.sup, "death_tally.new")
        with open(tmp, "wb") as f:
            f.write(b"".join(self.tally))
        os.rename(tmp, os.path.join(self.sup, "death_tally"))

    def broadcast(self, letters: bytes) -> None:
        broadcast(self.event, letters)

    def has(self, name: str) -> bool:
        return os.path.exists(os.path.join(self.path, name))

    def set_down_file(self, present: bool) -> None:
        p = os.path.join(self.path, "down")
        try:
            if present:
                with open(p, "ab"):
                    pass
            else:
                os.unlink(p)
        except OSError:
            pass

    def close(self) -> None:
        """Release the lock and the FIFO: s6-svok now says 'not supervised'."""
        for attr in ("control_fd", "lock_fd"):
            fd = getattr(self, attr)
            if fd >= 0:
                try:
                    os.close(fd)
                except OSError:
                    pass
                setattr(self, attr, -1)
