"""The logdir state machine, driven in-process with an injected clock."""
from __future__ import annotations

import errno
import os

import pytest

from logd import logdir as logdir_mod
from logd.logdir import Env, Logdir
from logd.messages import Reporter
from logd.script import Controls


class Clock:
    def __init__(self):
        self.ns = 1_800_000_000 * 10**9
        self.mono = 100.0

    def wall(self):
        self.ns += 1000
        return self.ns

    def monotonic(self):
        return self.mono


class Warnings(Reporter):
    def __init__(self):
        super().__init__(1)
        self.seen = []

    def warn(self, text, always=False):
        self.seen.append(text)


def make(tmp_path, clock=None, **ctl):
    clock = clock or Clock()
    env = Env(Warnings(), 0o022, clock=clock.wall, monotonic=clock.monotonic)
    ld = Logdir(str(tmp_path / "log"), Controls(**ctl), env)
    ld.setup()
    return ld, clock


def archives(ld):
    return sorted(n for n in os.listdir(ld.path) if n.startswith("@"))


def read(ld, name):
    with open(os.path.join(ld.path, name), "rb") as f:
        return f.read()


def test_fresh_logdir_layout(tmp_path):
    ld, _ = make(tmp_path)
    assert sorted(os.listdir(ld.path)) == ["current", "lock", "state"]
    assert ld.finalize()
    assert os.stat(ld.path + "/current").st_mode & 0o777 == 0o744
    assert os.stat(ld.path).st_mode & 0o777 == 0o700


def test_rotation_at_first_window_crossing_threshold(tmp_path):
    ld, _ = make(tmp_path, s=4096, l=0)
    line = b"x" * 99 + b"\n"
    out = line * 100
    windows = [len(line) * k for k in (30, 60, 100)]  # three emulated reads
    ld.push(out, lambda: windows)
    # 30 lines (3000 B) < 4096, 60 lines (6000 B) >= 4096: rotate after the 2nd read.
    (archive,) = archives(ld)
    assert read(ld, archive) == line * 60
    assert read(ld, "current") == line * 40
    assert os.stat(ld.path + "/" + archive).st_mode & 0o777 == 0o744


def test_no_window_needed_when_threshold_far(tmp_path):
    ld, _ = make(tmp_path)

    def explode():
        raise AssertionError("windows computed needlessly")
    ld.push(b"a\n" * 100, explode)
    assert read(ld, "current") == b"a\n" * 100


def test_reused_current_too_big_rotates_before_writing(tmp_path):
    os.mkdir(tmp_path / "log")
    (tmp_path / "log" / "current").write_bytes(b"z" * 4095 + b"\n")
    os.chmod(tmp_path / "log" / "current", 0o744)  # finalised by a clean stop
    ld2, _ = make(tmp_path, s=4096)
    assert ld2.b == 4096
    ld2.push(b"new\n")
    assert [read(ld2, a) for a in archives(ld2)] == [b"z" * 4095 + b"\n"]
    assert read(ld2, "current") == b"new\n"


def test_write_error_holds_and_retries_without_loss(tmp_path, monkeypatch):
    ld, clock = make(tmp_path, r=250)
    real_write = os.write
    calls = {"n": 0}

    def full_disk(fd, data):
        if fd == ld.fd and calls["n"] < 2:
            calls["n"] += 1
            if calls["n"] == 1:
                return real_write(fd, bytes(data[:5]))  # short write, then ENOSPC
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return real_write(fd, data)
    monkeypatch.setattr(logdir_mod.os, "write", full_disk)
    ld.push(b"first line\n")
    assert ld.busy and ld.retry_at == pytest.approx(100.25)
    assert ld.env.reporter.seen == [f"unable to write to {ld.path}/current: No space left on device"]
    ld.push(b"second\n")  # held behind the first
    assert read(ld, "current") == b"first"
    clock.mono = 100.3
    ld.on_time(clock.mono)
    assert not ld.busy
    assert read(ld, "current") == b"first line\nsecond\n"


def test_processor_output_and_state(tmp_path):
    ld, _ = make(tmp_path, s=4096, processor=("?", "tr a-z A-Z; echo gen2 >&5; cat <&4 >&2"))
    ld.push(b"abc\n" * 1100)  # 4400 bytes: crosses 4096 - 2000
    assert ld.child is not None and ld.busy
    ld.push(b"held\n")
    assert read(ld, "current") == b""
    _, status = os.waitpid(ld.child, 0)
    ld.child_exited(status)
    (archive,) = archives(ld)
    assert read(ld, archive) == b"ABC\n" * 1100
    assert read(ld, "state") == b"gen2\n"
    assert read(ld, "current") == b"held\n"
    assert sorted(os.listdir(ld.path)) == sorted(["current", "lock", "state", archive])


def test_processor_failure_is_retried(tmp_path):
    ld, clock = make(tmp_path, s=4096, r=100, processor=("?", "test -e ok || exit 3; cat"))
    ld.push(b"q\n" * 2100)
    _, status = os.waitpid(ld.child, 0)
    ld.child_exited(status)
    assert ld.env.reporter.seen == [f"processor failed in {ld.path}"]
    assert ld.retry_at == pytest.approx(100.1)
    open(ld.path + "/ok", "w").close()
    clock.mono = 100.2
    ld.on_time(clock.mono)
    _, status = os.waitpid(ld.child, 0)
    ld.child_exited(status)
    assert not ld.busy
    assert [read(ld, a) for a in archives(ld)] == [b"q\n" * 2100]


def test_alarm_rotates_only_non_empty_current(tmp_path):
    ld, _ = make(tmp_path)
    ld.alarm()
    assert archives(ld) == []
    ld.push(b"x\n")
    ld.alarm()
    assert len(archives(ld)) == 1 and ld.b == 0


def test_prune_keeps_n_newest(tmp_path):
    ld, _ = make(tmp_path, n=2)
    for i in range(5):
        ld.push(b"%d\n" % i)
        ld.alarm()
    assert [read(ld, a) for a in archives(ld)] == [b"3\n", b"4\n"]


def test_periodic_rotation(tmp_path):
    ld, clock = make(tmp_path, R=10)
    assert ld.deadline() == pytest.approx(110.0)
    ld.push(b"tick\n")
    clock.mono = 110.5
    ld.on_time(clock.mono)
    assert len(archives(ld)) == 1 and ld.deadline() == pytest.approx(120.0)
    clock.mono = 121
    ld.on_time(clock.mono)  # empty current: no archive
    assert len(archives(ld)) == 1


def test_unfinished_current_recovered_as_u(tmp_path):
    ld, _ = make(tmp_path)
    ld.push(b"before crash\n")
    os.close(ld.fd)
    os.close(ld.lock_fd)  # no finalize: as after kill -9
    ld2, _ = make(tmp_path)
    (archive,) = archives(ld2)
    assert archive.endswith(".u") and read(ld2, archive) == b"before crash\n"
    assert read(ld2, "current") == b""
