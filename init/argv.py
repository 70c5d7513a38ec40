"""skarnet-style option parsing (subgetopt), without the getopt module.

The stdlib's getopt drags in gettext and re (~3 ms and ~1 MB in PID 1).
Options stop at the first non-option argument or at ``--``; ``-abc``
bundles flags; an option taking an argument takes the rest of the word or
the next word.
"""
from __future__ import annotations


class UsageError(Exception):
    pass


def getopt(argv: list[str], spec: str) -> tuple[list[tuple[str, str]], list[str]]:
    """Return ([("-x", value-or-""), ...], remaining args); UsageError if bad."""
    opts: list[tuple[str, str]] = []
    i = 0
    while i < len(argv):
        a = argv[i]
        if a == "--":
            return opts, argv[i + 1:]
        if not a.startswith("-") or a == "-":
            break
        j = 1
        while j < len(a):
            c = a[j]
            k = spec.find(c)
            if k < 0 or c == ":":
                raise UsageError(c)
            if k + 1 < len(spec) and spec[k + 1] == ":":
                if j + 1 < len(a):
                    opts.append(("-" + c, a[j + 1:]))
                elif i + 1 < len(argv):
                    i += 1
                    opts.append(("-" + c, argv[i]))
                else:
                    raise UsageError(c)
                break
            opts.append(("-" + c, ""))
            j += 1
        i += 1
    return opts, argv[i:]
