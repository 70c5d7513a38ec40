"""Fuzzing logd.ere's parser and matcher: no exception but EREError, no hang.

Patterns are arbitrary bytes, glibc token soup and grammar-grown EREs
(test_ere.py's generators); subjects are short and long lines (up to a few
KiB, where a backtracking engine would blow up) and, for eltest's string
mode, strings with newlines.  Each example has a hard wall-clock cap
(SIGALRM), far above what any should take; the run is bounded by its
example count (``S6PY_ERE_FUZZ=N`` for a longer, random one).
"""

from __future__ import annotations

import os
import signal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from logd.ere import EREError, compile_matcher

from .test_ere import build, soup

CAP_SECONDS = 20
_N = int(os.environ.get("S6PY_ERE_FUZZ", "0"))


class Hang(Exception):
    pass


@pytest.fixture(autouse=True)
def hard_cap():
    def fire(signum, frame):
        raise Hang(f"one example took over {CAP_SECONDS} s")

    old = signal.signal(signal.SIGALRM, fire)
    yield
    signal.setitimer(signal.ITIMER_REAL, 0)
    signal.signal(signal.SIGALRM, old)


def patterns() -> st.SearchStrategy[bytes]:
    return st.one_of(st.binary(max_size=40), soup(), st.binary(min_size=4, max_size=80).map(build))


def subjects(pattern: bytes) -> st.SearchStrategy[list[bytes]]:
    alphabet = sorted(set(pattern + b"aAz09 _-.\t\xe9") - {0x0A})
    short = st.binary(max_size=30).map(lambda b: bytes(alphabet[x % len(alphabet)] for x in b))
    # long lines of a repeated piece: where backtracking goes exponential
    long = st.tuples(short, st.integers(50, 2000), short).map(lambda t: t[0] * t[1] + t[2])
    return st.lists(st.one_of(short, long), min_size=1, max_size=6)


@settings(max_examples=_N or 1500, deadline=None, derandomize=not _N, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(st.data())
def test_parser_and_matcher_never_fail_nor_hang(data: st.DataObject) -> None:
    pattern = data.draw(patterns(), label="pattern")
    lines = [x[:8192] for x in data.draw(subjects(pattern), label="lines")]
    signal.setitimer(signal.ITIMER_REAL, CAP_SECONDS)
    try:
        m = compile_matcher(pattern)
    except EREError:
        with pytest.raises(EREError):
            compile_matcher(pattern, lines=False)
        return
    got = m.matching(lines)
    assert got == sorted(set(got)) and all(0 <= i < len(lines) for i in got)
    assert [i for i, x in enumerate(lines) if m.search(x)] == got
    s = compile_matcher(pattern, lines=False)
    strings = [x.replace(b"_", b"\n") for x in lines]
    assert s.matching(strings) == [i for i, x in enumerate(strings) if s.search(x)]
    signal.setitimer(signal.ITIMER_REAL, 0)
