"""Following a logdir live across rotations, driven by a running logger.

The logger writes numbered lines as fast as it can, with a tiny rotation
size, while the reader follows: every line must come out exactly once
and in order, whatever the rotations, restarts and processors did.
"""
from __future__ import annotations

import signal
import subprocess

import pytest

from logd.reading.follow import DirWatcher
from logd.reading.reader import LogdirReader

from .helpers import REAL_S6LOG, archives, collect, feed, numbers, start_logger


def run_and_follow(tmp_path, script, total, cmd=None, restart_every=None):
    log = tmp_path / "log"
    log.mkdir()
    reader = LogdirReader(str(log))
    watcher = DirWatcher([str(log)])
    got: list[bytes] = []
    try:
        written = 0
        chunk = restart_every or total
        while written < total:
            proc = start_logger(script, tmp_path, cmd)
            n = min(chunk, total - written)
            # interleave writing and reading so the reader really is live
            step = 500
            for start in range(written, written + n, step):
                feed(proc, start, min(step, written + n - start))
                while (b := reader.read()) is not None:
                    got.extend(b.lines)
            written += n
            proc.stdin.close()
            assert proc.wait(60) == 0, proc.stderr.read()
            proc.stderr.close()
        got += collect(reader, watcher, total - len(got))
    finally:
        watcher.close()
        reader.close()
    return log, got


def test_follow_high_rate_every_line_once_in_order(tmp_path):
    log, got = run_and_follow(tmp_path, ["n1000", "s4096", "t", "./log"], 20000)
    assert len(archives(log)) > 100  # it really rotated, many times
    assert numbers(got) == list(range(20000))


def test_follow_across_logger_restarts(tmp_path):
    log, got = run_and_follow(tmp_path, ["n1000", "s4096", "t", "./log"], 6000,
                              restart_every=1500)
    assert numbers(got) == list(range(6000))


def test_follow_across_kill_9_recovery(tmp_path):
    """A killed logger leaves current unfinished: the next one archives it
    as .u (same file): nothing read twice."""
    log = tmp_path / "log"
    log.mkdir()
    reader = LogdirReader(str(log))
    watcher = DirWatcher([str(log)])
    got: list[bytes] = []
    try:
        proc = start_logger(["n1000", "s100000", "t", "./log"], tmp_path)
        feed(proc, 0, 300)
        got += collect(reader, watcher, 300)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        proc = start_logger(["n1000", "s100000", "t", "./log"], tmp_path)
        feed(proc, 300, 300)
        proc.stdin.close()
        assert proc.wait(30) == 0
        got += collect(reader, watcher, 300)
    finally:
        watcher.close()
        reader.close()
    assert any(a.endswith(".u") for a in archives(log))
    assert numbers(got) == list(range(600))


@pytest.mark.parametrize("proc", ["gzip", "xz", "zstd"])
def test_follow_with_compressing_processor(tmp_path, proc):
    """Archives are a processor's output (new files, compressed): the
    reader must recognise them as what it already read live."""
    log, got = run_and_follow(tmp_path, ["n1000", "s4096", f"?{proc} -c", "t", "./log"], 3000)
    names = archives(log)
    assert names
    head = (log / names[0]).read_bytes()[:4]
    assert head[:2] in (b"\x1f\x8b", b"\xfd7", b"\x28\xb5")
    assert numbers(got) == list(range(3000))


def test_pruned_under_the_reader_never_duplicates(tmp_path):
    """With n2 the logger prunes archives the reader has not reached: lines
    may be lost (they are gone), but none comes twice and order holds."""
    log = tmp_path / "log"
    log.mkdir()
    proc = start_logger(["n2", "s4096", "t", "./log"], tmp_path)
    reader = LogdirReader(str(log))
    got: list[bytes] = []
    try:
        feed(proc, 0, 200)
        proc.stdin.flush()
        import time
        deadline = time.monotonic() + 10
        while len(got) < 10 and time.monotonic() < deadline:
            while (b := reader.read(256)) is not None:  # read slowly: a few lines
                got.extend(b.lines)
                break
        feed(proc, 200, 5000)
        proc.stdin.close()
        assert proc.wait(60) == 0
        while (b := reader.read()) is not None:
            got.extend(b.lines)
    finally:
        reader.close()
    nums = numbers(got)
    assert nums == sorted(set(nums))
    assert nums[-1] == 5199  # the end is never lost
    assert len(nums) < 5200  # and the test did prune something under it


@pytest.mark.skipif(REAL_S6LOG is None, reason="s6-log not installed")
def test_follow_real_s6_log(tmp_path):
    log, got = run_and_follow(tmp_path, ["n1000", "s4096", "t", "./log"], 8000,
                              cmd=[REAL_S6LOG])
    assert numbers(got) == list(range(8000))


def test_sigalrm_rotations_while_following(tmp_path):
    log = tmp_path / "log"
    log.mkdir()
    proc = start_logger(["n1000", "t", "./log"], tmp_path)
    reader = LogdirReader(str(log))
    watcher = DirWatcher([str(log)])
    got: list[bytes] = []
    try:
        for k in range(20):
            feed(proc, k * 10, 10)
            got += collect(reader, watcher, (k + 1) * 10 - len(got))
            proc.send_signal(signal.SIGALRM)
        proc.stdin.close()
        assert proc.wait(30) == 0
        got += collect(reader, watcher, 200 - len(got))
    finally:
        watcher.close()
        reader.close()
    assert len(archives(log)) >= 10
    assert numbers(got) == list(range(200))


def test_subprocess_is_not_needed_for_cat(tmp_path):
    """Sanity: the logger used above leaves a logdir s6-log would."""
    log = tmp_path / "log"
    proc = start_logger(["t", "./log"], tmp_path)
    feed(proc, 0, 3)
    proc.stdin.close()
    assert proc.wait(30) == 0
    assert (log / "current").stat().st_mode & 0o100
    assert subprocess.run(["true"]).returncode == 0


def test_tail_f_command_across_rotations(tmp_path):
    """``s6py logs tail -f`` as a user runs it, while logd writes and rotates."""
    import sys
    import threading

    from .helpers import env

    log = tmp_path / "log"
    logger = start_logger(["n1000", "s4096", "t", "./log"], tmp_path)
    feed(logger, 0, 100)  # already there: -n 5 shows the last 5 of these
    deadline = __import__("time").monotonic() + 20
    while not (log / "current").exists() or sum(
            f.stat().st_size for f in log.iterdir()) < 100 * 60:
        assert __import__("time").monotonic() < deadline
        __import__("time").sleep(0.01)
    tail = subprocess.Popen([sys.executable, "-c", "from logd.cli import logs; logs()", "tail",
                             "-f", "-n", "5", str(log)], stdout=subprocess.PIPE, env=env())
    got: list[bytes] = []

    def pump():
        for line in tail.stdout:
            got.append(line)
            if len(got) >= 5 + 10000:
                return

    t = threading.Thread(target=pump, daemon=True)
    t.start()
    try:
        import time
        while len(got) < 5 and time.monotonic() < deadline:
            time.sleep(0.01)
        feed(logger, 100, 10000)
        logger.stdin.close()
        assert logger.wait(60) == 0
        t.join(60)
    finally:
        tail.send_signal(signal.SIGINT)
        tail.wait(10)
        tail.stdout.close()
    assert numbers([x.split(b" ", 2)[2] for x in got]) == list(range(95, 10100))
