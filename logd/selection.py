"""Which lines each action group takes: s6-log's selection semantics.

Per line, s6-log starts "selected", and walks the groups in order:
``+RE`` selects an unselected line that matches, ``-RE`` deselects a
selected one, ``f`` selects exactly the lines no earlier group acted on;
a group whose line is selected runs its actions.  The state carries over
from one group to the next.

Here the walk is done for a whole chunk at once, on sets of line
indices, so a regex is only tried on the lines whose state it can
change, and a script without selection directives (the common case)
costs nothing per line.  ``None`` stands for "every line".
"""
from __future__ import annotations

TYPE_CHECKING = False  # typing costs milliseconds at start-up; annotations are lazy

if TYPE_CHECKING:
    from collections.abc import Sequence
    from typing import Any

    from logd.script import Group


def needs_lines(groups: Sequence[Group]) -> bool:
    """True if the script selects at all (else every action takes all)."""
    return any(g.selectors for g in groups)


def select(groups: Sequence[Group], lines: Sequence[bytes], data: bytes | None = None,
           physical: tuple[list[bytes], list[int]] | None = None) -> list[list[int] | None]:
    """For each group, the sorted line indices its actions take (None = all).

    ``data``, if given, is the chunk's bytes (``lines`` joined, each with
    its newline): a regex tried on every line can take the batch as is.
    ``physical``: %join records of several lines, as (lines, the record of
    each); a record matches when one of its lines does (REG_NEWLINE).
    """
    n = len(lines)
    if physical is not None:
        return _select_records(groups, n, physical)
    longest = max(map(len, lines)) if lines else 0  # once for every regex of the chunk
    selected: set[int] | None = None  # None = all lines selected
    acted: set[int] | None = set()    # None = every line already acted on
    track = _tracks_acted(groups)
    out: list[list[int] | None] = []
    for gi, group in enumerate(groups):
        for sel in group.selectors:
            if sel.op == "f":
                if acted is None:
                    selected = set()
                elif not acted:
                    selected = None
                else:
                    selected = set(range(n)).difference(acted)
                continue
            regex = sel.regex
            if sel.op == "+":
                if selected is None:
                    continue
                if regex is None:
                    selected = None
                    continue
                if len(selected) == n:
                    selected = None
                    continue
                if selected:
                    idx = sorted(set(range(n)).difference(selected))
                    selected.update(_matching(regex, lines, idx, data, longest))
                else:
                    selected = set(_matching(regex, lines, None, data, longest))
                if len(selected) == n:
                    selected = None
            else:
                if regex is None:
                    selected = set()
                    continue
                if selected is None:
                    selected = set(range(n)).difference(
                        _matching(regex, lines, None, data, longest))
                    if len(selected) == n:
                        selected = None
                elif selected:
                    selected.difference_update(
                        _matching(regex, lines, sorted(selected), data, longest))
        if selected is None:
            out.append(None)
            acted = None
        else:
            out.append(sorted(selected))
            if track[gi] and acted is not None:
                acted.update(selected)
                if len(acted) == n:
                    acted = None
    return out


def _matching(regex: Any, lines: Sequence[bytes], idx: list[int] | None,
              data: bytes | None, longest: int) -> list[int]:
    """The indices (of ``lines``, among ``idx`` or all) that ``regex`` matches.

    ``data`` is the chunk (all of ``lines``), ``longest`` its longest line.

    A logd.ere Matcher takes the whole batch at once (it decides how to
    bound its time); anything else with a ``search`` goes line by line.
    """
    batch = getattr(regex, "matching", None)
    if batch is None:
        search = regex.search
        pick = range(len(lines)) if idx is None else idx
        return [i for i in pick if search(lines[i])]
    return batch(lines, data, idx, longest)


class _Records:
    """A regex over records, through their physical lines (see select)."""

    __slots__ = ("regex", "lines", "owner")

    def __init__(self, regex: Any, lines: list[bytes], owner: list[int]) -> None:
        self.regex, self.lines, self.owner = regex, lines, owner

    def matching(self, records: Sequence[int], data: bytes | None, idx: list[int] | None,
                 longest: int) -> list[int]:
        owner = self.owner
        if idx is None:
            pick = None
        else:
            wanted = set(idx)
            pick = [j for j, o in enumerate(owner) if o in wanted]
        hits = _matching(self.regex, self.lines, pick, None, max(map(len, self.lines)))
        return sorted({owner[j] for j in hits})


def _select_records(groups: Sequence[Group], n: int,
                    physical: tuple[list[bytes], list[int]]) -> list[list[int] | None]:
    from logd.script import Group as G
    from logd.script import Selector

    lines, owner = physical
    wrapped = [G([s if s.regex is None else Selector(s.op, _Records(s.regex, lines, owner),
                                                       s.source) for s in g.selectors],
                 g.actions) for g in groups]
    return select(wrapped, [b""] * n)  # the wrapped regexes look at the lines


def _tracks_acted(groups: Sequence[Group]) -> list[bool]:
    """Group i must record what it acted on only if a later group has f."""
    later_f = False
    flags = [False] * len(groups)
    for i in range(len(groups) - 1, -1, -1):
        flags[i] = later_f
        if any(s.op == "f" for s in groups[i].selectors):
            later_f = True
    return flags
