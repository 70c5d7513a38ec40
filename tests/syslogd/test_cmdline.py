"""s6-socklog's command line, parsed without running anything."""

from __future__ import annotations

import pytest

from syslogd.cmdline import StartupError, UsageError, getopt, parse_args
from syslogd.endpoint import parse_ip_port
from syslogd.scan import parse_gidlist, scan_uint32

AF_INET, AF_INET6 = 2, 10


def parse(*argv, **environ):
    return parse_args(list(argv), environ)


def test_defaults():
    o = parse()
    assert (o.notif, o.raw, o.uid, o.gid, o.gids) == (None, False, 0, 0, None)
    assert (o.linelen, o.lameduck, o.unix_path, o.udp) == (1024, 0, "/dev/log", None)


def test_getopt_forms():
    assert getopt(["-d3", "-r", "x"], frozenset("r"), frozenset("d")) == ([("d", "3"), ("r", None)], 2)
    assert getopt(["-rd", "3", "--", "-r"], frozenset("r"), frozenset("d")) == ([("r", None), ("d", "3")], 3)
    assert getopt(["-", "-r"], frozenset("r"), frozenset()) == ([], 0)
    with pytest.raises(UsageError):
        getopt(["-z"], frozenset("r"), frozenset())
    with pytest.raises(UsageError):
        getopt(["-d"], frozenset(), frozenset("d"))


def test_later_options_override():
    o = parse("-x", "/a", "-i", "127.0.0.1_5", "-x", "/b")
    assert o.unix_path == "/b" and o.udp is None
    o = parse("-x", "/a", "-i", "127.0.0.1_5")
    assert o.unix_path is None and o.udp == (AF_INET, "127.0.0.1", 5)
    assert parse("-l", "100", "-l", "200").linelen == 200


def test_leftover_arguments_are_ignored():
    assert parse("-r", "junk", "-z").raw


@pytest.mark.parametrize("argv", [
    ["-l", "abc"], ["-d", "3x"], ["-z"], ["-t", "x"], ["-u", "x"], ["-G", "x"], ["-G", ",1"],
    ["-l", "99999999999"], ["-t", "99999999999"], ["-u", "99999999999"], ["-d", ""],
    ["-i", "1.2.3"], ["-i", "bad"], ["-i", "1.2.3.4_x"], ["-i", "1.2.3.4_70000"],
    ["-i", "::1_99999"], ["-i", "::1_"], ["-i", "1.2.3.4:"], ["-i", "1.2.3.4_5x"],
])
def test_usage_errors(argv):
    with pytest.raises(UsageError):
        parse(*argv)


def test_notification_fd_must_be_3_or_more_after_everything_else():
    with pytest.raises(StartupError, match="notification fd must be 3 or more"):
        parse("-d", "1")
    with pytest.raises(StartupError, match="UID not set"):
        parse("-d", "1", "-U")
    with pytest.raises(UsageError):
        parse("-d", "1", "-l", "abc")


def test_linelen_is_clamped():
    assert parse("-l", "10").linelen == 76
    assert parse("-l", "0").linelen == 76
    assert parse("-l", "2000000").linelen == 1048576


@pytest.mark.parametrize("environ,msg", [
    ({}, "UID not set"),
    ({"UID": "1"}, "GID not set"),
    ({"UID": "1", "GID": "1"}, "GIDLIST not set"),
    ({"UID": "x", "GID": "1", "GIDLIST": ""}, r"invalid \$UID"),
    ({"UID": "", "GID": "1", "GIDLIST": ""}, r"invalid \$UID"),
    ({"UID": "1x", "GID": "1", "GIDLIST": ""}, r"invalid \$UID"),
    ({"UID": "1", "GID": "x", "GIDLIST": ""}, r"invalid \$GID"),
    ({"UID": "1", "GID": "1", "GIDLIST": "x"}, r"invalid \$GIDLIST"),
])
def test_U_errors(environ, msg):
    with pytest.raises(StartupError, match=msg) as e:
        parse_args(["-U"], environ)
    assert e.value.code == 100


def test_U_reads_the_environment_where_it_appears():
    environ = {"UID": "1", "GID": "1", "GIDLIST": "2"}
    o = parse_args(["-U", "-u", "5"], environ)
    assert (o.uid, o.gid, o.gids) == (5, 1, [2])
    o = parse_args(["-u", "5", "-U"], environ)
    assert (o.uid, o.gid, o.gids) == (1, 1, [2])
    o = parse_args(["-U", "-G", "9"], environ)
    assert o.gids == [9]
    o = parse_args(["-U"], {"UID": "32760", "GID": "32760", "GIDLIST": ""})
    assert (o.uid, o.gid, o.gids) == (32760, 32760, [])


@pytest.mark.parametrize("text,gids", [
    ("1,x", [1]), ("1,,2", [1, 2]), ("1,", [1]), ("1,2x", [1, 2]), ("65536", [65536]),
    ("4294967296", [429496729, 6]), ("1:2", [1, 2]), ("1;2", [1, 2]), ("1 2", [1, 2]),
    ("1.2", [1]), ("1/2", [1]), ("", []), ("1,2,", [1, 2]),
    ("x", None), (",1", None),
])
def test_gid_lists_scan_like_skalibs(text, gids):
    assert parse_gidlist(text) == gids


def test_uint32_scan_stops_before_overflow():
    assert scan_uint32("4294967295") == (4294967295, 10)
    assert scan_uint32("4294967296") == (429496729, 9)
    assert scan_uint32("x") == (0, 0)


@pytest.mark.parametrize("text,result", [
    ("127.0.0.1_5514", (AF_INET, "127.0.0.1", 5514)),
    ("127.0.0.1:5514", (AF_INET, "127.0.0.1", 5514)),
    ("127.0.0.1", (AF_INET, "127.0.0.1", 514)),
    ("300.1.1.1", (AF_INET, "44.1.1.1", 514)),
    ("1.2.3.4x", (AF_INET, "1.2.3.4", 514)),
    ("1.2.3.4 5", (AF_INET, "1.2.3.4", 514)),
    ("::1:5514", (AF_INET6, "::1:5514", 514)),
    ("::1_5515", (AF_INET6, "::1", 5515)),
    ("::_5515", (AF_INET6, "::", 5515)),
    ("::1x", (AF_INET6, "::1", 514)),
    ("0.0.0.0_0", (AF_INET, "0.0.0.0", 0)),
    ("1.2.3", None), ("bad", None), ("::1_", None), ("1.2.3.4_", None),
])
def test_ip_port(text, result):
    assert parse_ip_port(text) == result


def test_stream_option_is_ours_and_optional():
    assert parse().stream_path is None
    assert parse("-S", "/run/log-stream").stream_path == "/run/log-stream"
