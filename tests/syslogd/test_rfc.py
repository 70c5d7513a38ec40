"""RFC 3164 / RFC 5424 helpers, on what real clients send (reference
section 9)."""

from __future__ import annotations

from syslogd.rfc import (
    Rfc3164,
    Rfc5424,
    is_rfc3164_timestamp,
    parse_message,
    parse_rfc3164,
    parse_rfc5424,
)


def test_logger_default_and_rfc3164():
    assert parse_message(b"<13>Nov 28 12:47:40 root: hello world") == (
        13, Rfc3164(b"Nov 28 12:47:40", None, b"root", None, b"hello world"))
    assert parse_message(b"<13>Nov 28 12:47:41 vm root: hello world") == (
        13, Rfc3164(b"Nov 28 12:47:41", b"vm", b"root", None, b"hello world"))
    assert parse_message(b"<155>Nov  2 02:03:04 mytag[365]: hello")[1] == \
        Rfc3164(b"Nov  2 02:03:04", None, b"mytag", b"365", b"hello")


def test_rfc5424():
    pri, m = parse_message(b'<13>1 2026-11-28T12:47:42.051405+00:00 vm root - - '
                           b'[timeQuality tzKnown="1" isSynced="0"] hello world')
    assert pri == 13
    assert m == Rfc5424(1, b"2026-11-28T12:47:42.051405+00:00", b"vm", b"root", None, None,
                        b'[timeQuality tzKnown="1" isSynced="0"]', b"hello world", False)
    _, m = parse_message(b'<38>1 - - root - MID [x@1 a="b\\]"][y@2] \xef\xbb\xbfhi')
    assert (m.timestamp, m.msgid, m.structured_data, m.msg, m.bom) == (
        None, b"MID", b'[x@1 a="b\\]"][y@2]', b"hi", True)
    assert parse_rfc5424(b"1 - - - - - -") == Rfc5424(1, None, None, None, None, None, None, b"", False)


def test_not_rfc5424():
    for body in (b"hello", b"1 a b c d e", b"1 - - - - - [unterminated", b"01 - - - - - -",
                 b"1 - - - - - x"):
        assert parse_rfc5424(body) is None


def test_python_handler_and_bare_messages():
    assert parse_message(b"<14>hello") == (14, Rfc3164(None, None, None, None, b"hello"))
    assert parse_message(b"<167>app: d") == (167, Rfc3164(None, None, b"app", None, b"d"))
    assert parse_message(b"no pri") == (None, Rfc3164(None, None, None, None, b"no pri"))


def test_timestamp_shape():
    assert is_rfc3164_timestamp(b"Jan  1 00:00:00")
    assert not is_rfc3164_timestamp(b"Foo  1 00:00:00")
    assert not is_rfc3164_timestamp(b"Jan  1 00:00")
    assert parse_rfc3164(b"Jan  1 00:00:00 myhost app[123]: m") == \
        Rfc3164(b"Jan  1 00:00:00", b"myhost", b"app", b"123", b"m")
