"""init.tee's pure parts: the name a logger's copies carry, the script words, line assembly."""
from __future__ import annotations

import pytest

from init.tee import naming
from init.tee.lines import PIPE_BUF, Outbox, Stream, piece


@pytest.mark.parametrize("path,name", [
    ("/run/s6/legacy-services/web/log", "web"),        # services.d/web/log
    ("/run/service/web/log/", "web"),
    ("/run/s6-rc:s6-rc-init:AbC/servicedirs/web-log", "web"),   # s6-rc consumer
    ("/run/service/my-api-log", "my-api"),
    ("/run/service/syslogd-log", "syslogd"),
    ("/run/service/-log", "-log"),                     # nothing left to strip
    ("/run/service/weblogger", "weblogger"),           # not the convention: its own name
    ("/run/service/app-logs", "app-logs"),
    ("/log", "log"),
])
def test_service_name_from_the_loggers_directory(path, name):
    assert naming.service_name(path) == name


def test_tee_words_go_after_the_logdir_and_carry_the_prefix():
    assert naming.tee_words("web") == ["p[web]", "1"]
    assert naming.tee_words("my svc") == ["p[my svc]", "1"]   # one word: an argv element


def test_stream_keeps_the_tail_of_a_line_until_its_end():
    s = Stream("web", 1)
    assert s.feed(b"[web] a\n[web] b") == b"[web] a\n"
    assert s.feed(b"cd") == b""
    assert s.feed(b"e\n[web] f\n[web] g") == b"[web] bcde\n[web] f\n"
    assert s.finish() == b"[web] g\n"           # a last line without newline is completed
    assert s.finish() == b""
    assert Stream("x", 2).finish() == b""


def test_pieces_are_whole_lines_of_at_most_pipe_buf_bytes():
    line = b"x" * 99 + b"\n"
    buf = line * 100                            # 10000 bytes
    n = piece(buf)
    assert n == 40 * 100 and n <= PIPE_BUF      # 40 whole lines
    assert piece(buf[:3000]) == 3000
    assert piece(b"") == 0
    long = b"y" * 10000 + b"\n" + line
    assert piece(long) == 10001                 # a longer line goes whole, alone
    assert piece(b"z" * 5000) == 5000           # (never happens: only whole lines are queued)
    assert piece(buf, 250) == 200


def test_outbox_hands_out_pieces_and_takes_short_writes():
    o = Outbox()
    o.push(b"a\n" * 3000)
    first = o.next()
    assert first == b"a\n" * 2048 and o.size == 6000
    o.done(5)                                   # a short write: the rest of that line first
    assert o.next().startswith(b"\na\n")
    o.done(o.size)
    assert o.size == 0 and o.next() == b""
    o.push(b"q\n")
    assert o.clear() == 2 and o.size == 0
