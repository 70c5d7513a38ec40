"""The overlay's routing script (read from syslogd-log/run) files the
reference lines where s6-overlay does (reference/syslogd.md section 11),
with the logger under test, and the tests' own routing oracle agrees."""

from __future__ import annotations

import subprocess

import pytest

from .helpers import (
    LOGDIRS,
    env,
    logger_command,
    prepare_logdirs,
    route,
    routing_script,
    strip_stamp,
)

S, C, D, G, E, K, M, U, MS, EV = LOGDIRS
TABLE = [
    (b"user.notice: hello", {U, MS, EV}),
    (b"user.warn: disk low", {U, MS, EV}),
    (b"user.err: failed", {E, U, EV}),
    (b"user.debug: trace", {G, U, EV}),
    (b"kern.info: boot", {K, MS, EV}),
    (b"kern.err: oops", {E, K, EV}),
    (b"mail.info: delivered", {M, EV}),
    (b"mail.err: bounce", {E, M, EV}),
    (b"daemon.info: started", {D, EV}),
    (b"daemon.debug: verbose", {D, G, EV}),
    (b"daemon.crit: dead", {D, E, EV}),
    (b"auth.info: login ok", {S}),
    (b"auth.err: login failed", {S, E}),
    (b"auth.debug: pam detail", {S, G}),
    (b"authpriv.notice: sudo", {S}),
    (b"authpriv.alert: intrusion", {S, E}),
    (b"cron.info: job ran", {C, EV}),
    (b"cron.debug: cron detail", {C, G, EV}),
    (b"cron.err: job failed", {C, E, EV}),
    (b"local0.info: app event", {MS, EV}),
    (b"local0.info: sent via mail.example.com", {M, EV}),
    (b"local3.notice: user.name=bob", {U, MS, EV}),
    (b"syslog.warn: restarted", {MS, EV}),
    (b"news.emerg: panic", {E, EV}),
    (b"mark.info: -- MARK --", {MS, EV}),
    (b"unknown.notice: odd facility", {MS, EV}),
    (b"plain text without priority", {EV}),
    (b"<13>raw line from -r", {EV}),
    (b"news.warning: w", {EV}),
]


@pytest.mark.parametrize("line,dirs", TABLE)
def test_oracle_matches_the_reference_table(line, dirs):
    assert route(line) == dirs


def test_script_words():
    words = routing_script("/var/log/syslogd", ["T"])
    assert words[:5] == ["-", "+^auth\\.", "+^authpriv\\.", "T", "/var/log/syslogd/secure"]
    assert words[-4:] == ["-^auth\\.", "-^authpriv\\.", "T", "/var/log/syslogd/everything"]
    assert sum(w.startswith("/var/log/syslogd/") for w in words) == 10


@pytest.mark.parametrize("t_words", [["T"], ["n20", "s1000000"]])
def test_logger_files_the_table(tmp_path, t_words):
    base = tmp_path / "syslogd"
    prepare_logdirs(base)
    data = b"".join(line + b"\n" for line, _ in TABLE)
    p = subprocess.run(logger_command() + ["--"] + routing_script(base, t_words), input=data,
                       capture_output=True, env=env(), timeout=60)
    assert p.returncode == 0, p.stderr
    for name in LOGDIRS:
        raw = (base / name / "current").read_bytes().split(b"\n")[:-1]
        got = [strip_stamp(ln) for ln in raw] if "T" in t_words else raw
        assert got == [line for line, dirs in TABLE if name in dirs], name
        if "T" not in t_words:
            assert raw == got  # no stamps when S6_LOGGING_SCRIPT is unset
