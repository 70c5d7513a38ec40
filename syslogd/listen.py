"""Binding the listening sockets, the way s6-socklog does.

Unix socket at PATH: first ``PATH.lock`` is created (mode 0600) and locked
with a POSIX record lock that is held for the program's whole life, so a
second instance fails with EBUSY instead of stealing the path; then any
file at PATH is unlinked and the socket is bound with umask 0, so it is
``srwxrwxrwx``: every local user may log.  Neither file is removed on exit.

The ``_socket`` module is used directly: ``socket`` would pull in enum and
selectors at start-up for nothing.
"""

from __future__ import annotations

import _socket
import os
from _socket import AF_INET6, AF_UNIX, SOCK_DGRAM, SOCK_STREAM

from .diag import oserror_text

SOCK_NONBLOCK = getattr(_socket, "SOCK_NONBLOCK", 0)
SOCK_CLOEXEC = getattr(_socket, "SOCK_CLOEXEC", 0)
STREAM_BACKLOG = 64


class BindError(Exception):
    """``unable to bind socket to WHERE: strerror`` (exit 111)."""

    def __init__(self, where: str, err: OSError) -> None:
        super().__init__("unable to bind socket to %s: %s" % (where, oserror_text(err)))
        self.msg = self.args[0]


def _lock(path: str) -> int:
    import fcntl

    fd = os.open(path + ".lock",
                 os.O_WRONLY | os.O_CREAT | os.O_NONBLOCK | os.O_CLOEXEC, 0o600)
    try:
        fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        os.close(fd)
        raise OSError(16, os.strerror(16)) from None  # EBUSY, as s6-socklog says
    return fd


def bind_unix(path: str, stream: bool = False) -> tuple[_socket.socket, int]:
    """``(socket, lock fd)`` for a unix socket at path (datagram by
    default).  The socket is non-blocking."""
    try:
        lockfd = _lock(path)
    except OSError as e:
        raise BindError(path, e) from None
    kind = SOCK_STREAM if stream else SOCK_DGRAM
    sock = _socket.socket(AF_UNIX, kind | SOCK_NONBLOCK | SOCK_CLOEXEC)
    try:
        try:
            os.unlink(path)
        except OSError:
            pass
        old = os.umask(0)
        try:
            sock.bind(path)
        finally:
            os.umask(old)
        if stream:
            sock.listen(STREAM_BACKLOG)
    except OSError as e:
        sock.close()
        os.close(lockfd)
        raise BindError(path, e) from None
    sock.setblocking(False)
    return sock, lockfd


def bind_udp(family: int, host: str, port: int) -> _socket.socket:
    """A non-blocking UDP socket; IPv6 sockets are IPv6 only, as
    s6-socklog's (``-i ::_514`` does not receive IPv4 clients)."""
    sock = _socket.socket(family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC)
    try:
        if family == AF_INET6:
            sock.setsockopt(_socket.IPPROTO_IPV6, _socket.IPV6_V6ONLY, 1)
        sock.bind((host, port))
    except OSError as e:
        sock.close()
        raise BindError("ip %s port %d" % (host, port), e) from None
    sock.setblocking(False)
    return sock
