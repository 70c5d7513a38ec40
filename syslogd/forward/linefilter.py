"""Which logdir lines the forwarder ships: ``--grep`` and ``--exclude`` (pure).

Why here and in this dialect: the patterns are POSIX EREs, as in the log
script that wrote the logdir and in ``s6py logs cat --grep``, so one pattern
means the same thing everywhere; they apply to the text after the stamps.
They run through logd.ere's matcher, one batch at a time, so a pattern that
would make Python's ``re`` backtrack for hours on a hostile line (log lines
are often attacker-shaped) costs time linear in the line instead.
"""
from __future__ import annotations

from logd.ere import compile_matcher
from logd.reading.line import split_stamps


class LineFilter:
    """Keep lines matching any ``grep`` pattern (all, if none) and no ``exclude`` one."""

    def __init__(self, grep: list[bytes], exclude: list[bytes]) -> None:
        # EREError (a ValueError) for a pattern glibc's regcomp would refuse
        self.grep = [compile_matcher(p) for p in grep]
        self.exclude = [compile_matcher(p) for p in exclude]

    def __call__(self, lines: list[bytes]) -> list[bytes]:
        if not lines:
            return lines
        texts = [split_stamps(x)[2] for x in lines]
        if self.grep:
            keep: set[int] = set()
            for m in self.grep:
                keep.update(m.matching(texts))
        else:
            keep = set(range(len(lines)))
        for m in self.exclude:
            if keep:
                keep.difference_update(m.matching(texts))
        if len(keep) == len(lines):
            return lines
        return [lines[i] for i in sorted(keep)]
