"""Which file of a logdir to read next, across rotations (pure).

A logdir's history is a chain of segments: each ``current`` lives until
rotation renames it ``previous`` and, when a processor runs, a new
``processed`` file replaces it; the result is hard-linked to an archive
name ``@<label>.s``.  Rotations of one logdir never overlap (s6-log holds
new lines until the previous rotation is complete), and archive names grow
with time, so archives appear in segment order.

The reader's state is ``after`` (every archive whose name sorts at or
before it is done) and ``pending``: the segments it read while they were
live (``current``/``previous``/``processed``) whose archive has not been
seen yet, oldest first.  A new archive (name after ``after``) is:

* the archive of a pending segment when it is the same file (same
  identity: without a processor the archive *is* the old ``current``);
* else, when a processor is at work (evidence: a ``processed`` file, or a
  compressed archive) and the oldest pending segment's file is gone, that
  segment's processed output (a new file);
* else a segment never seen live (the reader fell behind): read it.
  Pending segments whose files are gone had their archives pruned.

So a line is never read twice.  What can be missed: a segment created and
pruned between two looks, and, only with a processor, a segment whose
predecessor's archive was pruned before the reader saw it (documented
trade-off: a duplicate is never produced to avoid a possible miss).
"""
from __future__ import annotations

from typing import Callable, NamedTuple

from logd.reading.files import Entry, Snapshot, archive_order


class Plan(NamedTuple):
    keep: list  # the pending segments still waiting for their archive
    after: str
    next: tuple[str, Entry] | None  # (kind, entry): kind is the file's role


def plan_next(snap: Snapshot, after: str, pending: list, same: Callable[[object, Entry], bool],
              processor: Callable[[Entry], bool]) -> Plan:
    """Decide the next file to read.

    ``same(p, entry)``: is pending segment ``p`` that file?  ``processor(entry)``:
    is there evidence that archives are a processor's output (checked lazily:
    it may open the file)?
    """
    pend = list(pending)
    floor = archive_order(after) if after else b""
    everything = [*snap.archives, *(e for e in (snap.previous, snap.processed, snap.current) if e)]

    def visible(p: object) -> bool:
        return any(same(p, e) for e in everything)

    for a in snap.archives:
        if after and archive_order(a.name) <= floor:
            continue
        hit = next((i for i, p in enumerate(pend) if same(p, a)), None)
        if hit is not None:
            del pend[:hit + 1]
            after = a.name
            continue
        if pend and not visible(pend[0]) and processor(a):
            del pend[0]
            after = a.name
            continue
        # never seen live: read it.  Pending segments whose files are gone
        # had their archives pruned; the others still wait.
        return Plan([p for p in pend if visible(p)], after, ("archive", a))
    # a file caught between its hard link to an archive name and the removal
    # of its old name is that archive, handled above
    archived = {(a.dev, a.ino) for a in snap.archives}

    def fresh(e: Entry | None) -> bool:
        return e is not None and (e.dev, e.ino) not in archived \
            and not any(same(p, e) for p in pend)

    if snap.previous is not None:
        if fresh(snap.previous):
            return Plan(pend, after, ("previous", snap.previous))
    elif fresh(snap.processed):
        if not (pend and not visible(pend[0]) and processor(snap.processed)):
            return Plan(pend, after, ("processed", snap.processed))
    if fresh(snap.current):
        return Plan(pend, after, ("current", snap.current))
    return Plan(pend, after, None)
