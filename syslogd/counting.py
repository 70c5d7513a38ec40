"""s6-socklog's share of ``s6py health``: datagrams seen and cut, in ``./.s6py-counters.json``.

Why here: a datagram longer than ``-l`` is cut (the kernel drops the rest),
and nothing downstream can tell.  With ``S6PY_COUNTERS=1`` the formatter is
wrapped to count, and the file (in the working directory, the service
directory under supervision) is replaced after a write, at most every half
second, and at exit; see logd/counters.py for the logger's file.
"""
from __future__ import annotations

import os
import time

from logd.counters import FILE, INTERVAL, register, write_json

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Callable


class Counting:
    """A formatter that counts what it formats; ``tick`` writes the file."""

    def __init__(self, fmt: Callable[[bytes], bytes], linelen: int, path: str = FILE) -> None:
        self.fmt = fmt
        self.linelen = linelen
        self.path = os.path.abspath(path)
        self.started = time.time()
        self.lines = self.truncated = 0
        self._written_at = -INTERVAL
        register(self.path)

    def __call__(self, data: bytes) -> bytes:
        self.lines += 1
        if len(data) > self.linelen:
            self.truncated += 1
        return self.fmt(data)

    def tick(self, force: bool = False, state: str = "running") -> None:
        now = time.monotonic()
        if not force and now - self._written_at < INTERVAL:
            return
        self._written_at = now
        write_json(self.path, {"program": "s6-socklog", "pid": os.getpid(), "state": state,
                               "started": round(self.started, 6),
                               "updated": round(time.time(), 6), "lines": self.lines,
                               "truncated": self.truncated})
