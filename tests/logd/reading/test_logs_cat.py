"""``s6py logs cat`` / ``tail`` (without -f): order, merging, filters, formats, errors."""
from __future__ import annotations

import gzip
import json
import lzma
import os
import shutil
import signal
import subprocess
import sys
import time

import pytest
from click.testing import CliRunner

from logd.cli import logs
from logd.stamps import tai64n_label

from .helpers import env, feed, numbers, start_logger

NS = 1_000_000_000
T0 = 1795870728 * NS  # 2026-11-28 12:58:48 UTC


def stamp(i: int) -> bytes:
    return tai64n_label(T0 + i * NS)


def make_logdir(path, spans, current=(), fmt=lambda i: b"%s line %d" % (stamp(i), i)):
    """A logdir by hand: one archive per span of line numbers (named after
    its last line's instant), then current."""
    path.mkdir(parents=True)
    for span in spans:
        name = stamp(span[-1]).decode() + ".s"
        (path / name).write_bytes(b"".join(fmt(i) + b"\n" for i in span))
    (path / "current").write_bytes(b"".join(fmt(i) + b"\n" for i in current))
    (path / "lock").write_bytes(b"")
    (path / "state").write_bytes(b"")
    return path


def cat(*args, env_tz="UTC"):
    os.environ["TZ"] = env_tz
    time.tzset()
    result = CliRunner().invoke(logs, list(map(str, args)))
    return result


@pytest.fixture(autouse=True)
def utc_zone():
    old = os.environ.get("TZ")
    yield
    if old is None:
        os.environ.pop("TZ", None)
    else:
        os.environ["TZ"] = old
    time.tzset()


def out_numbers(result) -> list[int]:
    return [int(line.rsplit(b" ", 1)[1]) for line in result.stdout_bytes.splitlines()]


def test_cat_reads_archives_then_current_in_order(tmp_path):
    d = make_logdir(tmp_path / "svc", [range(0, 5), range(5, 10)], range(10, 13))
    r = cat("cat", d)
    assert r.exit_code == 0, r.output
    assert out_numbers(r) == list(range(13))
    assert r.stdout_bytes.splitlines()[0] == b"2026-11-28 12:58:48.000000000 line 0"


def test_cat_merges_logdirs_by_time_with_tags(tmp_path):
    a = make_logdir(tmp_path / "a", [range(0, 10, 2)], range(10, 20, 2))
    b = make_logdir(tmp_path / "b", [range(1, 11, 2)], range(11, 21, 2))
    r = cat("cat", a, b)
    assert out_numbers(r) == list(range(20))
    tags = [line.split(b" ")[2] for line in r.stdout_bytes.splitlines()]
    assert tags[:3] == [b"a:", b"b:", b"a:"]
    assert cat("cat", "--no-tag", a, b).stdout_bytes.splitlines()[0].split(b" ")[2] == b"line"


def test_time_window_around_a_rotation_boundary(tmp_path):
    d = make_logdir(tmp_path / "svc", [range(0, 10), range(10, 20)], range(20, 30))
    label = lambda i: stamp(i).decode()  # noqa: E731
    # the archive's name is the instant of its last line: still included
    assert out_numbers(cat("cat", "--since", label(9), d)) == list(range(9, 30))
    assert out_numbers(cat("cat", "--since", label(10), d)) == list(range(10, 30))
    assert out_numbers(cat("cat", "--until", label(20), d)) == list(range(0, 20))
    assert out_numbers(cat("cat", "--since", label(19), "--until", label(21), d)) == [19, 20]
    assert out_numbers(cat("cat", "--since", "2026-11-28 12:59:07.5", d)) == list(range(20, 30))
    assert out_numbers(cat("cat", "--since", "2026-11-28T13:59:07+01:00", "--until",
                           "@1795870749", d)) == [19, 20]


def test_time_window_on_a_logdir_rotated_by_a_running_logd(tmp_path):
    """Real stamps from logd, a rotation forced between two bursts: the
    window at the first line of current gives exactly current's lines."""
    proc = start_logger(["t", "./log"], tmp_path)
    feed(proc, 0, 100)
    log = tmp_path / "log"
    deadline = time.monotonic() + 20
    while (not (log / "current").exists() or (log / "current").stat().st_size < 100 * 60) \
            and time.monotonic() < deadline:
        time.sleep(0.01)
    proc.send_signal(signal.SIGALRM)
    while not any(n.startswith("@") for n in os.listdir(log)) and time.monotonic() < deadline:
        time.sleep(0.01)
    feed(proc, 100, 100)
    proc.stdin.close()
    assert proc.wait(30) == 0
    first = (log / "current").read_bytes()[:25].decode()
    texts = lambda r: [x.split(b" ", 2)[2] for x in r.stdout_bytes.splitlines()]  # noqa: E731
    assert numbers(texts(cat("cat", "--since", first, log))) == list(range(100, 200))
    assert numbers(texts(cat("cat", "--until", first, log))) == list(range(0, 100))


def test_T_stamps_are_read_back_as_local_time(tmp_path):
    os.environ["TZ"] = "Asia/Kolkata"
    time.tzset()
    iso = lambda i: time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(T0 // NS + i)).encode()  # noqa: E731
    d = make_logdir(tmp_path / "svc", [range(0, 5)], range(5, 10),
                    fmt=lambda i: b"%s.000000000  line %d" % (iso(i), i))
    r = cat("cat", "--since", "2026-11-28T12:58:51Z", d, env_tz="Asia/Kolkata")
    assert out_numbers(r) == list(range(3, 10))
    assert r.stdout_bytes.splitlines()[0] == b"2026-11-28 18:28:51.000000000 line 3"
    r = cat("cat", "--json", "-n", "1", d, env_tz="Asia/Kolkata")
    assert json.loads(r.stdout_bytes)["time"] == "2026-11-28T18:28:57.000000000+05:30"
    r = cat("cat", "--utc", "--time-format", "rfc3339", "-n", "1", d, env_tz="Asia/Kolkata")
    assert r.stdout_bytes == b"2026-11-28T12:58:57.000000000Z line 9\n"


def test_unstamped_lines_keep_file_order_and_windows_drop_them(tmp_path):
    d = tmp_path / "svc"
    d.mkdir()
    (d / "current").write_bytes(b"before any stamp\n" + stamp(1) + b" stamped\ncontinued\n")
    r = cat("cat", d)
    assert r.stdout_bytes == (b"before any stamp\n2026-11-28 12:58:49.000000000 stamped\n"
                              b"continued\n")
    r = cat("cat", "--since", stamp(1).decode(), d)
    assert r.stdout_bytes == b"2026-11-28 12:58:49.000000000 stamped\ncontinued\n"
    assert "1 lines have no time stamp" in r.stderr


def test_compressed_archives_are_read_transparently(tmp_path):
    d = make_logdir(tmp_path / "svc", [range(0, 5), range(5, 10), range(10, 15)], range(15, 17))
    names = sorted(n for n in os.listdir(d) if n.startswith("@"))
    (d / names[0]).write_bytes(gzip.compress((d / names[0]).read_bytes()))
    (d / names[1]).write_bytes(lzma.compress((d / names[1]).read_bytes()))
    if shutil.which("zstd"):
        subprocess.run(["zstd", "-q", "-f", "--rm", str(d / names[2]), "-o",
                        str(d / (names[2] + ".tmp"))], check=True)
        os.rename(d / (names[2] + ".tmp"), d / names[2])
    r = cat("cat", d)
    assert r.exit_code == 0, r.output
    assert out_numbers(r) == list(range(17))


@pytest.mark.skipif(shutil.which("zstd") is None, reason="zstd not installed")
def test_zstd_archive_without_the_zstd_program_is_a_clear_error(tmp_path):
    d = make_logdir(tmp_path / "svc", [range(0, 5)], range(5, 6))
    arch = next(n for n in os.listdir(d) if n.startswith("@"))
    data = subprocess.run(["zstd", "-q", "-c", str(d / arch)], capture_output=True).stdout
    (d / arch).write_bytes(data)
    e = env()
    e["PATH"] = str(tmp_path / "empty")
    r = subprocess.run([sys.executable, "-c", "from logd.cli import logs; logs()", "cat", str(d)],
                       capture_output=True, env=e)
    assert r.returncode == 1
    assert b"zstd-compressed and the zstd program is not installed" in r.stderr
    assert r.stdout == b""


def test_corrupt_archive_is_an_error(tmp_path):
    d = make_logdir(tmp_path / "svc", [range(0, 5)], range(5, 6))
    arch = next(n for n in os.listdir(d) if n.startswith("@"))
    (d / arch).write_bytes(gzip.compress(b"x" * 1000)[:20])
    r = cat("cat", d)
    assert r.exit_code == 1 and "unreadable archive" in r.output


def test_syslog_filters_and_json(tmp_path):
    lines = [b"user.notice: hello", b"daemon.err: dead", b"user.debug: trace",
             b"auth.crit: 1 2026-11-28T12:00:00Z host sshd 42 ID47 [a@1 b=\"c\"] oops",
             b"not syslog at all"]
    d = make_logdir(tmp_path / "syslogd" / "everything", [], range(len(lines)),
                    fmt=lambda i: stamp(i) + b" " + lines[i])
    assert cat("cat", "--facility", "user", d).stdout_bytes.count(b"\n") == 2
    r = cat("cat", "--priority", "err", d)
    assert [x.split(b" ", 2)[2] for x in r.stdout_bytes.splitlines()] == lines[1:2] + lines[3:4]
    r = cat("cat", "--priority", "notice..debug", "--facility", "user,daemon", d)
    assert r.stdout_bytes.count(b"\n") == 2
    r = cat("cat", "--json", d)
    objs = [json.loads(x) for x in r.stdout_bytes.splitlines()]
    assert objs[0] == {"time": "2026-11-28T12:58:48.000000000+00:00", "logdir": str(d),
                       "service": "everything", "file": "current", "stream": "syslog",
                       "facility": "user", "severity": "notice", "message": "hello"}
    assert objs[3]["hostname"] == "host" and objs[3]["app_name"] == "sshd"
    assert objs[3]["procid"] == "42" and objs[3]["msgid"] == "ID47"
    assert objs[3]["structured_data"] == '[a@1 b="c"]' and objs[3]["message"] == "oops"
    assert objs[4]["stream"] == "output" and "facility" not in objs[4]


def test_grep_and_last_lines(tmp_path):
    d = make_logdir(tmp_path / "svc", [range(0, 50)], range(50, 100))
    assert out_numbers(cat("cat", "--grep", r"line 1[[:digit:]]$", d)) == list(range(10, 20))
    assert out_numbers(cat("cat", "-n", "3", d)) == [97, 98, 99]
    assert out_numbers(cat("tail", "-n", "60", d)) == list(range(40, 100))
    assert out_numbers(cat("tail", "-n", "0", d)) == []
    assert out_numbers(cat("tail", "-n", "500", d)) == list(range(100))


def test_grep_speaks_the_loggers_dialect_in_bounded_time(tmp_path):
    """POSIX ERE as in a log script (\\d is a d), and a hostile pattern stays linear."""
    hostile = b"word word word word word word word word xxxxxxxxxxxxxxxxxxxx!"
    texts = [hostile, b"ab cd", b"d1", b"9", hostile * 10, b"x y z"]
    d = make_logdir(tmp_path / "svc", [], range(len(texts)),
                    fmt=lambda i: stamp(i) + b" " + texts[i])
    t = time.process_time()
    r = cat("cat", "--time-format", "raw", "--grep", "^([a-z]+ ?)*$", d)
    assert time.process_time() - t < 30  # Python's re: hours
    assert r.exit_code == 0
    assert [x.split(b" ", 1)[1] for x in r.stdout_bytes.splitlines()] == [b"ab cd", b"x y z"]
    r = cat("cat", "--time-format", "raw", "--grep", r"^\d", d)
    assert [x.split(b" ", 1)[1] for x in r.stdout_bytes.splitlines()] == [b"d1"]


def test_raw_format_and_service_names(tmp_path):
    d = make_logdir(tmp_path / "web" / "log", [], range(2))
    r = cat("cat", "--time-format", "raw", "--tag", d)
    assert r.stdout_bytes == b"".join(b"web: " + stamp(i) + b" line %d\n" % i for i in range(2))


@pytest.mark.parametrize("args,message", [
    (["cat", "/nonexistent/logdir"], "does not exist"),
    (["cat", "--since", "the day after", "."], "not a date"),
    (["cat", "--grep", "(", "."], "bad regular expression"),
    (["cat", "--priority", "loud", "."], "unknown severity"),
])
def test_errors_say_what_is_wrong(args, message):
    r = cat(*args)
    assert r.exit_code == 2
    assert message in r.output


def test_cat_of_a_logdir_written_by_logd_matches_s6_tai64nlocal(tmp_path):
    proc = start_logger(["s4096", "t", "./log"], tmp_path)
    feed(proc, 0, 500)
    proc.stdin.close()
    assert proc.wait(30) == 0
    log = tmp_path / "log"
    r = cat("cat", log)
    assert numbers([x.split(b" ", 2)[2] for x in r.stdout_bytes.splitlines()]) == list(range(500))
    if shutil.which("s6-tai64nlocal"):
        names = sorted(n for n in os.listdir(log) if n.startswith("@")) + ["current"]
        raw = b"".join((log / n).read_bytes() for n in names)
        real = subprocess.run(["s6-tai64nlocal"], input=raw, capture_output=True,
                              env=dict(os.environ, TZ="UTC")).stdout
        assert r.stdout_bytes == real
