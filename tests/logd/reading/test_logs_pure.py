"""The pure modules of logd.reading, tested directly."""
from __future__ import annotations

import os
import shutil
import subprocess
import time

import pytest

from logd.reading.cursor import Cursor, SegId
from logd.reading.files import Entry, Snapshot, compression
from logd.reading.lastlines import line_start
from logd.reading.line import InstantDecoder, split_stamps
from logd.reading.segments import plan_next
from logd.reading.syslogline import facility_names, parse, severity_range
from logd.reading.timefilter import BadTime, Window, parse_when
from logd.reading.timefmt import format_instant, rfc5424_timestamp
from logd.stamps import tai64n_label

NS = 1_000_000_000


@pytest.fixture
def tz():
    """Set TZ for the test and put it back afterwards."""
    old = os.environ.get("TZ")

    def set_tz(value: str) -> None:
        os.environ["TZ"] = value
        time.tzset()

    yield set_tz
    if old is None:
        os.environ.pop("TZ", None)
    else:
        os.environ["TZ"] = old
    time.tzset()


@pytest.mark.parametrize("line,expected", [
    (b"@400000006b0ad02d364b2c6c hello", (b"400000006b0ad02d364b2c6c", None, b"hello")),
    (b"2026-11-28 12:58:48.910896236  hello", (None, b"2026-11-28 12:58:48.910896236", b"hello")),
    (b"@400000006b0ad02d364b2c6c 2026-11-28 12:58:48.910896236  pfx hello",
     (b"400000006b0ad02d364b2c6c", b"2026-11-28 12:58:48.910896236", b"pfx hello")),
    (b"plain line", (None, None, b"plain line")),
    (b"@400000006b0ad02d364b2c6", (None, None, b"@400000006b0ad02d364b2c6")),  # 23 digits
    (b"@400000006b0ad02d364b2c6cX", (None, None, b"@400000006b0ad02d364b2c6cX")),
    (b"2026-11-28 12:58:48.910896236 one space", (None, None,
                                                   b"2026-11-28 12:58:48.910896236 one space")),
    (b"@400000006b0ad02d364b2c6c ", (b"400000006b0ad02d364b2c6c", None, b"")),
])
def test_split_stamps(line, expected):
    assert split_stamps(line) == expected


def test_label_round_trip_and_iso_in_local_zone(tz):
    tz("Asia/Kolkata")
    ns = 1795870728_910896236
    label = tai64n_label(ns)[1:]
    dec = InstantDecoder()
    assert dec.label(label) == (ns, False)
    assert format_instant(ns) == "2026-11-28 18:28:48.910896236"
    assert dec.iso(b"2026-11-28 18:28:48.910896236") == ns
    assert format_instant(ns, style="rfc3339") == "2026-11-28T18:28:48.910896236+05:30"
    assert format_instant(ns, style="rfc3339", utc=True) == "2026-11-28T12:58:48.910896236Z"
    assert format_instant(ns, utc=True) == "2026-11-28 12:58:48.910896236"
    assert rfc5424_timestamp(ns) == "2026-11-28T18:28:48.910896+05:30"
    tz("America/St_Johns")
    assert format_instant(ns, style="rfc3339").endswith("-03:30")


@pytest.mark.skipif(shutil.which("s6-tai64nlocal") is None, reason="s6 not installed")
def test_local_format_matches_s6_tai64nlocal_leap_seconds_included():
    labels = [b"@40000000586846a4%08x" % n for n in (0, 999999999)]  # 2016-12-31 23:59:60
    labels += [tai64n_label(ns) for ns in (0, 78796799 * NS, 1483228800 * NS, 1795870728 * NS + 5)]
    text = b"".join(lab + b" x\n" for lab in labels)
    env = dict(os.environ, TZ="UTC")
    real = subprocess.run(["s6-tai64nlocal"], input=text, capture_output=True, env=env).stdout
    dec = InstantDecoder()
    old = os.environ.get("TZ")
    os.environ["TZ"] = "UTC"
    time.tzset()
    try:
        ours = b"".join(format_instant(*dec.label(lab[1:])).encode() + b" x\n" for lab in labels)
    finally:
        if old is None:
            del os.environ["TZ"]
        else:
            os.environ["TZ"] = old
        time.tzset()
    assert ours == real
    assert b":60." in ours


def test_leap_second_iso_reads_as_its_59():
    dec = InstantDecoder()
    ns, leap = dec.instant(None, b"2016-12-31 23:59:60.500000000")
    assert leap and ns == dec.iso(b"2016-12-31 23:59:59.500000000")


def test_parse_when_forms(tz):
    tz("UTC")
    now = 1795870728 * NS
    assert parse_when("10m", now) == now - 600 * NS
    assert parse_when("2h", now) == parse_when("2h ago", now) == parse_when("-2h", now)
    assert parse_when("1d", now) == now - 86400 * NS
    assert parse_when("1h30m", now) == now - 5400 * NS
    assert parse_when("now", now) == now
    assert parse_when("today", now) == 1795824000 * NS
    assert parse_when("yesterday", now) == (1795824000 - 86400) * NS
    assert parse_when("@1795870728.5", now) == now + NS // 2
    assert parse_when("@400000006b0ad02d364b2c6c", now) == 1795870728_910896236
    assert parse_when("2026-11-28 12:00", now) == 1795867200 * NS
    assert parse_when("12:00", now) == 1795867200 * NS
    assert parse_when("2026-11-28T12:00:00+01:00", now) == (1795867200 - 3600) * NS
    assert parse_when("2026-11-28 12:00:00.25", now) == 1795867200 * NS + NS // 4
    for bad in ("", "blah", "10x", "2026-13-45"):
        with pytest.raises(BadTime):
            parse_when(bad, now)


def test_window_is_half_open():
    w = Window(10, 20)
    assert [t for t in range(5, 25) if w.contains(t)] == list(range(10, 20))
    assert Window().open and not w.open


def test_syslog_lines():
    assert parse(b"plain") is None
    assert parse(b"user.warning: not s6-socklog's spelling") is None
    assert parse(b"user.notice: hello") == {"facility": "user", "severity": "notice",
                                             "message": "hello"}
    r = parse(b"local3.err: Nov  2 02:03:04 mytag[365]: hello")
    assert (r["app_name"], r["procid"], r["message"]) == ("mytag", "365", "hello")
    r = parse(b'auth.info: 1 - - root - MID [x@1 a="b\\]"][y@2] hi there')
    assert r["structured_data"] == '[x@1 a="b\\]"][y@2]'
    assert (r["app_name"], r["msgid"], r["message"]) == ("root", "MID", "hi there")
    assert "hostname" not in r and "timestamp" not in r
    r = parse(b"daemon.crit: 1 2026-11-28T12:47:42.051405+00:00 vm app 12 - - \xef\xbb\xbfbom")
    assert (r["hostname"], r["procid"], r["message"]) == ("vm", "12", "bom")
    r = parse(b"127.0.0.1_50345: mark.info: -- MARK --")
    assert (r["client"], r["facility"]) == ("127.0.0.1_50345", "mark")
    assert parse(b"unknown.debug: 1 bad header")["message"] == "1 bad header"


def test_severity_and_facility_options():
    assert severity_range("err") == (0, 3)
    assert severity_range("warning") == (0, 4)
    assert severity_range("debug..notice") == (5, 7)
    assert severity_range("6") == (0, 6)
    assert facility_names(["user,local0", "KERN"]) == {"user", "local0", "kern"}
    with pytest.raises(ValueError, match="unknown severity"):
        severity_range("loud")
    with pytest.raises(ValueError, match="unknown facility"):
        facility_names(["nope"])


def test_line_start():
    data = b"a\nbb\nccc\n"
    assert [line_start(data, k) for k in range(5)] == [9, 5, 2, 0, 0]


def test_cursor_json_round_trip():
    c = Cursor("@400000006b0ad02d364b2c6c.s", SegId(1, 2, b"\x00ab"), "current", "", 42,
               (SegId(1, 3, b"x"),))
    assert Cursor.from_json(c.to_json()) == c
    with pytest.raises(ValueError):
        Cursor.from_json({"v": 9})


def test_compression_magic():
    assert compression(b"\x1f\x8b\x08\x00") == "gzip"
    assert compression(b"\xfd7zXZ\x00") == "xz"
    assert compression(b"\x28\xb5\x2f\xfd") == "zstd"
    assert compression(b"BZh9") == "bzip2"
    assert compression(b"@4000 hello") is None


# -- the planner ---------------------------------------------------------
A1, A2, A3 = "@4000000000000001000000aa.s", "@4000000000000002000000aa.s", "@4000000000000003000000aa.s"


def E(name, ino):
    return Entry(name, 1, ino)


def same(p, e):
    return p == e.ino


def never(e):
    return False


def always(e):
    return True


def snap(archives=(), previous=None, processed=None, current=None):
    return Snapshot(list(archives), previous, processed, current)


def test_plan_reads_archives_then_current():
    s = snap([E(A1, 1), E(A2, 2)], current=E("current", 3))
    p = plan_next(s, "", [], same, never)
    assert p.next == ("archive", E(A1, 1))
    assert plan_next(s, A1, [], same, never).next == ("archive", E(A2, 2))
    assert plan_next(s, A2, [], same, never).next == ("current", E("current", 3))
    assert plan_next(s, A2, [3], same, never).next is None


def test_plan_recognises_the_archive_of_a_live_segment():
    # read 5 live; now it is archived under A3 and 6 is current
    s = snap([E(A1, 1), E(A3, 5)], current=E("current", 6))
    p = plan_next(s, A1, [5], same, never)
    assert p.after == A3 and p.keep == [] and p.next == ("current", E("current", 6))


def test_plan_previous_caught_between_link_and_unlink_is_not_read_twice():
    s = snap([E(A3, 5)], previous=E("previous", 5), current=E("current", 6))
    p = plan_next(s, "", [5], same, never)
    assert p.next == ("current", E("current", 6))
    # and one never read live either: read once, as the archive
    p = plan_next(s, "", [], same, never)
    assert p.next == ("archive", E(A3, 5))


def test_plan_rotation_in_progress_and_fallen_behind():
    s = snap([E(A1, 1)], previous=E("previous", 7), current=E("current", 8))
    assert plan_next(s, A1, [], same, never).next == ("previous", E("previous", 7))
    assert plan_next(s, A1, [7], same, never).next == ("current", E("current", 8))
    # 5 was read live, its archive A2 then 6's archive A3 appeared: read A3
    s = snap([E(A1, 1), E(A2, 5), E(A3, 6)], current=E("current", 8))
    p = plan_next(s, A1, [5], same, never)
    assert p.next == ("archive", E(A3, 6)) and p.after == A2


def test_plan_processor_output_is_attributed_by_position():
    # 5 was read live, the processor replaced it with a new file (ino 9)
    s = snap([E(A1, 1), E(A2, 9)], current=E("current", 6))
    p = plan_next(s, A1, [5, 6], same, always)
    assert p.after == A2 and p.keep == [6] and p.next is None
    # without a processor, the same picture means 5's archive was pruned
    p = plan_next(s, A1, [5, 6], same, never)
    assert p.next == ("archive", E(A2, 9)) and p.keep == [6]
    # a finished processed file of a pending segment is not read
    s = snap([E(A1, 1)], processed=E("processed", 9), current=E("current", 6))
    assert plan_next(s, A1, [5, 6], same, always).next is None
