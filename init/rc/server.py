"""The socket through which ``s6-rc`` (and ``s6-rc-init``) ask PID 1.

``SCANDIR/.s6-svscan/s6py-rc``, a Unix stream socket, mode 0600, and the
peer must be root or our own user (SO_PEERCRED): only they may control
services.  A request (protocol.py) is one line sent with the client's fds
0-2 (SCM_RIGHTS, received close-on-exec): oneshots get them as stdio, as
s6-rc's runner gives oneshots the caller's stdio.  Replies are ``say``
lines then ``exit N``.  Output is buffered and written when the socket is
writable: PID 1 never blocks on a slow client.

Built on ``_socket`` (the C module): ``socket.py`` would bring enum and
selectors into PID 1 just to listen.
"""
from __future__ import annotations

import _socket as socket
import os
import sys

from init.rc import protocol

SOCKET_NAME = "s6py-rc"
_MAX_REQUEST = 1 << 16


def socket_path(scandir: str) -> str:
    return os.path.join(scandir, ".s6-svscan", SOCKET_NAME)


class RcServer:
    def __init__(self, loop, manager, scandir: str, tee_fd: int = 1) -> None:
        """manager: an RcManager, or a callable returning one (lazy import); tee_fd:
        where loggers' ``tee`` copies go (the container's stdout in PID 1)."""
        self.loop = loop
        self._manager = manager
        self.tee_fd = tee_fd
        self.relay = None       # init.tee.relay.Relay, at the first tee request
        path = socket_path(scandir)
        try:
            os.unlink(path)
        except FileNotFoundError:
            pass
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM | socket.SOCK_CLOEXEC, 0)
        old = os.umask(0o177)
        try:
            s.bind(path)
        finally:
            os.umask(old)
        s.listen(16)
        s.setblocking(False)
        self.sock = s
        self.path = path
        loop.add_reader(s.fileno(), self._accept)

    @property
    def manager(self):
        m = self._manager
        return m() if callable(m) and not hasattr(m, "change") else m

    def _accept(self) -> None:
        try:
            fd, _ = self.sock._accept()
        except BlockingIOError:
            return
        conn = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM, 0, fd)
        os.set_inheritable(fd, False)
        conn.setblocking(False)
        creds = conn.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, 12)
        uid = int.from_bytes(creds[4:8], sys.byteorder)
        if uid not in (0, os.geteuid()):
            try:
                conn.send(protocol.say("s6-rc: fatal: permission denied") + protocol.exit_line(111))
            except OSError:
                pass
            conn.close()
            return
        _Conn(self, conn)

    def tee(self, name: str, fd: int) -> None:
        """A logger's copies (init/tee): the relay starts with the first one."""
        if self.relay is None:
            from init.tee.relay import Relay
            self.relay = Relay(self.loop, self.tee_fd, _stderr_say)
        self.relay.add(name, fd)

    def close(self) -> None:
        self.loop.remove_reader(self.sock.fileno())
        self.sock.close()
        try:
            os.unlink(self.path)
        except OSError:
            pass


def _stderr_say(text: str) -> None:
    try:
        os.write(2, (text + "\n").encode("utf-8", "replace"))
    except OSError:
        pass


class _Conn:
    def __init__(self, server: RcServer, conn: socket.socket) -> None:
        self.server = server
        self.loop = server.loop
        self.conn = conn
        self.inbuf = b""
        self.fds: list[int] = []
        self.out = bytearray()
        self.closing = False
        self.pending = False    # a request runs: its fds must stay open until it ends
        self.loop.add_reader(conn.fileno(), self._read)

    def _read(self) -> None:
        try:
            data, anc, _flags, _ = self.conn.recvmsg(4096, socket.CMSG_SPACE(16 * 4),
                                                     socket.MSG_CMSG_CLOEXEC)
        except BlockingIOError:
            return
        except OSError:
            data = b""
        for level, kind, payload in anc:
            if level == socket.SOL_SOCKET and kind == socket.SCM_RIGHTS:
                self.fds.extend(int.from_bytes(payload[i:i + 4], sys.byteorder, signed=True)
                                for i in range(0, len(payload) - 3, 4))
        if not data:
            self._finish()
            return
        self.inbuf += data
        if b"\n" in self.inbuf:
            self.loop.remove_reader(self.conn.fileno())
            self.pending = True
            self._request(self.inbuf.split(b"\n", 1)[0])
        elif len(self.inbuf) > _MAX_REQUEST:
            self._finish()

    def say(self, text: str) -> None:
        self._send(protocol.say(text))

    def _send(self, data: bytes) -> None:
        if self.conn is None:
            return
        self.out += data
        self.loop.add_writer(self.conn.fileno(), self._write)

    def _write(self) -> None:
        try:
            n = self.conn.send(self.out)
        except BlockingIOError:
            return
        except OSError:
            self._finish()
            return
        del self.out[:n]
        if not self.out:
            self.loop.remove_writer(self.conn.fileno())
            if self.closing:
                self._finish()

    def _exit(self, code: int) -> None:
        self.pending = False
        for fd in self.fds:
            try:
                os.close(fd)
            except OSError:
                pass
        self.fds = []
        self._send(protocol.exit_line(code))
        self.closing = True

    def _request(self, line: bytes) -> None:
        try:
            op, f, names = protocol.decode_request(line)
        except ValueError:
            self.say("s6-rc: fatal: bad request")
            self._exit(100)
            return
        if op == "tee":
            if len(names) != 1 or not self.fds:
                self.say("s6-rc: fatal: bad request")
                self._exit(100)
                return
            self.server.tee(names[0], self.fds.pop(0))
            self._exit(0)
            return
        mgr = self.server.manager
        if op == "init":
            try:
                mgr.init(f["compiled"], f["live"])
            except (OSError, ValueError, KeyError) as e:
                why = getattr(e, "strerror", None) or str(e)
                self.say(f"s6-rc-init: fatal: unable to initialise {f.get('live')}: {why}")
                self._exit(111)
                return
            self._exit(0)
        elif op == "change":
            from init.rc.engine import ChangeRequest
            which = [int(x) for x in f.get("stdio", "0,1,2").split(",") if x]
            stdio = dict(zip(which, self.fds[:3]))
            try:
                cr = ChangeRequest(names=names, up=f.get("up", "1") == "1",
                                   all_up=f.get("all") == "1", timeout_ms=int(f.get("timeout", 0)),
                                   force_essential=f.get("force") == "1",
                                   verbosity=int(f.get("verbosity", 2)),
                                   dry_run=f.get("dry") == "1", stdio=stdio)
            except ValueError:
                self.say("s6-rc: fatal: bad request")
                self._exit(100)
                return
            mgr.change(cr, self.say, self._exit, wait=f.get("block") == "1")
        else:
            self.say(f"s6-rc: fatal: unknown request {op}")
            self._exit(100)

    def _finish(self) -> None:
        if self.conn is None:
            return
        fd = self.conn.fileno()
        self.loop.remove_reader(fd)
        self.loop.remove_writer(fd)
        self.conn.close()
        self.conn = None
        if not self.pending:
            for f in self.fds:
                try:
                    os.close(f)
                except OSError:
                    pass
            self.fds = []
