"""Pure pieces of the supervisor: status codec, rules, s6-svstat formatting,
option parsing."""
from __future__ import annotations

import signal

import pytest

from init.argv import UsageError, getopt
from init.control.svstat_format import field, human
from init.control.waitstate import Waiter
from init.supervise import rules
from init.supervise import status as S

# Bytes written by the real s6-supervise 2.11 (observed): up, pid 10105, want up.
REAL_UP = bytes.fromhex("400000006b0ae73d26cef626400000006b0ae73d26bf625b0000000000002779000004")
# ... and after s6-svc -d: down, killed by SIGTERM, ready.
REAL_DOWN = bytes.fromhex("400000006b0ae7441ac9a888400000006b0ae7441ad8e0dd" "0000000000000000" "000f" "08")


def test_unpack_real_status_files():
    up = S.unpack(REAL_UP)
    assert up.pid == 10105 and up.up and up.wantup and not up.ready and up.wstat == 0
    assert abs(up.stamp - (0x6B0AE73D - 37)) < 1
    down = S.unpack(REAL_DOWN)
    assert down.pid == 0 and not down.up and down.ready and not down.wantup
    assert down.wstat == signal.SIGTERM


def test_pack_roundtrip_is_35_bytes():
    st = S.Status(1_800_000_000.25, 1_800_000_001.5, 4242, 3 << 8, S.WANTUP | S.READY)
    data = st.pack()
    assert len(data) == S.SIZE == 35
    back = S.unpack(data)
    assert (back.pid, back.wstat, back.flags) == (4242, 3 << 8, S.WANTUP | S.READY)
    assert back.stamp == pytest.approx(st.stamp, abs=1e-6)
    again = S.unpack(REAL_UP).pack()
    assert again[24:] == REAL_UP[24:] and again[:8] == REAL_UP[:8]


def test_tai64n_label():
    assert S.tai64n(0.0) == bytes.fromhex("4000000000000025" "00000000")
    assert S.tai64n_text(1.5) == "@4000000000000026" + "1dcd6500"
    assert S.from_tai64n(S.tai64n(1234.000000001)) == pytest.approx(1234.000000001)


def test_death_record():
    assert S.death_record(0.0, 3 << 8)[12:] == bytes((3, 0))
    assert S.death_record(0.0, signal.SIGKILL)[12:] == bytes((137, 9))


@pytest.mark.parametrize("wstat,name,pgid,expect", [
    (0, "a", 7, ["0", "0", "a", "7"]),
    (1 << 8, "a/log", 8, ["1", "0", "a/log", "8"]),
    (signal.SIGKILL, "x", 9, ["256", "9", "x", "9"]),
    (signal.SIGTERM | 0x80, "x", 9, ["256", "15", "x", "9"]),  # core dumped
])
def test_finish_args(wstat, name, pgid, expect):
    assert rules.finish_args(wstat, name, pgid) == expect


def test_restart_at():
    assert rules.restart_at(None, 10.0) == 11.0
    assert rules.restart_at(5.0, 10.0) == 10.0      # ready >= 1 s ago: at once
    assert rules.restart_at(9.7, 10.0) == pytest.approx(10.7)


@pytest.mark.parametrize("text,sig", [("TERM", 15), ("SIGHUP", 1), ("sigusr1", 10), ("9", 9),
                                      ("KILL\n", 9), ("nope", None), ("0", None), ("99", None)])
def test_parse_signal(text, sig):
    assert rules.parse_signal(text) == sig


@pytest.mark.parametrize("data,value", [(b"3", 3), (b"3\n", 3), (b"12\nextra", 12), (b"", None),
                                        (b"x", None), (b"-1", None), (b" 3", None)])
def test_parse_uint(data, value):
    assert rules.parse_uint(data) == value


NOW = 2_000_000_000.0


def st(**kw):
    return S.Status(kw.get("stamp", NOW - 5), kw.get("ready", NOW - 3), kw.get("pid", 0),
                    kw.get("wstat", 0), kw.get("flags", 0))


@pytest.mark.parametrize("status,nup,text", [
    (st(pid=123, flags=12), False, "up (pid 123 pgid 123) 5 seconds, normally down, ready 3 seconds"),
    (st(pid=123, flags=12), True, "up (pid 123 pgid 123) 5 seconds, ready 3 seconds"),
    (st(pid=77, flags=13), False, "up (pid 77 pgid 77) 5 seconds, normally down, paused, ready 3 seconds"),
    (st(pid=77, flags=0), True, "up (pid 77 pgid 77) 5 seconds, want down"),
    (st(wstat=3 << 8, flags=12), True, "down (exitcode 3) 5 seconds, normally up, want up, ready 3 seconds"),
    (st(wstat=9, flags=8), False, "down (signal SIGKILL) 5 seconds, ready 3 seconds"),
    (st(wstat=0, flags=6), True, "down (exitcode 0) 5 seconds, normally up, want up"),
    (st(flags=S.READY | S.NEVERSTARTED), False, "down (not started yet)"),
])
def test_human(status, nup, text):
    assert human(status, nup, NOW) == text


def test_human_numeric_signal_and_211_forms():
    assert human(st(wstat=9, flags=8), False, NOW, numeric=True) == \
        "down (signal 9) 5 seconds, ready 3 seconds"
    assert human(st(pid=5, flags=4), True, NOW, version=211) == "up (pid 5) 5 seconds"
    assert human(st(flags=S.READY | S.NEVERSTARTED), False, NOW, version=211) == \
        "down (exitcode 0) 5 seconds, ready 3 seconds"


def test_fields():
    up = st(pid=123, flags=12)
    got = [field(f, up, True, NOW) for f in
           ("up", "wantedup", "normallyup", "ready", "paused", "pid", "pgid", "exitcode",
            "signal", "signum", "updownfor", "readyfor")]
    assert got == ["true", "true", "true", "true", "false", "123", "123", "-1", "NA", "-1", "5", "3"]
    down = st(wstat=9, flags=8)
    assert [field(f, down, False, NOW) for f in ("up", "ready", "pid", "exitcode", "signal", "signum")] \
        == ["false", "false", "-1", "-1", "SIGKILL", "9"]
    assert field("updownsince", down, False, NOW) == S.tai64n_text(NOW - 5)
    with pytest.raises(KeyError):
        field("bogus", down, False, NOW)


@pytest.mark.parametrize("goal,start,letters,done", [
    ("u", st(), b"u", True),
    ("U", st(), b"u", False),
    ("U", st(), b"uU", True),
    ("d", st(pid=4, flags=4), b"d", True),
    ("D", st(pid=4, flags=4), b"d", False),
    ("D", st(pid=4, flags=4), b"dD", True),
    ("r", st(pid=4, flags=4), b"dD", False),
    ("r", st(pid=4, flags=4), b"dDu", True),
    ("R", st(pid=4, flags=4), b"dDu", False),
    ("R", st(pid=4, flags=4), b"dDuU", True),
    ("u", st(pid=4, flags=4), b"", True),
    ("D", st(flags=S.READY), b"", True),
    ("D", st(flags=S.FINISHING), b"", False),
])
def test_waiter(goal, start, letters, done):
    w = Waiter(goal, start)
    w.feed(letters)
    assert w.done is done


def test_waiter_failures():
    w = Waiter("u", st())
    w.feed(b"dOD")
    assert w.failed and not w.done
    w = Waiter("d", st(pid=3, flags=4))
    w.feed(b"x")
    assert w.failed


def test_getopt():
    assert getopt(["-wU", "-T", "500", "-du", "a", "-k"], "w:T:du") == \
        ([("-w", "U"), ("-T", "500"), ("-d", ""), ("-u", "")], ["a", "-k"])
    assert getopt(["--", "-x"], "x") == ([], ["-x"])
    with pytest.raises(UsageError):
        getopt(["-z"], "ab")
    with pytest.raises(UsageError):
        getopt(["-T"], "T:")
