"""Archive names and pruning decisions (pure).

An archive is a name of exactly 27 bytes: ``@``, a 24-hex-digit TAI64N
label (either case), ``.``, then ``s`` or ``u``.  Anything else in a
logdir is left alone.  Archives are ordered by the bytes after ``@``,
which is time order for lowercase labels (uppercase ones sort first and
so are pruned first, as s6-log does).
"""
from __future__ import annotations

_HEX = frozenset(b"0123456789abcdefABCDEF")


def is_archive(name: str | bytes) -> bool:
    raw = name.encode("utf-8", "surrogateescape") if isinstance(name, str) else name
    return (
        len(raw) == 27
        and raw[0] == 0x40
        and raw[25] == 0x2E
        and raw[26] in (0x73, 0x75)
        and all(c in _HEX for c in raw[1:25])
    )


def prune_victims(archives: list[tuple[str, int]], keep: int, max_total: int) -> list[str]:
    """Names to delete, oldest first: while more than ``keep`` remain, or
    (``max_total`` > 0 and) their total size exceeds ``max_total``."""
    ordered = sorted(archives, key=lambda a: a[0][1:].encode("utf-8", "surrogateescape"))
    count = len(ordered)
    total = sum(size for _, size in ordered)
    victims = []
    for name, size in ordered:
        if count > keep or (max_total > 0 and total > max_total):
            victims.append(name)
            count -= 1
            total -= size
        else:
            break
    return victims
