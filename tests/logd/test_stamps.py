import os
import random
import shutil
import subprocess
import sys
import time

import pytest

from logd.localtime import Converter, convert
from logd.stamps import LEAPS, IsoFormatter, decode_label, format_local, tai64n_label

from .conftest import env


def test_label_of_known_instant():
    # s6-log.md §5.2: unix 1795870728.910896236
    assert tai64n_label(1795870728_910896236) == b"@400000006b0ad02d364b2c6c"


def test_label_before_and_after_a_leap_second():
    # TAI-UTC was 36 s until 2017-01-01 and 37 s after.
    assert tai64n_label(1483228799 * 10**9) == b"@%016x%08x" % ((1 << 62) + 1483228799 + 36, 0)
    assert tai64n_label(1483228800 * 10**9) == b"@%016x%08x" % ((1 << 62) + 1483228800 + 37, 0)
    assert len(LEAPS) == 27


def test_iso_format(monkeypatch):
    monkeypatch.setenv("TZ", "Asia/Kolkata")
    time.tzset()
    try:
        fmt = IsoFormatter()
        assert fmt(1795870728_910896236) == b"2026-11-28 18:28:48.910896236"
        assert fmt(1795870728_000000001) == b"2026-11-28 18:28:48.000000001"
    finally:
        monkeypatch.delenv("TZ")
        time.tzset()


def test_decode_leap_second_itself():
    leap = (1 << 62) + 1483228800 + 36  # the 23:59:60 of 2016-12-31
    assert decode_label(b"%016x%08x" % (leap, 5)) == (1483228799, True, 5)
    assert decode_label(b"%016x%08x" % (leap + 1, 5)) == (1483228800, False, 5)
    assert decode_label(b"%016x%08x" % ((1 << 62) + 9, 0)) is None  # before 1970


def test_format_local_out_of_range_nanos_keeps_nine_digits(monkeypatch):
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    assert format_local(0, False, 4026531840) == b"1970-01-01 00:00:00.402653184"
    assert format_local(1483228799, True, 7) == b"2016-12-31 23:59:60.000000007"


def test_converter_streams_and_keeps_partial_line(monkeypatch):
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    conv = Converter()
    out = conv.feed(b"@400000006b0ad02d364b2c6c a\nx @4000")
    out += conv.feed(b"00006b0ad02d364b2c6c b\n@400000006b0ad02d364b2c6c")
    out += conv.finish()
    assert out == (b"2026-11-28 12:58:48.910896236 a\nx @400000006b0ad02d364b2c6c b\n"
                   b"2026-11-28 12:58:48.910896236")
    assert convert(b"@400000006B0AD02D364B2C6CX\n") == b"2026-11-28 12:58:48.910896236X\n"


def _random_labels(seed: int, count: int) -> bytes:
    rng = random.Random(seed)
    base = 1 << 62
    lines = []
    for _ in range(count):
        kind = rng.random()
        if kind < 0.4:
            secs = base + rng.randint(0, 2**33)
        elif kind < 0.6:
            secs = base + rng.choice(LEAPS) + rng.randint(-2, 2) + rng.randint(8, 40)
        elif kind < 0.8:
            secs = rng.randint(0, 2**64 - 1)
        else:
            secs = base + rng.randint(-100, 100)
        nanos = rng.randint(0, 2**32 - 1) if rng.random() < 0.1 else rng.randint(0, 10**9 - 1)
        label = "@%016x%08x" % (secs, nanos)
        if rng.random() < 0.1:
            label = label.upper()
        lines.append(label + rng.choice(["", " x", "X", "\tq"]))
    return ("\n".join(lines) + "\npartial").encode()


@pytest.mark.skipif(not shutil.which("s6-tai64nlocal"), reason="real s6-tai64nlocal not installed")
@pytest.mark.parametrize("tz", ["UTC", "America/New_York", "Asia/Kolkata"])
def test_tai64nlocal_matches_s6_tai64nlocal(tz):
    data = _random_labels(hash(tz) & 0xFFFF, 4000)
    e = dict(env(), TZ=tz)
    real = subprocess.run(["s6-tai64nlocal"], input=data, capture_output=True, env=e)
    ours = subprocess.run([sys.executable, "-m", "logd.tai64nlocal"], input=data,
                          capture_output=True, env=e)
    assert real.returncode == ours.returncode == 0
    assert ours.stdout == real.stdout


@pytest.mark.skipif(not shutil.which("s6-log"), reason="real s6-log not installed")
def test_logd_label_agrees_with_clock_like_s6_log(tmp_path):
    before = time.time_ns()
    out = subprocess.run([sys.executable, "-m", "logd", "t", "1"], input=b"x\n",
                         capture_output=True, env=env(), cwd=tmp_path).stdout
    after = time.time_ns()
    assert tai64n_label(before) <= out[:25] <= tai64n_label(after)
    assert os.path.exists(tmp_path) and out.endswith(b" x\n")
