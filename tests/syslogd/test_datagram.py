"""Datagram -> line (reference/syslogd.md sections 4 and 5)."""

from __future__ import annotations

import pytest

from syslogd.datagram import clamp_linelen, client_prefix, format_datagram, make_formatter


@pytest.mark.parametrize("dgram,line", [
    (b"<13>hello world", b"user.notice: hello world"),
    (b"a\n", b"a"), (b"a\x00", b"a"), (b"a\n\x00\n\x00", b"a"),
    (b"\n", b""), (b"\x00\x00\x00", b""),
    (b"a\x00b\nc\n\x00\n", b"a~b~c"),
    (b"<13>l1\nl2\nl3", b"user.notice: l1~l2~l3"),
    (b"x\n\ny\n\n", b"x~~y"),
    (b"<1\n3>x", b"<1~3>x"),           # ~ comes before the PRI is looked at
    (b"\n<13>x", b"~<13>x"),
    (b"cr\rhere", b"cr\rhere"), (b"tab\there", b"tab\there"),
    (b"\x1b[1m", b"\x1b[1m"), (b"\xff\xfe", b"\xff\xfe"),
    (b"<13>\n", b"user.notice: "),
])
def test_examples(dgram, line):
    assert format_datagram(dgram) == line + b"\n"


def test_empty_datagram_gives_no_line():
    assert format_datagram(b"") == b""


def test_raw_keeps_the_pri_but_still_strips_and_tildes():
    assert format_datagram(b"<13>a\x00b\n", raw=True) == b"<13>a~b\n"


@pytest.mark.parametrize("n,expected_len,marker", [
    (1023, 1023, False), (1024, 1024, False), (1025, 1025, True),
    (1026, 1025, True), (3000, 1025, True),
])
def test_truncation_at_default_linelen(n, expected_len, marker):
    line = format_datagram(b"z" * n)
    body = line[:-1]
    assert body.endswith(b"...") == marker
    assert len(body) == expected_len + (3 if marker else 0)


def test_truncation_counts_the_pri_bytes():
    line = format_datagram(b"<13>" + b"z" * 1021)  # 1025 bytes
    assert line == b"user.notice: " + b"z" * 1021 + b"...\n"


def test_truncation_strips_after_the_cut_and_keeps_the_marker():
    assert format_datagram(b"z" * 1024 + b"\n") == b"z" * 1024 + b"...\n"


def test_minimum_linelen():
    assert clamp_linelen(10) == 76 and clamp_linelen(0) == 76
    assert clamp_linelen(2000000) == 1048576 and clamp_linelen(500) == 500
    fmt = make_formatter(76)
    assert fmt(b"q" * 76) == b"q" * 76 + b"\n"
    assert fmt(b"q" * 77) == b"q" * 77 + b"...\n"


def test_big_linelen_passes_big_datagrams_whole():
    fmt = make_formatter(1048576)
    assert fmt(b"y" * 100000) == b"y" * 100000 + b"\n"


def test_client_prefix_is_ip_underscore_port():
    assert client_prefix("127.0.0.1", 50345) == b"127.0.0.1_50345: "
    assert client_prefix("::1", 36857) == b"::1_36857: "
