"""logd.ere's matcher policy (matcher.py) and the re watchdog (watchdog.py).

What is pinned: a runaway ``re`` call is interrupted by its CPU budget and
the batch is answered by the automaton with the same verdicts; the
automaton keeps the pattern for a while, then ``re`` gets another chance;
back-references (no automaton) give up on a hostile line only, once
warned; off the main thread the automaton answers alone.
"""

from __future__ import annotations

import re
import threading
import time

import pytest

from logd.ere import compile_matcher, matcher, watchdog
from logd.ere.matcher import Matcher

EVIL = b"word word word word word word word word xxxxxxxxxxxxxxxxxxxx!"
WORDS = rb"^([a-z]+ ?)*$"


def fresh(pattern: bytes) -> Matcher:
    compile_matcher.cache_clear()
    return compile_matcher(pattern)


def test_watchdog_interrupts_a_runaway_search() -> None:
    assert watchdog.available()
    rx = re.compile(rb"^([a-z]+ ?)*$")
    t = time.process_time()
    with pytest.raises(watchdog.Expired):
        watchdog.run(0.01, lambda: rx.search(EVIL))
    assert time.process_time() - t < 5  # unguarded: hours
    # a call within its budget returns its value, and nothing fires later
    assert watchdog.run(0.5, lambda: 42) == 42
    t = time.process_time()
    while time.process_time() - t < 0.6:
        pass


def test_runaway_batch_is_answered_by_the_automaton() -> None:
    m = fresh(WORDS)
    lines = [EVIL, b"ab cd", b"", b"AB", b"ab  cd"]
    assert m.matching(lines) == [1, 2]
    assert m.overruns == 1
    # the automaton keeps the pattern for the next batches, then re is retried
    skip = matcher._BACKOFF_FIRST
    for _ in range(skip):
        assert m.matching([EVIL]) == []
    assert m.overruns == 1
    assert m.matching([EVIL]) == []
    assert m.overruns == 2 and m._skip == 2 * skip


def test_quiet_patterns_stay_on_re() -> None:
    m = fresh(rb"^auth\.")
    for _ in range(20):
        assert m.matching([b"auth.info: x", b"user.info: auth."]) == [0]
    assert m.overruns == 0 and m._skip == 0


def test_long_lines_go_to_the_automaton(monkeypatch: pytest.MonkeyPatch) -> None:
    m = fresh(rb"a.*b.*c")
    calls = []
    real = m.dfa.matching
    monkeypatch.setattr(m.dfa, "matching", lambda *a: calls.append(1) or real(*a))
    assert m.matching([b"a" * (matcher.RE_LINE_MAX + 1), b"abc"]) == [1]
    assert calls == [1]


def test_back_references_give_up_on_one_line_only() -> None:
    m = fresh(rb"^(a|a)*(b)\2$")
    assert m.dfa is None
    said: list[str] = []
    m.warn = said.append
    assert m.matching([b"a" * 40 + b"c", b"aabb", b"a" * 40 + b"d", b"ab"]) == [1]
    assert m.overruns == 2
    assert len(said) == 1 and "back-references" in said[0]


def test_off_the_main_thread_the_automaton_answers() -> None:
    m = fresh(WORDS)
    got = []
    th = threading.Thread(target=lambda: got.append(m.matching([EVIL, b"ok"])))
    th.start()
    th.join(30)
    assert got == [[1]] and m.overruns == 0


def test_search_one_subject() -> None:
    m = fresh(WORDS)
    assert m.search(b"ab cd") and not m.search(EVIL)
    with pytest.raises(ValueError):
        m.search(b"a\nb")
    assert compile_matcher(rb"a.b", lines=False).search(b"a\nb")
