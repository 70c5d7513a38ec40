"""s6py's ``%`` directives (logd/extensions.py) and the RFC 3339 stamp they ask for.

A script without ``%`` words must read exactly as s6-log reads it (the
differential and conformance tests pin that); here: what the words mean,
what is refused (as s6-log refuses an unknown directive), and the stamp.
"""
from __future__ import annotations

import os
import subprocess
import time

import pytest

from logd.extensions import JOIN_MAX_MIN, JOIN_MS, ExtensionError, apply_join, rfc3339_mode
from logd.reading.line import InstantDecoder, split_stamps
from logd.script import ScriptError, compile_script
from logd.stamps import Rfc3339Formatter

from .conftest import LOGD, env

NS = 1795870728_910896236  # 2026-11-28 12:58:48.910896236 UTC


def compile_(words):
    return compile_script(words, lambda raw: raw, lambda path, ctl: path)


def test_rfc3339_words():
    assert rfc3339_mode("%rfc3339") == rfc3339_mode("%rfc3339=local") == "local"
    assert rfc3339_mode("%rfc3339=utc") == "utc"
    assert rfc3339_mode("%join") is None
    with pytest.raises(ExtensionError):
        rfc3339_mode("%rfc3339=mars")


def test_rfc3339_is_for_the_next_action_only():
    script = compile_(["%rfc3339=utc", "t", "1", "2", "%rfc3339", "./d"])
    a1, a2, a3 = script.actions
    assert (a1.rfc, a1.tai, a2.rfc, a3.rfc) == ("utc", True, None, "local")


def test_join_words():
    spec = apply_join(None, "%join", bytes)
    assert (spec.mode, spec.ms) == ("indent", JOIN_MS)
    spec = apply_join(spec, "%join+^[[:space:]]", bytes)
    assert (spec.mode, spec.regex) == ("+", b"^[[:space:]]")
    spec = apply_join(spec, "%joinms=50", bytes)
    spec = apply_join(spec, "%joinmax=10", bytes)
    assert (spec.mode, spec.ms, spec.max) == ("+", 50, JOIN_MAX_MIN)
    for bad in ("%join+", "%joinms=x", "%joinms=", "%joinfoo", "%jo"):
        with pytest.raises(ExtensionError):
            apply_join(None, bad, bytes)


def test_join_applies_wherever_it_stands():
    assert compile_(["1", "%join-^[0-9]"]).join.mode == "-"
    assert compile_(["1"]).join is None


@pytest.mark.parametrize("word", ["%", "%x", "%rfc", "%join+", "%joinms=-1"])
def test_unknown_percent_words_are_unrecognized_directives(word):
    with pytest.raises(ScriptError, match=f"unrecognized directive: {word}"):
        compile_(["1", word] if word.startswith("%join") else [word, "1"])
    proc = subprocess.run(LOGD + ["--", word, "1"], input=b"x\n", capture_output=True, env=env())
    assert proc.returncode == 100
    assert proc.stderr == f"s6-log: fatal: unrecognized directive: {word}\n".encode()


@pytest.mark.parametrize("tz, want", [
    ("UTC0", b"2026-11-28T12:58:48.910896236+00:00"),
    ("CET-1CEST,M3.5.0,M10.5.0/3", b"2026-11-28T13:58:48.910896236+01:00"),  # no zone file needed
    ("<-0330>3:30", b"2026-11-28T09:28:48.910896236-03:30"),
])
def test_rfc3339_stamp_carries_its_offset(monkeypatch, tz, want):
    monkeypatch.setenv("TZ", tz)
    time.tzset()
    try:
        assert Rfc3339Formatter()(NS) == want
        assert Rfc3339Formatter(utc=True)(NS) == b"2026-11-28T12:58:48.910896236Z"
        # and the reader gets the exact instant back, whatever its own zone
        for stamp in (want, b"2026-11-28T12:58:48.910896236Z"):
            label, text, rest = split_stamps(stamp + b" hello")
            assert (label, text, rest) == (None, stamp, b"hello")
            assert InstantDecoder().instant(None, text) == (NS, False)
    finally:
        monkeypatch.delenv("TZ")
        time.tzset()


def test_stamps_in_s6_log_order(tmp_path):
    """TAI64N, then T, then RFC 3339, then the prefix; t and T stay byte-compatible."""
    e = dict(env(), TZ="CET-1CEST,M3.5.0,M10.5.0/3")
    proc = subprocess.run(LOGD + ["--", "t", "T", "%rfc3339", "pP", "1", "t", "T", "1"],
                          input=b"x\n", capture_output=True, env=e)
    assert proc.returncode == 0, proc.stderr
    first, second = proc.stdout.splitlines()
    label, text, rest = split_stamps(first)
    assert rest == b"P x" and text[10:11] == b"T" and text.endswith(b"+01:00")
    assert first[:26] == second[:26]  # one clock reading per read
    assert first[26:57] == second[26:57]  # the same T stamp
    assert second[57:] == b"P x"  # the prefix is sticky, as in s6-log
    assert os.environ.get("TZ") != "CET-1CEST,M3.5.0,M10.5.0/3"
