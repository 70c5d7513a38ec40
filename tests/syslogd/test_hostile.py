"""Hostile datagrams neither crash the program nor corrupt the next line;
random datagrams give the real s6-socklog's lines byte for byte."""

from __future__ import annotations

import random
import re

import pytest

from syslogd.datagram import make_formatter

from .helpers import REAL_SOCKLOG, Socklog, sync

HOSTILE = [
    b"",
    b"A" * 65536,
    b"<13>" + b"B" * 65532,
    b"\0" * 10,
    b"\0" * 2000,
    b"\n" * 1025,
    b"<13",
    b"<",
    b"<99999999999999999999>x",
    b"<4294967296>x",
    b"<-1>x",
    b"<13\0>x",
    b"<" + b"0" * 5000 + b"13>x",
    b"\xff\xfe\xfd invalid utf-8 \xc3\x28",
    b"<13>\xed\xa0\x80 surrogate",
    bytes(range(256)),
    bytes(range(256)) * 8,
    b"\x1b]0;title\x07\x1b[31mred",
    b"<13>" + b"\r" * 100,
]


def test_hostile_datagrams(tmp_path):
    s = Socklog(tmp_path)
    try:
        for i, d in enumerate(HOSTILE):
            s.send(d, b"<13>next %d" % i)
        sync(s)
        assert s.proc.poll() is None
    finally:
        rc = s.stop()
    assert rc == 0
    fmt = make_formatter()
    expected = []
    for i, d in enumerate(HOSTILE):
        expected += ([fmt(d)] if d else []) + [b"user.notice: next %d\n" % i]
    assert s.output() == b"".join(expected) + b"local7.debug: sync-marker\n"


def random_datagrams(seed: int, n: int, linelen: int) -> list[bytes]:
    rnd = random.Random(seed)
    alphabet = b"<>0123456789\0\n ab~\xff"
    out = []
    while len(out) < n:
        kind = rnd.random()
        size = rnd.choice([1, 2, 3, 5, 8, linelen - 1, linelen, linelen + 1, linelen + 2,
                           rnd.randint(1, 3 * linelen)])
        if kind < 0.5:
            d = bytes(rnd.choice(alphabet) for _ in range(size))
        elif kind < 0.8:
            d = b"<%d>" % rnd.choice([0, 13, 191, 999, 4294967295, 4294967296, rnd.randint(0, 2000)])
            d += bytes(rnd.choice(alphabet) for _ in range(size))
        else:
            d = bytes(rnd.getrandbits(8) for _ in range(size))
        # keep out what the real program mishandles on purpose (DECISIONS.md
        # #13-14): empty datagrams, and a PRI scan running off the end
        if not d or re.fullmatch(rb"<\d*", d[: linelen + 1].rstrip(b"\0\n")):
            continue
        out.append(d)
    return out


@pytest.mark.skipif(not REAL_SOCKLOG, reason="s6-socklog not installed")
@pytest.mark.parametrize("args,seed", [([], 1), (["-l", "100"], 2), (["-r", "-l", "80"], 3)])
def test_random_datagrams_match_the_real_program(tmp_path, args, seed):
    linelen = int(args[args.index("-l") + 1]) if "-l" in args else 1024
    dgrams = random_datagrams(seed, 400, linelen)
    outputs = []
    for name, cmd in (("ours", None), ("real", [REAL_SOCKLOG])):
        d = tmp_path / name
        d.mkdir()
        s = Socklog(d, args, cmd=cmd)
        try:
            for i in range(0, len(dgrams), 8):
                s.send(*dgrams[i:i + 8])
                sync(s, b"<191>sync-%d" % i)
        finally:
            assert s.stop() == 0
        outputs.append(s.output())
    assert outputs[0] == outputs[1]
