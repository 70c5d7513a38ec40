"""The forwarder against a real collector (rsyslogd), stopped mid-stream.

A running logd writes numbered lines into a logdir with a small rotation
size; the forwarder ships them; rsyslogd is stopped for a while (lines
keep coming and rotating), then started again on the same port.  Every
line must arrive; duplicates are counted and must not exceed what the
forwarder says it sent again.  Stopped while stalled, rsyslogd holds
lines its kernel acknowledged but it never read: those too must come
again.
"""
from __future__ import annotations

import json
import re
import signal
import subprocess
import sys
import time

import pytest

from tests.logd.reading.helpers import env, feed, start_logger

from .collector import RSYSLOGD, Rsyslog, make_tls_files, tls_driver

pytestmark = pytest.mark.skipif(RSYSLOGD is None, reason="rsyslog not installed "
                                "(apt-get install rsyslog rsyslog-openssl)")
NUM = re.compile(r" (\d{8}) x+$")
LOGGED = re.compile(rb" (\d{8}) x+$")


def start_forwarder(logdir, url, state, *extra) -> subprocess.Popen:
    # the logger creates the logdir: the forwarder refuses a missing one
    assert wait_until(lambda: logdir.is_dir(), 30), f"{logdir} never appeared"
    return subprocess.Popen([sys.executable, "-m", "syslogd.forward", str(logdir), "--to", url,
                             "--state", str(state), "--hostname", "testhost", *map(str, extra)],
                            env=env(), stderr=subprocess.PIPE)


def wait_until(pred, timeout=60.0) -> bool:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if pred():
            return True
        time.sleep(0.05)
    return pred()


def numbers(rs: Rsyslog) -> list[int]:
    return [int(m.group(1)) for m in map(NUM.search, rs.received()) if m]


def logged(logdir) -> set[int]:
    """The numbers in the logdir: what the forwarder had to ship."""
    from logd.reading.reader import LogdirReader

    reader, found = LogdirReader(str(logdir)), set()
    try:
        while (batch := reader.read()) is not None:
            found.update(int(m.group(1)) for m in map(LOGGED.search, batch.lines) if m)
    finally:
        reader.close()
    return found


def lost(rs: Rsyslog, logdir, total: int) -> str:
    missing = sorted(set(range(total)) - set(numbers(rs)))
    unlogged = set(missing) - logged(logdir)
    return (f"{len(missing)} missing, from {missing[:1]} to {missing[-1:]} "
            f"({len(unlogged)} of them not in the logdir either)")


def paced(proc, first, count, step=250):
    for start in range(first, first + count, step):
        feed(proc, start, min(step, first + count - start))
        time.sleep(0.005)


def stop_forwarder(fwd, state) -> dict:
    fwd.send_signal(signal.SIGTERM)
    code = fwd.wait(30)
    log = fwd.stderr.read().decode(errors="replace")
    fwd.stderr.close()
    print(log)
    assert code == 0, log
    return json.loads(state.read_text())["counters"]


def deliver_all(rs, logger, fwd, state, log, total: int) -> dict:
    """End the input, wait for every line at the collector, stop the forwarder: its counters."""
    logger.stdin.close()
    assert logger.wait(60) == 0
    arrived = wait_until(lambda: set(numbers(rs)) >= set(range(total)))
    counters = stop_forwarder(fwd, state)
    assert arrived, lost(rs, log, total)
    return counters


def check_at_least_once(rs, proto: str, total: int, counters: dict) -> None:
    """Every line arrived, after at least one failure, and duplicates are only resends."""
    got = numbers(rs)
    dups = len(got) - len(set(got))
    print(f"{proto}: {len(got)} received, {dups} duplicates, counters {counters}")
    assert sorted(set(got)) == list(range(total))
    assert counters["failures"] >= 1 and counters["reconnects"] >= 1
    assert dups <= counters["resent"]
    assert counters["sent"] == total + counters["resent"]


@pytest.mark.parametrize("proto", ["tcp", "tls"])
def test_collector_stopped_mid_stream_nothing_lost(tmp_path, proto):
    if proto == "tls" and tls_driver() is None:
        pytest.skip("no rsyslog TLS driver (apt-get install rsyslog-openssl)")
    tls = make_tls_files(tmp_path / "pki") if proto == "tls" else None
    rs = Rsyslog(tmp_path / "rs", "tcp", tls).start()
    logger = start_logger(["n1000", "s20000", "t", "./log"], tmp_path)
    state = tmp_path / "state" / "cursor.json"
    extra = ["--app-name", "svc"]
    extra += ["--ca", tls["ca"], "--server-name", "localhost"] if tls else []
    fwd = start_forwarder(tmp_path / "log", f"{proto}://127.0.0.1:{rs.port}", state, *extra)
    total = 24000
    try:
        paced(logger, 0, 8000)
        assert wait_until(lambda: len(numbers(rs)) >= 4000)
        rs.stop()  # mid-stream: lines keep coming, and rotating
        paced(logger, 8000, 8000)
        time.sleep(0.5)
        rs.start()
        paced(logger, 16000, 8000)
        counters = deliver_all(rs, logger, fwd, state, tmp_path / "log", total)
    finally:
        if fwd.poll() is None:
            fwd.kill()
            fwd.wait()
        rs.stop()
    check_at_least_once(rs, proto, total, counters)
    first = rs.received()[0].split(" ")
    assert first[0] == "13" and first[2:4] == ["testhost", "svc"]


@pytest.mark.parametrize("proto", ["tcp", "tls"])
def test_collector_stalled_then_stopped_nothing_lost(tmp_path, proto):
    """rsyslogd stalls (SIGSTOP) while lines keep coming, for longer than a
    second of idleness, and is then stopped gracefully: what its kernel
    acknowledged but it never read (up to its receive buffer, hundreds of
    kB) is reset away, and must be sent again."""
    if proto == "tls" and tls_driver() is None:
        pytest.skip("no rsyslog TLS driver (apt-get install rsyslog-openssl)")
    tls = make_tls_files(tmp_path / "pki") if proto == "tls" else None
    rs = Rsyslog(tmp_path / "rs", "tcp", tls).start()
    logger = start_logger(["n1000", "s20000", "t", "./log"], tmp_path)
    state = tmp_path / "state" / "cursor.json"
    extra = ["--app-name", "svc"]
    extra += ["--ca", tls["ca"], "--server-name", "localhost"] if tls else []
    fwd = start_forwarder(tmp_path / "log", f"{proto}://127.0.0.1:{rs.port}", state, *extra)
    total = 42000
    try:
        paced(logger, 0, 20000)  # the collector keeps up: its receive buffer grows
        assert wait_until(lambda: len(numbers(rs)) >= 20000)
        rs.pause()
        paced(logger, 20000, 20000)
        time.sleep(1.5)  # everything its kernel took is acknowledged, the link idle
        rs.stop()
        paced(logger, 40000, 2000)
        rs.start()
        counters = deliver_all(rs, logger, fwd, state, tmp_path / "log", total)
    finally:
        if fwd.poll() is None:
            fwd.kill()
            fwd.wait()
        rs.stop()
    check_at_least_once(rs, proto, total, counters)


def test_tls_verifies_the_collector_by_default(tmp_path):
    if tls_driver() is None:
        pytest.skip("no rsyslog TLS driver")
    tls = make_tls_files(tmp_path / "pki")
    rs = Rsyslog(tmp_path / "rs", "tcp", tls).start()
    logger = start_logger(["t", "./log"], tmp_path)
    feed(logger, 0, 10)
    logger.stdin.close()
    assert logger.wait(30) == 0
    fwd = start_forwarder(tmp_path / "log", f"tls://127.0.0.1:{rs.port}", tmp_path / "st.json")
    try:
        line = b""
        end = time.monotonic() + 30
        while b"cannot connect" not in line and time.monotonic() < end:
            line = fwd.stderr.readline()
        assert b"CERTIFICATE_VERIFY_FAILED" in line
    finally:
        fwd.send_signal(signal.SIGTERM)
        fwd.wait(30)
        fwd.stderr.close()
        rs.stop()
    assert numbers(rs) == []


def test_udp_and_header_mapping(tmp_path):
    rs = Rsyslog(tmp_path / "rs", "udp").start()
    log = tmp_path / "syslogd" / "everything"
    log.mkdir(parents=True)
    lines = [
        b"@400000006b0ad02d364b2c6c user.err: 1 2026-11-28T12:00:00.5Z web01 nginx 77 REQ "
        b"[req@32473 id=\"7\"] boom 00000000 xxxx",
        b"@400000006b0ad02d364b2c6c local3.info: Nov 28 12:47:42 mytag[365]: 00000001 xxxx",
        b"@400000006b0ad02d364b2c6c 00000002 xxxx",
    ]
    (log / "current").write_bytes(b"\n".join(lines) + b"\n")
    fwd = subprocess.run([sys.executable, "-m", "syslogd.forward", str(log), "--to",
                          f"udp://127.0.0.1:{rs.port}", "--state", str(tmp_path / "st.json"),
                          "--hostname", "testhost", "--oneshot", "--facility", "daemon",
                          "--severity", "warning"], env=env(), capture_output=True, timeout=60)
    assert fwd.returncode == 0, fwd.stderr
    try:
        assert wait_until(lambda: len(rs.received()) >= 3, 20)
    finally:
        rs.stop()
    got = sorted(rs.received(), key=lambda x: NUM.search(x).group(1))
    assert got[0] == ('11 2026-11-28T12:00:00.5Z web01 nginx 77 REQ [req@32473 id="7"] '
                      'boom 00000000 xxxx')
    assert got[1] == "158 2026-11-28T12:58:48.910896Z testhost mytag 365 - - 00000001 xxxx"
    assert got[2] == "28 2026-11-28T12:58:48.910896Z testhost everything - - - 00000002 xxxx"
