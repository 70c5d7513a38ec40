"""s6-svok servicedir: exit 0 if a supervisor runs on it, 1 otherwise."""
from __future__ import annotations

import sys

from init.control import svdir


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        sys.stderr.write("s6-svok: usage: s6-svok servicedir\n")
        return 100
    return 0 if svdir.supervised(argv[0]) else 1
