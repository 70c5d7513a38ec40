"""The pipes PID 1 holds between producers and their loggers.

Two kinds of links, one mechanism: ``NAME`` -> ``NAME/log`` (a service
directory with a ``log/`` subdirectory, as s6-svscan does) and s6-rc's
``producer-for``/``consumer-for`` (registered with ``connect``; several
producers may feed one consumer).  A pipe is keyed by its consumer and both
ends stay open here for as long as either side is supervised, so a logger or
a producer can die and restart without losing what is in the pipe.  When the
last producer is gone for good, the write end is closed so that the
consumer reads EOF once it has drained the pipe.
"""
from __future__ import annotations

import os


class Pipes:
    def __init__(self, scandir: str) -> None:
        self.scandir = scandir
        self.feeds: dict[str, str] = {}              # producer -> consumer (s6-rc)
        self.pipes: dict[str, tuple[int, int]] = {}  # consumer -> (read end, write end or -1)

    def connect(self, producer: str, consumer: str) -> None:
        self.feeds[producer] = consumer

    def consumer_of(self, name: str) -> str | None:
        """Who reads name's stdout, if anyone."""
        c = self.feeds.get(name)
        if c is None and "/" not in name and os.path.isdir(os.path.join(self.scandir, name, "log")):
            c = name + "/log"
        return c

    def is_consumer(self, name: str) -> bool:
        return name.endswith("/log") or name in self.feeds.values()

    def ends(self, consumer: str) -> tuple[int, int]:
        """The pipe of a consumer, created on first use."""
        p = self.pipes.get(consumer)
        if p is None:
            p = os.pipe2(os.O_CLOEXEC)
            self.pipes[consumer] = p
        return p

    def stdio(self, name: str) -> dict[int, int]:
        """fd 0 and/or fd 1 for a service's ./run and ./finish."""
        fds: dict[int, int] = {}
        if self.is_consumer(name):
            fds[0] = self.ends(name)[0]
        consumer = self.consumer_of(name)
        if consumer is not None:
            w = self.ends(consumer)[1]
            if w >= 0:
                fds[1] = w
        return fds

    def producers(self) -> list[tuple[str, str]]:
        pairs = list(self.feeds.items())
        pairs += [(c[:-4], c) for c in self.pipes if c.endswith("/log")]
        return pairs

    def released(self, name: str, alive) -> None:
        """name's supervision ended for good; alive(n) tells who is still supervised."""
        consumer = self.feeds.get(name)
        if consumer is None and "/" not in name and name + "/log" in self.pipes:
            consumer = name + "/log"
        if consumer is not None and not any(alive(p) for p, c in self.producers() if c == consumer):
            self.close_write_end(consumer)
        if self.is_consumer(name) and not alive(name):
            if not any(alive(p) for p, c in self.producers() if c == name):
                self.drop(name)

    def close_write_end(self, consumer: str) -> None:
        """No producer is left: let the consumer read EOF once the pipe drains."""
        p = self.pipes.get(consumer)
        if p is not None and p[1] >= 0:
            os.close(p[1])
            self.pipes[consumer] = (p[0], -1)

    def close_all_write_ends(self) -> None:
        for c in list(self.pipes):
            self.close_write_end(c)

    def drop(self, consumer: str) -> None:
        p = self.pipes.pop(consumer, None)
        if p is not None:
            for fd in p:
                if fd >= 0:
                    os.close(fd)

    def close(self) -> None:
        for c in list(self.pipes):
            self.drop(c)
