import pytest

from logd.options import UsageError, parse_args, parse_number


def test_defaults():
    o = parse_args(["./log"])
    assert (o.notif, o.verbosity, o.blocking, o.protect, o.linelimit, o.lastlinetimeout) == (
        None, 1, False, False, 8192, 2000)
    assert o.script == ["./log"]


def test_clustered_and_attached():
    o = parse_args(["-bpq", "-l48", "-d", "3", "-t0", "1"])
    assert o.blocking and o.protect and o.verbosity == 0
    assert (o.linelimit, o.notif, o.lastlinetimeout) == (48, 3, 0)


def test_small_line_limit_is_raised_and_zero_is_unlimited():
    assert parse_args(["-l", "1", "1"]).linelimit == 48
    assert parse_args(["-l", "0", "1"]).linelimit == 0


def test_option_parsing_stops():
    assert parse_args(["--", "-foo", "1"]).script == ["-foo", "1"]
    assert parse_args(["1", "-x"]).script == ["1", "-x"]
    assert parse_args(["-", "+a", "1"]).script == ["-", "+a", "1"]


@pytest.mark.parametrize("argv", [[], ["-b"], ["-x", "1"], ["-l"], ["-l", "100x", "1"],
                                  ["-l", "+5", "1"], ["-l", "4294967296", "1"], ["-d", "", "1"]])
def test_usage_errors(argv):
    with pytest.raises(UsageError):
        parse_args(argv)


def test_numbers_strict():
    assert parse_number("007") == 7
    assert parse_number("4294967295") == 4294967295
    for bad in ("", "5x", "+5", " 5", "4294967296", "٣"):
        assert parse_number(bad) is None
