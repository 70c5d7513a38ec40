"""The logger's side of the tee route: a pipe of our own on fd 1, its read end in PID 1.

Called by logutil-service before it drops privileges (the s6-rc socket is
root's, or the container user's).  Where no s6py supervisor listens (a
foreign s6-svscan, a shell), the copies go to the logger's own stdout, as
``s6-log ... 1`` would send them, through a description of its own when
that stdout is a pipe, so that logd's ``O_NONBLOCK`` does not leak to the
other writers of that pipe.
"""
from __future__ import annotations

import os
import socket
import stat

from init.rc import protocol
from init.rc.server import socket_path

DEFAULT_SCANDIR = "/run/service"
PIPE_SIZE = 1 << 20


def sockets(cwd: str) -> list[str]:
    """Where our supervisor may listen: the scan directory above the service
    directory (``SCAN/NAME``, ``SCAN/NAME/log``), then /run/service (pure)."""
    parent = os.path.dirname(cwd)
    out = [socket_path(parent), socket_path(os.path.dirname(parent)),
           socket_path(DEFAULT_SCANDIR)]
    return list(dict.fromkeys(out))


def attach(name: str, cwd: str | None = None) -> bool:
    """fd 1 becomes the write end of a pipe PID 1 relays; False if no relay took it
    (fd 1 is then made a private description when it is a pipe)."""
    r, w = os.pipe2(os.O_CLOEXEC)
    enlarge(w)
    try:
        for path in sockets(cwd or os.getcwd()):
            if os.path.exists(path) and _ask(path, name, r):
                os.dup2(w, 1)
                return True
    finally:
        os.close(r)
        os.close(w)
    private_stdout()
    return False


def enlarge(fd: int, size: int = PIPE_SIZE) -> None:
    """Room for a burst while PID 1 is busy (best effort: /proc/sys/fs/pipe-max-size)."""
    import fcntl
    try:
        fcntl.fcntl(fd, getattr(fcntl, "F_SETPIPE_SZ", 1031), size)
    except OSError:
        pass


def _ask(path: str, name: str, fd: int) -> bool:
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM | socket.SOCK_CLOEXEC)
    try:
        s.settimeout(5)
        s.connect(path)
        socket.send_fds(s, [protocol.encode_request("tee", {}, [name])], [fd])
        for line in s.makefile("rb"):
            kind, text = protocol.decode_reply(line)
            if kind == "exit":
                return text == "0"
    except OSError:
        return False
    finally:
        s.close()
    return False


def private_stdout() -> None:
    """fd 1 on a description of its own when it is a pipe (no-op otherwise)."""
    try:
        if not stat.S_ISFIFO(os.fstat(1).st_mode):
            return
        fd = os.open("/proc/self/fd/1", os.O_WRONLY | os.O_CLOEXEC)
    except OSError:
        return
    os.dup2(fd, 1)
    os.close(fd)
