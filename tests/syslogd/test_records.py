"""Stream framing (records.py) and ucspilogd's record formatting (ucspi.py)."""

from __future__ import annotations

import random

import pytest

from syslogd.records import RecordSplitter
from syslogd.ucspi import make_record_formatter, split_label, variable_prefix


def feed_in_pieces(splitter: RecordSplitter, data: bytes, sizes) -> list[bytes]:
    out = []
    pos = 0
    for n in sizes:
        out += splitter.feed(data[pos:pos + n])
        pos += n
    out += splitter.feed(data[pos:])
    return out + splitter.finish()


def test_nul_and_newline_both_end_records():
    s = RecordSplitter()
    assert s.feed(b"a\0b\nc") == [b"a", b"b"]
    assert s.finish() == [b"c"]


def test_empty_records_are_records():
    s = RecordSplitter()
    assert s.feed(b"x\0\0y\n") == [b"x", b"", b"y"]
    assert s.finish() == []


@pytest.mark.parametrize("seed", range(20))
def test_chunking_does_not_change_records(seed):
    rnd = random.Random(seed)
    data = bytes(rnd.choice(b"ab<13>\0\n") for _ in range(300))
    whole = RecordSplitter()
    expected = whole.feed(data) + whole.finish()
    sizes = [rnd.randint(0, 7) for _ in range(80)]
    assert feed_in_pieces(RecordSplitter(), data, sizes) == expected


def test_limit_cuts_and_skips_the_rest_of_a_record():
    s = RecordSplitter(limit=5)
    assert s.feed(b"0123456789") == [b"012345"]
    assert s.feed(b"more") == []
    assert s.feed(b"tail\nnext\n") == [b"next"]
    assert s.feed(b"abc") == []
    assert s.finish() == [b"abc"]


def test_octet_counted_frames():
    s = RecordSplitter(octet_counting=True)
    data = b"5 <13>a7 <14>b\nc"
    assert feed_in_pieces(s, data, [1, 1, 1, 3, 2]) == [b"<13>a", b"<14>b\nc"]


def test_octet_counting_still_accepts_terminated_records():
    s = RecordSplitter(octet_counting=True)
    assert s.feed(b"<13>one\0<14>two\n12 no frame\n") == [b"<13>one", b"<14>two", b"12 no frame"]


def test_octet_counting_over_limit_is_cut_and_the_rest_skipped():
    s = RecordSplitter(limit=4, octet_counting=True)
    assert s.feed(b"10 <13>abc") == [b"<13>a"]
    assert s.feed(b"def") == []
    assert s.feed(b"<14>x\n") == [b"<14>x"]


def test_terminator_right_after_a_counted_frame_is_not_a_record():
    s = RecordSplitter(octet_counting=True)
    assert s.feed(b"5 <13>a\n5 <13>b") == [b"<13>a", b"<13>b"]


def test_label_recognition():
    label = b"@400000006500000000000000 "
    assert split_label(label + b"<14>x") == (label, b"<14>x")
    assert split_label(label) == (b"", label)
    assert split_label(b"@4000000065000000000000g0 <14>x")[0]  # hex not checked
    assert split_label(b"@40000000650000000000000  <14>x")[0] == b""  # first space at 24
    assert split_label(b"x" * 25 + b" <14>x")[0] == b""


def test_record_formatter():
    env = {b"A": b"1", b"FOO": b"bar"}
    fmt = make_record_formatter(variable_prefix([b"FOO", b"BAR"], env))
    assert fmt(b"<13>a") == b"bar: <undefined>: user.notice: a\n"
    fmt = make_record_formatter(variable_prefix([b"A"], env))
    assert fmt(b"@400000006500000000000000 <14>stamped") == \
        b"@400000006500000000000000 1: user.info: stamped\n"
    fmt = make_record_formatter(variable_prefix([b"X"], env, b"dflt"))
    assert fmt(b"") == b"dflt: \n"
