"""The client side of server.py: send one request with our fds 0-2, relay
the messages to our stderr, return the exit code."""
from __future__ import annotations

import json
import os
import socket
import sys

from init.rc.server import socket_path


def request(scandir: str, req: dict, prog: str = "s6-rc") -> int:
    path = socket_path(scandir)
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM | socket.SOCK_CLOEXEC)
    try:
        s.connect(path)
    except OSError as e:
        sys.stderr.write(f"{prog}: fatal: unable to connect to {path}: {e.strerror}\n")
        return 111
    fds = [fd for fd in (0, 1, 2) if _is_open(fd)]
    payload = json.dumps(dict(req, stdio=fds)).encode() + b"\n"
    try:
        socket.send_fds(s, [payload], fds)
        f = s.makefile("rb")
        code = None
        for line in f:
            msg = json.loads(line)
            if "say" in msg:
                sys.stderr.write(msg["say"] + "\n")
                sys.stderr.flush()
            if "exit" in msg:
                code = int(msg["exit"])
                break
        if code is None:
            sys.stderr.write(f"{prog}: fatal: the supervisor closed the connection\n")
            return 111
        return code
    except OSError as e:
        sys.stderr.write(f"{prog}: fatal: lost connection to {path}: {e.strerror}\n")
        return 111
    finally:
        s.close()


def _is_open(fd: int) -> bool:
    try:
        os.fstat(fd)
        return True
    except OSError:
        return False
