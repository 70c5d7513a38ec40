"""Random scripts and inputs, run by logd and by the real s6-log: same results.

stdin is a regular file, so s6-log's reads (8191 bytes each) and hence its
rotation points are deterministic; logd reads far bigger blocks and must
land on exactly the same archive boundaries.  Stamps are masked, archive
names numbered in time order; everything else (stdout, stderr, exit code,
every file's mode and bytes) must be identical.
"""
from __future__ import annotations

import random
import subprocess
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, reject, settings
from hypothesis import strategies as st

from .conftest import LOGD, REAL_S6LOG, normalise, run, snapshot
from .test_ere import build, glibc_caveat, lines_for

pytestmark = pytest.mark.skipif(not REAL_S6LOG, reason="real s6-log not installed")

REGEXES = ["^a", "b$", "[0-9]{3}", "x.y", "(ab|cd)+", "[[:upper:]]", "^$", "\\<word\\>",
           "[^a-z]", "a{2,}", "^[[:alnum:]]*\\.err:"]
WORDS = [b"a", b"b", b"ab", b"cd", b"123", b"xzy", b"word", b"WORD", b"mail.err:", b" ",
         b"\xc3\xa9", b"\0", b"x" * 40, b"y" * 300]


@st.composite
def scripts(draw):
    words: list[str] = []
    logdirs = iter(["./dA", "./dB", "./dC"])
    stamped_status = False
    for _ in range(draw(st.integers(1, 4))):
        for _ in range(draw(st.integers(0, 3))):
            words.append(draw(st.sampled_from(
                ["-", "+", "f"] + ["+" + r for r in REGEXES] + ["-" + r for r in REGEXES])))
        for _ in range(draw(st.integers(1, 2))):
            if draw(st.booleans()):
                words.append(draw(st.sampled_from(["s4096", "s5000", "s7000", "s99999"])))
            if draw(st.booleans()):
                words.append(draw(st.sampled_from(["n0", "n1", "n3", "S6000", "S0"])))
            if draw(st.booleans()):
                words.append(draw(st.sampled_from(["l0", "l100", "l1000"])))
            if draw(st.booleans()):
                words.append(draw(st.sampled_from(["E0", "E5", "E50", "^0", "^90", "^3"])))
            if draw(st.booleans()):
                words.append(draw(st.sampled_from(["pPFX", "p", "p:x"])))
            stamps = draw(st.sampled_from([[], ["t"], ["T"], ["t", "T"], ["T", "t", "t"]]))
            words += stamps
            kinds = ["1", "2", "=st"]
            nxt = next(logdirs, None)
            if nxt:
                kinds += [nxt] * 3
            action = draw(st.sampled_from(kinds))
            if action.startswith("./"):
                logdirs = iter([d for d in ["./dA", "./dB", "./dC"]
                                if d not in words and d != action])
            if action == "=st" and stamps:
                stamped_status = True
            words.append(action)
    if stamped_status:  # a cut stamp would differ by the clock: never cut one
        words.insert(0, "^0")
    return words


@st.composite
def inputs(draw):
    """Up to ~100 KB: enough for several s4096 rotations and 8191-byte reads."""
    rng = random.Random(draw(st.integers(0, 2**32)))
    count = draw(st.sampled_from([1, 10, 200, 700, 1500]))
    width = draw(st.sampled_from([3, 8, 12]))
    return b"".join(b"".join(rng.choice(WORDS) for _ in range(rng.randint(0, width))) + b"\n"
                    for _ in range(count))


def logdir_files(root: Path) -> dict:
    return {k: v for k, v in snapshot(root).items() if k != "input"}


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(script=scripts(), data=inputs(), opts=st.sampled_from([[], ["-l", "48"], ["-l", "0"],
                                                             ["-b"], ["-q", "-l", "100"]]))
def test_same_as_s6_log(tmp_path_factory, script, data, opts):
    results = []
    for name, cmd in (("real", [REAL_S6LOG]), ("logd", LOGD)):
        root = tmp_path_factory.mktemp(name)
        (root / "input").write_bytes(data)
        proc = run(cmd, opts + ["--"] + script, root, stdin=root / "input")
        results.append((proc.returncode, normalise(proc.stdout), normalise(proc.stderr),
                        logdir_files(root)))
    real, ours = results
    assert ours == real, script


# --------------------------------------------------------------------------
# random EREs: brackets, classes, anchors, intervals, alternation, nesting


@st.composite
def regex_scripts(draw):
    """A script of selections with grammar-grown EREs, and lines made for them."""
    grown = st.binary(min_size=6, max_size=60).map(build)
    patterns = [draw(grown, label="regex") for _ in range(draw(st.integers(1, 3)))]
    patterns = [p for p in patterns if b"\n" not in p and b"\0" not in p and p[:1] not in (b"",)]
    assume(patterns and not any(glibc_caveat(p) for p in patterns))
    words: list[str] = []
    for i, p in enumerate(patterns):
        sign = draw(st.sampled_from("+-"))
        words += ([draw(st.sampled_from(["-", "+"]))] if i else []) + [
            sign + p.decode("latin-1"), draw(st.sampled_from(["1", f"./d{i}", "=st"]))]
    words += ["f", "./rest"]
    pool: list[bytes] = []
    for p in patterns:
        pool += draw(lines_for(p))
    lines = draw(st.lists(st.sampled_from(pool + [b"", b"abc", b"a b"]), min_size=1, max_size=40))
    return words, b"".join(x + b"\n" for x in lines)


@settings(max_examples=150, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                 HealthCheck.filter_too_much])
@given(case=regex_scripts())
def test_random_regexes_same_as_s6_log(tmp_path_factory, case):
    script, data = case
    results = []
    for name, cmd in (("real", [REAL_S6LOG]), ("logd", LOGD)):
        root = tmp_path_factory.mktemp(name)
        (root / "input").write_bytes(data)
        try:
            proc = run(cmd, ["--"] + script, root, stdin=root / "input", timeout=60)
        except subprocess.TimeoutExpired:
            assert name == "real", script  # glibc is exponential on a few nestings; logd never
            reject()
        results.append((proc.returncode, proc.stdout, proc.stderr, logdir_files(root)))
    assert results[1] == results[0], script
