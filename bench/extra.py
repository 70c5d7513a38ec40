#!/usr/bin/env python3
"""bench/run.py with s6py's own scenarios added (the vendored harness stays as shipped).

    python3 bench/extra.py CANDIDATE --vs s6-log -s redos
    python3 bench/extra.py --list

Scenario ``redos`` (letter r): the s6-overlay default logger with one
backtracking-prone selection, ``-^([a-z]+ ?)*$`` ("drop lines that are only
words", issue #13's example), on the ``hostile`` input: the harness's
``typical`` lines with one in 50 replaced by a near miss of that pattern
(lower-case words ending in a stray byte), which is where a backtracking
engine explores every split of the line.  The real s6-log (glibc's
automaton) takes it in its stride; so must logd.

Everything else is run.py's: same options, same figures, same output.
"""
from __future__ import annotations

import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import gen  # noqa: E402
import run  # noqa: E402
import scenarios  # noqa: E402

WORDS_ONLY = "-^([a-z]+ ?)*$"


def hostile_line(rng, i):
    """A typical line, or (1 in 50) words ending in a byte that spoils them."""
    if rng.random() >= 0.02:
        return gen.typical_line(rng, i)
    words = " ".join(rng.choice(gen.WORDS) for _ in range(rng.randint(6, 14)))
    return words + rng.choice("!;/-_0#")


def _register() -> None:
    gen.KINDS.setdefault("hostile", (hostile_line, 200))
    build = scenarios.build

    def build_extra(args):
        sc = build(args)
        sc["redos"] = scenarios.LoggerScenario(
            "redos", f"r: -b n20 s1000000 '{WORDS_ONLY}' T DIR, 2% near-miss lines",
            "hostile", ["-b"], [([WORDS_ONLY], "log", [])], ["n20", "s1000000"], "T",
            check_tail=False)
        return sc

    scenarios.build = build_extra
    scenarios.ALIASES.setdefault("r", ["redos"])


if __name__ == "__main__":
    _register()
    sys.exit(run.main())
