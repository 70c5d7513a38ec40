"""What s6-svwait / s6-svlisten1 / s6-svc -w wait for (pure).

The state starts from the status file and follows event letters:
``u`` up, ``U`` up and ready, ``d`` down, ``D`` down and finished,
``O`` permanent failure, ``x`` the supervisor exited.  Goals: u U d D, and
r / R (restarted: an up event, resp. a ready event, after subscribing).
"""
from __future__ import annotations

from init.supervise.status import Status


class Waiter:
    def __init__(self, goal: str, st: Status | None) -> None:
        self.goal = goal
        self.up = bool(st and st.up)
        self.ready = bool(st and st.ready and not st.finishing)
        self.restarted = False
        self.failed = False

    def feed(self, letters: bytes) -> None:
        for c in letters.decode("latin-1"):
            if self.done:
                return
            if c == "u":
                self.up, self.ready = True, False
                if self.goal == "r":
                    self.restarted = True
            elif c == "U":
                self.up, self.ready = True, True
                if self.goal in "rR":
                    self.restarted = True
            elif c == "d":
                self.up, self.ready = False, False
            elif c == "D":
                self.up, self.ready = False, True
            elif c == "O" and self.goal in "uUrR":
                self.failed = True
            elif c == "x":
                self.failed = True

    @property
    def done(self) -> bool:
        g = self.goal
        if g == "u":
            return self.up
        if g == "U":
            return self.up and self.ready
        if g == "d":
            return not self.up
        if g == "D":
            return not self.up and self.ready
        return self.restarted
