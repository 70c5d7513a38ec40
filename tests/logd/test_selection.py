"""Chunk-wide selection against the per-line pseudo-code of s6-log.md §3."""
import re

from hypothesis import given, settings
from hypothesis import strategies as st

from logd.script import Action, Controls, Group, Selector
from logd.selection import select


def per_line(groups, line):
    selected, acted, took = True, False, []
    for gi, g in enumerate(groups):
        for s in g.selectors:
            if s.op == "f":
                selected = not acted
            elif s.op == "+":
                if not selected and (s.regex is None or s.regex.search(line)):
                    selected = True
            elif selected and (s.regex is None or s.regex.search(line)):
                selected = False
        if selected:
            acted = True
            took.append(gi)
    return took


REGEXES = [None, re.compile(b"a"), re.compile(b"^b"), re.compile(b"c$"), re.compile(b"[ab]c")]
selector = st.one_of(st.just(Selector("f")),
                     st.builds(Selector, st.sampled_from("+-"), st.sampled_from(REGEXES)))
group = st.builds(lambda sels: Group(sels, [Action("1", False, False, Controls())]),
                  st.lists(selector, max_size=4))
words = st.lists(st.sampled_from([b"a", b"b", b"c", b"ac", b"bc", b"", b"x"]), min_size=1,
                 max_size=30)


@settings(max_examples=400, deadline=None)
@given(st.lists(group, min_size=1, max_size=5), words)
def test_matches_per_line_semantics(groups, lines):
    result = select(groups, lines)
    for gi, sel in enumerate(result):
        took = [i for i, line in enumerate(lines) if gi in per_line(groups, line)]
        assert (list(range(len(lines))) if sel is None else sel) == took
