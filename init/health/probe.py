"""What ``s6py health`` reads: the scan directory, the counters registry, /proc."""
from __future__ import annotations

import fcntl
import json
import os
import stat
import struct
import termios

from init.control import svdir
from init.supervise.status import READY, WANTUP

F_GETPIPE_SZ = 1032


def services(scandir: str) -> list[dict] | None:
    """One entry per service directory; None when there is no scan directory."""
    out: list[dict] = []
    try:
        names = sorted(os.listdir(scandir))
    except OSError:
        return None
    dirs = []
    for name in names:
        d = os.path.join(scandir, name)
        if name.startswith(".") or not os.path.isdir(d):
            continue
        dirs.append((name, d))
        if os.path.isdir(os.path.join(d, "log")):  # its logger, supervised as NAME/log
            dirs.append((f"{name}/log", os.path.join(d, "log")))
    for name, d in dirs:
        entry = {"name": name, "supervised": svdir.supervised(d), "up": False,
                 "want_up": False, "ready": False, "pid": 0,
                 "notifies": os.path.exists(os.path.join(d, "notification-fd"))}
        if entry["supervised"]:
            try:
                st = svdir.read_status(d)
            except (OSError, ValueError):
                entry["supervised"] = False
            else:
                entry.update(up=st.pid != 0, pid=st.pid, want_up=bool(st.flags & WANTUP),
                             ready=bool(st.flags & READY))
        out.append(entry)
    return out


def loggers(registry: str) -> list[dict]:
    out = []
    try:
        names = sorted(os.listdir(registry))
    except OSError:
        return out
    for name in names:
        link = os.path.join(registry, name)
        if name.endswith(".tmp"):
            continue
        try:
            with open(link, "rb") as f:
                doc = json.loads(f.read())
        except (OSError, ValueError):
            continue  # a logdir gone, or a file being replaced
        if not isinstance(doc, dict):
            continue
        doc["path"] = os.path.realpath(link)
        pid = doc.get("pid")
        doc["alive"] = isinstance(pid, int) and pid > 0 and _alive(pid)
        if doc["alive"]:
            doc["backlog"], doc["pipe_capacity"] = _backlog(pid)
        out.append(doc)
    return out


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _backlog(pid: int) -> tuple[int | None, int | None]:
    """Bytes waiting in the logger's input pipe, and the pipe's size."""
    try:
        fd = os.open(f"/proc/{pid}/fd/0", os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError:
        return None, None
    try:
        if not stat.S_ISFIFO(os.fstat(fd).st_mode):
            return None, None
        waiting = struct.unpack("i", fcntl.ioctl(fd, termios.FIONREAD, b"\0\0\0\0"))[0]
        try:
            size = fcntl.fcntl(fd, F_GETPIPE_SZ)
        except OSError:
            size = None
        return waiting, size
    except OSError:
        return None, None
    finally:
        os.close(fd)
