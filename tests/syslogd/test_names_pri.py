"""PRI decoding and the name tables (reference/syslogd.md section 4)."""

from __future__ import annotations

import pytest

from syslogd.names import FACILITIES, PREFIXES, SEVERITIES, facility_name, pri_name
from syslogd.pri import decode_pri, parse_pri


def test_severity_spellings_are_the_libc_first_matches():
    assert SEVERITIES == ("emerg", "alert", "crit", "err", "warn", "notice", "info", "debug")


@pytest.mark.parametrize("code,name", [
    (0, "kern"), (1, "user"), (2, "mail"), (3, "daemon"), (4, "auth"), (5, "syslog"),
    (6, "lpr"), (7, "news"), (8, "uucp"), (9, "cron"), (10, "authpriv"), (11, "ftp"),
    (12, "unknown"), (13, "unknown"), (14, "unknown"), (15, "unknown"),
    (16, "local0"), (23, "local7"), (24, "mark"), (25, "unknown"), (127, "unknown"),
])
def test_facility_names(code, name):
    assert facility_name(code) == name


def test_prefix_table_covers_ten_bits():
    assert len(PREFIXES) == 1024
    assert PREFIXES[13] == b"user.notice: "
    assert PREFIXES[192] == b"mark.emerg: "
    assert PREFIXES[999] == b"unknown.debug: "
    assert set(FACILITIES.values()) <= {p.split(b".")[0].decode() for p in PREFIXES}


@pytest.mark.parametrize("value,name", [
    (13, "user.notice"), (0, "kern.emerg"), (191, "local7.debug"), (999, "unknown.debug"),
    (1024, "kern.emerg"), (2061, "user.notice"), (4294967295, "unknown.debug"),
    (199, "mark.debug"), (12, "user.warn"), (11, "user.err"),
])
def test_pri_name_masks_to_ten_bits(value, name):
    assert pri_name(value) == name


@pytest.mark.parametrize("line,expected", [
    (b"<13>hello world", b"user.notice: hello world"),
    (b"hello without pri", b"hello without pri"),
    (b"<0>kernel panic", b"kern.emerg: kernel panic"),
    (b"<191>x", b"local7.debug: x"),
    (b"<999>x", b"unknown.debug: x"),
    (b"<abc>x", b"<abc>x"),
    (b"<4294967295>x", b"unknown.debug: x"),
    (b"<4294967296>x", b"<4294967296>x"),
    (b"<13>", b"user.notice: "),
    (b"<13> x", b"user.notice:  x"),
    (b"<013>x", b"user.notice: x"),
    (b"<00000000000000000013>x", b"user.notice: x"),
    (b"<0000>x", b"kern.emerg: x"),
    (b"<+13>x", b"<+13>x"), (b"<-1>x", b"<-1>x"), (b"< 13>x", b"< 13>x"),
    (b"<0x1f>x", b"<0x1f>x"), (b"<>x", b"<>x"), (b"13>x", b"13>x"), (b"[13]x", b"[13]x"),
    (b"<13>>x", b"user.notice: >x"),
    (b"<13><14>x", b"user.notice: <14>x"),
    (b"<<13>x", b"<<13>x"),
    (b"<1_3>x", b"<1_3>x"),
    (b"<\xd9\xa3>x", b"<\xd9\xa3>x"),          # a non-ASCII digit is no digit
    (b"<13", b"<13"), (b"<", b"<"), (b"", b""),
])
def test_decode_pri(line, expected):
    assert decode_pri(line) == expected


def test_parse_pri_reports_value_and_length():
    assert parse_pri(b"<13>x") == (13, 4)
    assert parse_pri(b"<0013>") == (13, 6)
    assert parse_pri(b"x<13>") is None
