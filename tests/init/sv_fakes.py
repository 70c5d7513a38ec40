"""A fake event loop and spawner: drive the supervisor with an exact clock."""
from __future__ import annotations

import heapq
import os


class FakeTimer:
    def __init__(self, when, cb, args):
        self.when, self.cb, self.args, self.cancelled = when, cb, args, False

    def cancel(self):
        self.cancelled = True


class FakeLoop:
    """Time moves only when the test says so; children die when it says so."""

    def __init__(self, start: float = 1000.0, wall0: float = 1_800_000_000.0):
        self.now = start
        self.wall0 = wall0 - start
        self.timers: list = []
        self.seq = 0
        self.readers: dict = {}
        self.children: dict = {}

    def time(self):
        return self.now

    def wall(self):
        return self.now + self.wall0

    def call_at(self, when, cb, *args):
        t = FakeTimer(when, cb, args)
        self.seq += 1
        heapq.heappush(self.timers, (when, self.seq, t))
        return t

    def call_later(self, delay, cb, *args):
        return self.call_at(self.now + delay, cb, *args)

    def call_soon(self, cb, *args):
        return self.call_at(float("-inf"), cb, *args)

    def add_reader(self, fd, cb):
        self.readers[fd] = cb

    def remove_reader(self, fd):
        self.readers.pop(fd, None)

    def add_writer(self, fd, cb):
        pass

    def remove_writer(self, fd):
        pass

    def watch_child(self, pid, cb):
        self.children[pid] = cb

    def forget_child(self, pid):
        self.children.pop(pid, None)

    def reap(self):
        pass

    def run_due(self):
        while self.timers and self.timers[0][0] <= self.now + 1e-9:
            _, _, t = heapq.heappop(self.timers)
            if not t.cancelled:
                t.cancelled = True
                t.cb(*t.args)

    def advance(self, dt: float):
        """Move the clock by dt, firing timers in order at their own times."""
        end = self.now + dt
        while True:
            live = [x for x in self.timers if not x[2].cancelled]
            heapq.heapify(live)
            self.timers = live
            if not live or live[0][0] > end + 1e-9:
                break
            self.now = max(self.now, live[0][0])
            self.run_due()
        self.now = end
        self.run_due()

    def die(self, pid: int, wstat: int):
        """The child pid ended with raw wait status wstat."""
        cb = self.children.pop(pid)
        cb(pid, wstat)
        self.run_due()


def exited(code: int) -> int:
    return (code & 0xFF) << 8


def killed(sig: int) -> int:
    return sig & 0x7F


class FakeSpawner:
    """Records spawns; returns increasing fake pids (never signalled for real)."""

    def __init__(self, fail: set[str] | None = None):
        self.calls: list[dict] = []
        self.next_pid = 50000
        self.fail = fail or set()
        self.notify_w: dict[int, int] = {}   # pid -> dup of the notification write end

    def __call__(self, argv, cwd=None, fds=None, env=None, new_session=True, path=None):
        if argv[0] in self.fail:
            raise FileNotFoundError(2, "No such file or directory")
        self.next_pid += 1
        pid = self.next_pid
        self.calls.append({"pid": pid, "argv": list(argv), "cwd": cwd, "fds": dict(fds or {})})
        for tgt, src in (fds or {}).items():
            if tgt >= 3:
                self.notify_w[pid] = os.dup(src)
        return pid

    def last(self, prog: str) -> dict:
        return [c for c in self.calls if c["argv"][0] == prog][-1]

    def count(self, prog: str) -> int:
        return sum(1 for c in self.calls if c["argv"][0] == prog)


class Kills:
    def __init__(self):
        self.sent: list[tuple[str, int, int]] = []

    def kill(self, pid, sig):
        self.sent.append(("kill", pid, sig))

    def killpg(self, pid, sig):
        self.sent.append(("killpg", pid, sig))
