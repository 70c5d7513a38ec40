"""%join's records, sans I/O (logd/joiner.py): grouping, holding, cutting, marking."""
from __future__ import annotations

import pytest

from logd.ere import compile_matcher
from logd.extensions import JoinSpec
from logd.joiner import MARK, JoinSplitter, RecordChunk
from logd.reader import READ_WINDOW

TRACE = [b"Traceback (most recent call last):", b'  File "x.py", line 1, in <module>',
         b"    boom()", b"ValueError: no"]


def splitter(mode="indent", regex=None, limit=8192, **kw) -> JoinSplitter:
    rx = compile_matcher(regex) if regex else None
    return JoinSplitter(JoinSpec(mode, rx, regex or b"", **kw), limit)


def feed_all(sp: JoinSplitter, data: bytes, step: int = 0, now: float = 0.0) -> list[bytes]:
    out: list[bytes] = []
    pieces = [data[i:i + step] for i in range(0, len(data), step)] if step else [data]
    for p in pieces:
        chunk = sp.feed(p, now)
        if chunk is not None:
            out += chunk.lines
    end = sp.take_partial()
    return out + (end.lines if end is not None else [])


@pytest.mark.parametrize("step", [0, 1, 3, 7, 64])
def test_indented_lines_continue_whatever_the_reads(step):
    data = b"a\n  b\n\tc\nd\ne\n f\n"
    assert feed_all(splitter(), data, step) == [b"a\n  b\n\tc", b"d", b"e\n f"]


def test_regex_modes():
    data = b"\n".join([b"2026 start"] + TRACE[1:] + [b"2026 next", b"Caused by: x", b"y"]) + b"\n"
    starts = splitter("-", rb"^[0-9]{4} ")  # lines not starting with a year continue
    assert feed_all(starts, data) == [b"\n".join([b"2026 start"] + TRACE[1:]),
                                      b"2026 next\nCaused by: x\ny"]
    conts = splitter("+", rb"^([[:space:]]|Caused by:)")  # these lines continue
    assert feed_all(conts, data) == [b"\n".join([b"2026 start"] + TRACE[1:3]), TRACE[3],
                                     b"2026 next\nCaused by: x", b"y"]


def test_the_last_record_is_held_until_it_is_complete():
    sp = splitter()
    chunk = sp.feed(b"one\n  two\nthree\n", 1.0)
    assert chunk.lines == [b"one\n  two"]
    assert sp.pending == b"three\n" and sp.tail == b"" and sp.deadline() == 1.0 + 0.2
    assert sp.feed(b"  four\n", 1.1) is None  # it grew: the clock starts again
    assert sp.deadline() == pytest.approx(1.3)
    assert sp.feed(b"", 1.2) is None and sp.deadline() == pytest.approx(1.3)
    assert sp.feed(b"fi", 1.25) is None  # a partial line may yet be a continuation
    assert sp.pending == b"three\n  four\nfi" and sp.tail == b"fi"
    assert sp.feed(b"ve\n", 1.26).lines == [b"three\n  four"]
    assert sp.pending == b"five\n" and sp.deadline() == pytest.approx(1.46)
    assert sp.take_partial().lines == [b"five"]


def test_time_limit_writes_the_record_and_marks_what_continues_it():
    sp = splitter()
    sp.feed(b"one\n  two\n", 0.0)
    assert sp.take_held().lines == [b"one\n  two"]
    assert sp.pending == b"" and sp.take_held() is None
    assert feed_all(sp, b"  three\nfour\n") == [MARK + b"  three", b"four"]


def test_records_over_the_cap_are_cut_and_marked():
    sp = splitter(max=300)
    lines = [b"head"] + [b"  %03d " % i + b"x" * 90 for i in range(7)]
    got = feed_all(sp, b"\n".join(lines) + b"\nnext\n")
    assert all(len(r) <= 300 for r in got)
    assert got[0].startswith(b"head\n") and got[-1] == b"next"
    assert all(r.startswith(MARK + b"  ") for r in got[1:-1])
    assert b"\n".join(r.replace(MARK, b"") for r in got[:-1]) == b"\n".join(lines)


def test_lines_over_the_limit_stay_in_their_record_marked():
    sp = splitter(limit=10)
    got = feed_all(sp, b"start\n  " + b"y" * 23 + b"\nz" * 1 + b"\n", 4)
    assert got == [b"start\n  yyyyyyyy\n" + MARK + b"y" * 10 + b"\n" + MARK + b"yyyyy", b"z"]
    # a partial line already over the limit is cut as it comes, the same way
    sp = splitter(limit=10)
    assert sp.feed(b"a" * 25, 0.0) is None
    assert sp.tail == b"a" * 5
    assert feed_all(sp, b"a\nb\n") == [b"a" * 10 + b"\n" + MARK + b"a" * 10 + b"\n" + MARK
                                       + b"a" * 6, b"b"]


def test_nul_ends_a_line():
    assert feed_all(splitter(), b"a\0  b\0c\n") == [b"a\n  b", b"c"]


def test_record_chunk_rotates_between_records_only():
    big = [b"x" * 3000 + b"\n  " + b"y" * 3000 for _ in range(5)]
    chunk = RecordChunk(big)
    assert chunk.data == b"\n".join(big) + b"\n"
    ends = [sum(len(r) + 1 for r in big[:k + 1]) for k in range(len(big))]
    assert set(chunk.windows()) <= set(ends) and chunk.windows()[-1] == ends[-1]
    assert all(b - a >= READ_WINDOW for a, b in zip([0] + chunk.windows(), chunk.windows()[:-1]))
    assert chunk.window_line_counts() == [ends.index(w) + 1 for w in chunk.windows()]
    lines, owner = chunk.physical()
    assert len(lines) == 10 and owner == [0, 0, 1, 1, 2, 2, 3, 3, 4, 4]
    assert RecordChunk([b"a", b"b"]).physical() is None
