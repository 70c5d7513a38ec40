"""TERM, CONT and KILL to every process of the container (stage 3's broadcast).

As PID 1 that is every process of the PID namespace but ourselves (what
``kill(-1)`` reaches; ``docker exec`` ones included); as a subreaper
(DECISIONS #16) only our descendants, never the host's processes.  The
catch-all logger is spared: it must drain what the others wrote, and stops
on EOF at the very end.  /proc is read directly; without it, PID 1 falls
back to ``kill(-1)`` and a subreaper to the children it knows.
"""
from __future__ import annotations

import os


def snapshot(proc: str = "/proc") -> dict[int, tuple[int, str]] | None:
    """pid -> (ppid, state) for every visible process; None without /proc."""
    try:
        names = os.listdir(proc)
    except OSError:
        return None
    out: dict[int, tuple[int, str]] = {}
    for name in names:
        if not name.isdigit():
            continue
        try:
            with open(f"{proc}/{name}/stat", "rb") as f:
                data = f.read()
        except OSError:
            continue
        rest = data.rsplit(b")", 1)[-1].split()
        if len(rest) >= 2:
            out[int(name)] = (int(rest[1]), rest[0].decode("ascii", "replace"))
    return out


def targets(procs: dict[int, tuple[int, str]], me: int, subreaper: bool,
            exclude: set[int]) -> list[int]:
    """Who gets the broadcast (pure): living processes, minus us and exclude."""
    if subreaper:
        children: dict[int, list[int]] = {}
        for pid, (ppid, _) in procs.items():
            children.setdefault(ppid, []).append(pid)
        found, todo = [], list(children.get(me, ()))
        while todo:
            p = todo.pop()
            found.append(p)
            todo.extend(children.get(p, ()))
        pool = found
    else:
        pool = [p for p in procs if p != me]
    return sorted(p for p in pool
                  if p not in exclude and procs.get(p, (0, "Z"))[1] not in ("Z", "X"))


def broadcast(sig: int, subreaper: bool, exclude: set[int], known: list[int]) -> int:
    """Send sig to every target; return how many there were."""
    me = os.getpid()
    procs = snapshot()
    if procs is None:
        if not subreaper:
            try:
                os.kill(-1, sig)
            except OSError:
                pass
            return 1
        pool = [p for p in known if p not in exclude]
    else:
        pool = targets(procs, me, subreaper, exclude)
    for p in pool:
        try:
            os.kill(p, sig)
        except OSError:
            pass
    return len(pool)


def remaining(subreaper: bool, exclude: set[int], known: list[int]) -> int:
    procs = snapshot()
    if procs is None:
        return len([p for p in known if p not in exclude])
    return len(targets(procs, os.getpid(), subreaper, exclude))
