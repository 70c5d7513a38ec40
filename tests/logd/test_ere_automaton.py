"""logd.ere's automaton (nfa.py, dfa.py) against the translation it must agree with.

The translation (printed for ``re``) is pinned against glibc in test_ere.py;
here the automaton is held to the same verdicts on the same trees, which
needs no glibc and so also covers the shapes test_ere only compiles
(glibc_caveat), and its own machinery: byte classes, anchors in context,
the batch form's line bookkeeping, the bounded cache, C-string mode.
"""

from __future__ import annotations

import re
import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from logd.ere import EREError, compile_matcher, translate
from logd.ere import dfa as dfa_mod
from logd.ere.dfa import DFA
from logd.ere.nfa import MAX_NODES, TooBig, Unsupported, build_nfa
from logd.ere.translation import _parse

from .test_ere import (
    GLIBC_STRINGS,
    LINES,
    PATTERNS,
    TIMEOUT,
    glibc_caveat,
    grammar,
    lines_for,
    soup,
)


def automaton(pattern: bytes, lines: bool = True) -> DFA:
    return DFA(build_nfa(_parse(pattern)[0], lines))


def by_re(pattern: bytes, subjects: list[bytes]) -> list[int]:
    rx = re.compile(translate(pattern))
    return [i for i, x in enumerate(subjects) if rx.search(x)]


def agree(pattern: bytes, subjects: list[bytes]) -> None:
    try:
        d = automaton(pattern)
    except (Unsupported, TooBig, EREError):
        return
    want = by_re(pattern, subjects)
    assert d.matching(subjects) == want, pattern
    assert [i for i, x in enumerate(subjects) if d.search_string(x)] == want, pattern


@pytest.mark.parametrize("pattern", PATTERNS, ids=repr)
def test_corpus_agrees_with_translation(pattern: bytes) -> None:
    subjects = [x for x in LINES + [pattern, pattern * 2] if b"\n" not in x and b"\0" not in x]
    agree(pattern, subjects)


_RANDOM = settings(max_examples=1500, deadline=None, derandomize=True, database=None,
                   suppress_health_check=[HealthCheck.too_slow])


@_RANDOM
@given(st.data())
def test_random_grammar_agrees(data: st.DataObject) -> None:
    pattern = data.draw(grammar(), label="pattern")
    agree(pattern, data.draw(lines_for(pattern), label="lines") + [b""])


@_RANDOM
@given(st.data())
def test_random_soup_agrees(data: st.DataObject) -> None:
    pattern = data.draw(soup(), label="pattern")
    agree(pattern, data.draw(lines_for(pattern), label="lines") + [b""])


def test_batch_bookkeeping() -> None:
    """Line ends found from lengths alone, at every alignment to the 8-byte words."""
    d = automaton(rb"x$")
    for n in range(0, 20):
        subjects = [b"a" * k + (b"x" if k % 3 == 0 else b"") for k in range(n)]
        subjects += [b"", b"", b"x", b""]
        want = [i for i, x in enumerate(subjects) if x.endswith(b"x")]
        assert d.matching(subjects) == want
        data = b"\n".join(subjects) + b"\n"
        assert d.matching(subjects, data) == want
    assert d.matching([]) == []


def test_nul_ends_the_subject() -> None:
    """regexec sees a C string: what follows a NUL is not there."""
    d = automaton(rb"b$")
    assert d.matching([b"ab\0c", b"abc", b"a\0b"]) == [0]
    assert d.search_string(b"ab\0c") and not d.search_string(b"a\0b")


def test_anchors_in_context() -> None:
    cases = {
        rb"\<a": ([b"a", b" a", b"ba"], [0, 1]),
        rb"a\>": ([b"a", b"a ", b"ab"], [0, 1]),
        rb"\ba\b": ([b"a", b"(a)", b"ab", b"ba"], [0, 1]),
        rb"\B": ([b"", b"ab", b"a", b" "], [0, 1, 3]),
        rb"^$": ([b"", b"a"], [0]),
        rb"a^": ([b"a", b""], []),
        rb"$a": ([b"a"], []),
        rb"\`a|b\'": ([b"ab", b"ba", b"xax", b"xb"], [0, 3]),
    }
    # a failed anchored branch is not a dead end while another anchor may still hold
    cases[rb"^x|\>b"] = ([b"x", b"ab", b" b", b"a b" * 9, b"yy" * 9 + b"b", b"  " * 9 + b"b"],
                         [0])
    cases[rb"^x|\<b"] = ([b"x", b"ab", b"a " * 9 + b"b", b"yy" * 9 + b"b"], [0, 2])
    for pattern, (subjects, want) in cases.items():
        assert automaton(pattern).matching(subjects) == want, pattern
        assert by_re(pattern, subjects) == want, pattern


def test_string_mode_has_no_reg_newline() -> None:
    """eltest's =~ (no REG_NEWLINE): newline is an ordinary byte, ^ $ only at the ends."""
    cases = [(rb"a.b", b"a\nb", True), (rb"^b", b"x\nb", False), (rb"a[^x]b", b"a\nb", True),
             (rb"a$", b"a\nb", False), (b"a\nb", b"a\nb", True), (rb"\<b", b"a\nb", True)]
    for pattern, subject, want in cases:
        d = automaton(pattern, lines=False)
        assert d.search_string(subject) is want, (pattern, subject)
        assert compile_matcher(pattern, lines=False).search(subject) is want


def test_back_references_and_size_have_no_automaton() -> None:
    with pytest.raises(Unsupported):
        automaton(rb"(a)\1")
    with pytest.raises(TooBig):
        automaton(b"a{%d}" % MAX_NODES)
    automaton(b"a{%d}" % (MAX_NODES // 2))


def test_bounded_cache_stays_exact(monkeypatch: pytest.MonkeyPatch) -> None:
    """An exponential DFA: the cache is emptied again and again, verdicts stay right."""
    monkeypatch.setattr(dfa_mod, "MAX_STATES", 16)
    monkeypatch.setattr(dfa_mod, "MAX_BLOCKS", 64)
    pattern = rb"(a|b)*a(a|b){8}$"
    d = automaton(pattern)
    import random
    rng = random.Random(5)
    subjects = [bytes(rng.choice(b"ab") for _ in range(rng.randint(0, 60))) for _ in range(400)]
    assert d.matching(subjects) == by_re(pattern, subjects)
    assert d.flushes > 0 and len(d.states) <= 16


def test_linear_on_the_classic_shapes() -> None:
    """Time per byte does not grow with the line: 64x the line, well under 640x the time."""
    for pattern in (rb"^([a-z]+ ?)*$", rb"(a|a)*b", rb"(a*)*b", rb"(.*a){20}",
                    rb"^(\w+\s?)*$", rb"(x+x+)+y", rb"a.*b.*c.*d"):
        d = automaton(pattern)
        times = []
        for n in (256, 256 * 64):
            line = (b"word " * n)[:n] + b"!"
            d.matching([line])  # build the states first
            t = time.process_time()
            for _ in range(3):
                d.matching([line])
            times.append(time.process_time() - t)
        assert times[1] < max(times[0], 0.001) * 640, (pattern, times)


@pytest.mark.skipif(GLIBC_STRINGS is None, reason="glibc regcomp not available")
@settings(max_examples=1500, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_string_mode_against_glibc(data: st.DataObject) -> None:
    """eltest's =~ against regcomp(REG_EXTENDED | REG_NOSUB): subjects with newlines."""
    pattern = data.draw(grammar(), label="pattern")
    subjects = [x.replace(b"_", b"\n") for x in data.draw(lines_for(pattern), label="lines")]
    subjects = [x for x in subjects if b"\0" not in x] + [b"", b"\n", b"a\nb"]
    assert GLIBC_STRINGS is not None
    want = GLIBC_STRINGS.run(pattern, subjects)
    if want is TIMEOUT or glibc_caveat(pattern):
        return
    try:
        m = compile_matcher(pattern, lines=False)
    except EREError:
        assert want is None, pattern
        return
    assert want is not None, pattern
    if m.dfa is None:
        return  # back-references: re, with REG_NEWLINE's meaning (a known difference)
    if re.search(rb"[$^]|\\[`']", pattern):
        # glibc's own bug: after a newline matched by '.' or a bracket, it takes
        # the next position as a line start even without REG_NEWLINE (".^" selects
        # "\n", "\n^" does not); we answer as POSIX does (init/execline/__init__.py)
        subjects, want = zip(*[(x, w) for x, w in zip(subjects, want) if b"\n" not in x])
    assert [m.search(x) for x in subjects] == list(want), (pattern, subjects)
