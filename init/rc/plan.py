"""Ordering a ``change`` (pure): closures, and which transitions may start.

Up: a service starts once all its dependencies are up; down: it stops once
all its dependents are down.  Independent transitions run in parallel: the
engine starts everything ``ready()`` returns at once.  A failure blocks
what needed it (transitively); the rest goes on.  Essential services are not
stopped (unless forced): they count as blocked, and so do their
dependencies, which must stay up under them.
"""
from __future__ import annotations

from init.rc.database import Database


class UnknownName(Exception):
    """A name that is neither an atom nor a bundle."""


def select(db: Database, names: list[str]) -> set[str]:
    out: set[str] = set()
    for n in names:
        try:
            out.update(db.resolve(n))
        except KeyError:
            raise UnknownName(n) from None
    return out


def closure(db: Database, atoms: set[str], up: bool) -> set[str]:
    """atoms plus all their dependencies (up) or all their dependents (down)."""
    out = set(atoms)
    todo = list(atoms)
    while todo:
        n = todo.pop()
        for m in (db.atoms[n].deps if up else db.dependents(n)):
            if m not in out:
                out.add(m)
                todo.append(m)
    return out


class Plan:
    def __init__(self, db: Database, targets: set[str], up: bool, state: set[str],
                 force_essential: bool = False) -> None:
        self.db = db
        self.up = up
        self.state = set(state)            # atoms up, updated as transitions succeed
        self.todo = {t for t in targets if (t in state) != up}
        self.already = sorted(targets - self.todo)
        self.running: set[str] = set()
        self.ok: list[str] = []
        self.failed: list[str] = []
        self.blocked: set[str] = set()
        self.skipped: list[str] = []       # essential services left up
        self._unmet: dict[str, int] = {}
        self._ready: list[str] = []
        for n in self.todo:
            self._unmet[n] = sum(1 for p in self._prereqs(n) if self._pending(p))
        if not up and not force_essential:
            for n in sorted(self.todo):
                if db.atoms[n].essential:
                    self.skipped.append(n)
            for n in self.skipped:
                self._block(n)
        self._ready = sorted(n for n in self.todo if self._unmet[n] == 0 and n not in self.blocked)

    def _prereqs(self, n: str) -> list[str]:
        return self.db.atoms[n].deps if self.up else self.db.dependents(n)

    def _waiters(self, n: str) -> list[str]:
        return self.db.dependents(n) if self.up else self.db.atoms[n].deps

    def _pending(self, p: str) -> bool:
        """p still has to make its transition before its waiters may go."""
        return (p in self.state) != self.up

    def ready(self) -> list[str]:
        """Transitions that may start now; each is returned once."""
        out, self._ready = self._ready, []
        self.running.update(out)
        return out

    def finish(self, name: str, ok: bool) -> None:
        self.running.discard(name)
        if not ok:
            self.failed.append(name)
            self._block(name)
            return
        self.ok.append(name)
        if self.up:
            self.state.add(name)
        else:
            self.state.discard(name)
        for w in self._waiters(name):
            if w in self.todo and w not in self.blocked:
                self._unmet[w] -= 1
                if self._unmet[w] == 0:
                    self._ready.append(w)
        self._ready.sort()

    def _block(self, name: str) -> None:
        todo = [name]
        while todo:
            n = todo.pop()
            for w in self._waiters(n):
                if w in self.todo and w not in self.blocked and w not in self.running \
                        and w not in self.ok:
                    self.blocked.add(w)
                    todo.append(w)
        if name in self.todo and name not in self.failed:
            self.blocked.add(name)

    @property
    def done(self) -> bool:
        return not self.running and not self._ready
