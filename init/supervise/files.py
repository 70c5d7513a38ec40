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


def make_fifodir(name: str, dir_fd: int | None = None) -> None:
    """Create the event fifodir as s6 does: mode 03730, group = our egid."""
    try:
        os.mkdir(name, 0o700, dir_fd=dir_fd)
    except FileExistsError:
        pass
    st = os.stat(name, dir_fd=dir_fd)
    if st.st_mode & 0o7777 != 0o3730 or st.st_gid != os.getegid():
        try:
            os.chown(name, -1, os.getegid(), dir_fd=dir_fd)
        except OSError:
            pass
        os.chmod(name, 0o3730, dir_fd=dir_fd)


def broadcast(fifodir: str, letters: bytes, dir_fd: int | None = None) -> None:
    """Write letters to every listener FIFO in fifodir; drop dead ones."""
    try:
        dfd = os.open(fifodir, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC, dir_fd=dir_fd)
    except OSError:
        return
    try:
        for name in os.listdir(dfd):
            if not name.startswith("ftrig1"):
                continue
            try:
                fd = os.open(name, os.O_WRONLY | os.O_NONBLOCK | os.O_CLOEXEC, dir_fd=dfd)
            except OSError as e:
                if e.errno == errno.ENXIO:  # listener gone without cleaning up
                    try:
                        os.unlink(name, dir_fd=dfd)
                    except OSError:
                        pass
                continue
            try:
                os.write(fd, letters)
            except OSError:
                pass
            finally:
                os.close(fd)
    finally:
        os.close(dfd)


class ServiceFiles:
    """Lock, control FIFO, status, death tally and events of one service dir.

    Everything is reached through a descriptor of the directory, as
    s6-supervise works from inside it: renaming or moving the directory (a
    pruned service) does not disturb its supervision.  Writes never raise:
    a full or vanished disk must not break the state machine.
    """

    def __init__(self, path: str) -> None:
        self.path = path
        self.dir_fd = -1
        self.lock_fd = -1
        self.control_fd = -1
        self.tally: list[bytes] = []

    def open(self) -> None:
        """Take the supervision lock and create the control files."""
        self.dir_fd = os.open(self.path, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
        try:
            self._open()
        except BaseException:
            self.close()
            raise

    def _open(self) -> None:
        d = self.dir_fd
        self._mkdir_supervise()
        make_fifodir("event", d)
        fd = os.open("supervise/lock", os.O_WRONLY | os.O_CREAT | os.O_CLOEXEC, 0o644, dir_fd=d)
        try:
            fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as e:
            os.close(fd)
            if e.errno in (errno.EAGAIN, errno.EACCES):
                raise AlreadySupervised(self.path) from None
            raise
        self.lock_fd = fd
        try:
            os.mkfifo("supervise/control", 0o600, dir_fd=d)
        except FileExistsError:
            pass
        self.control_fd = os.open("supervise/control", os.O_RDWR | os.O_NONBLOCK | os.O_CLOEXEC,
                                  dir_fd=d)
        os.close(os.open("supervise/death_tally", os.O_WRONLY | os.O_CREAT | os.O_TRUNC |
                         os.O_CLOEXEC, 0o644, dir_fd=d))

    def _mkdir_supervise(self) -> None:
        try:
            os.mkdir("supervise", 0o700, dir_fd=self.dir_fd)
        except FileExistsError:
            link = f"/proc/self/fd/{self.dir_fd}/supervise"
            if os.path.islink(link) and not os.path.exists(link):
                os.makedirs(os.path.realpath(link), 0o700, exist_ok=True)

    def read_control(self) -> bytes:
        try:
            return os.read(self.control_fd, 4096)
        except BlockingIOError:
            return b""

    def _replace(self, name: str, data: bytes) -> str | None:
        """Write supervise/NAME atomically; the error text if it failed."""
        d = self.dir_fd
        tmp = f"supervise/{name}.new"
        try:
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_CLOEXEC, 0o644, dir_fd=d)
            try:
                os.write(fd, data)
            finally:
                os.close(fd)
            os.rename(tmp, f"supervise/{name}", src_dir_fd=d, dst_dir_fd=d)
        except OSError as e:
            return e.strerror or str(e)
        return None

    def write_status(self, st: Status) -> str | None:
        return self._replace("status", st.pack())

    def add_death(self, record: bytes, keep: int) -> str | None:
        self.tally.append(record)
        if len(self.tally) > keep:
            del self.tally[: len(self.tally) - keep]
        return self._replace("death_tally", b"".join(self.tally))

    def broadcast(self, letters: bytes) -> None:
        broadcast("event", letters, self.dir_fd)

    def has(self, name: str) -> bool:
        try:
            os.stat(name, dir_fd=self.dir_fd)
            return True
        except OSError:
            return False

    def names(self) -> set[str]:
        """The entries of the service dir (one getdents instead of many failed opens)."""
        try:
            return set(os.listdir(self.dir_fd))
        except OSError:
            return set()

    def read(self, name: str) -> bytes | None:
        """A small setting file of the service dir, or None."""
        try:
            fd = os.open(name, os.O_RDONLY | os.O_CLOEXEC, dir_fd=self.dir_fd)
        except OSError:
            return None
        try:
            return os.read(fd, 4096)
        except OSError:
            return None
        finally:
            os.close(fd)

    def set_down_file(self, present: bool) -> None:
        try:
            if present:
                os.close(os.open("down", os.O_WRONLY | os.O_CREAT | os.O_CLOEXEC, 0o644,
                                 dir_fd=self.dir_fd))
            else:
                os.unlink("down", dir_fd=self.dir_fd)
        except OSError:
            pass

    def close(self) -> None:
        """Release the lock and the FIFO: s6-svok now says 'not supervised'."""
        for attr in ("control_fd", "lock_fd", "dir_fd"):
            fd = getattr(self, attr)
            if fd >= 0:
                try:
                    os.close(fd)
                except OSError:
                    pass
                setattr(self, attr, -1)
