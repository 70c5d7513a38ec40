"""The client side of server.py: send one request with our fds 0-2, relay
the messages to our stderr, return the exit code."""
from __future__ import annotations

import os
import socket
import sys

from init.rc import protocol
from init.rc.server import socket_path


def request(scandir: str, req: dict, prog: str = "s6-rc") -> int:
    """req: {"op": ..., "names": [...], other fields...}."""
    path = socket_path(scandir)
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM | socket.SOCK_CLOEXEC)
    try:
        return _exchange(s, path, req, prog)
    finally:
        s.close()


def _exchange(s: socket.socket, path: str, req: dict, prog: str) -> int:
    try:
        s.connect(path)
    except OSError as e:
        sys.stderr.write(f"{prog}: fatal: unable to connect to {path}: {e.strerror}\n")
        return 111
    fds = [fd for fd in (0, 1, 2) if _is_open(fd)]
    fields = {k: _wire(v) for k, v in req.items() if k not in ("op", "names")}
    fields["stdio"] = ",".join(map(str, fds))
    payload = protocol.encode_request(req["op"], fields, req.get("names", []))
    send_error = None
    try:
        socket.send_fds(s, [payload], fds)
    except OSError as e:   # refused peers are answered and dropped at once: read it
        send_error = e
    code = None
    try:
        for line in s.makefile("rb"):
            kind, text = protocol.decode_reply(line)
            if kind == "say":
                sys.stderr.write(text + "\n")
                sys.stderr.flush()
            elif kind == "exit":
                code = int(text)
                break
    except OSError as e:
        send_error = send_error or e
    if code is None:
        why = f": {send_error.strerror}" if send_error is not None else ""
        sys.stderr.write(f"{prog}: fatal: lost connection to {path}{why}\n")
        return 111
    return code


def _wire(v) -> str:
    if isinstance(v, bool):
        return "1" if v else "0"
    return str(v)


def _is_open(fd: int) -> bool:
    try:
        os.fstat(fd)
        return True
    except OSError:
        return False
