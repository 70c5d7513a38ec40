"""The shared differential suite, recorded from the real s6-log, against logd."""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys

import pytest

from .conftest import SHARED, env

RUNNER = SHARED / "conformance" / "run"
CASES = SHARED / "conformance" / "logd"

# Recorded from s6 2.11, which drops a partial last line at EOF.  The case's
# input ends with one ("nonl"), so DECISIONS.md #19 (keep it, completed with
# a newline; pinned by eof_partial_line_kept) makes exactly that line differ.
KEEPS_PARTIAL_LAST_LINE = "nul_terminates_line"

pytestmark = pytest.mark.skipif(not RUNNER.exists(), reason="../shared/conformance not present")


def run_suite(*only: str) -> str:
    args = [sys.executable, str(RUNNER), "--cmd", f"{sys.executable} -m logd", str(CASES)]
    for name in only:
        args += ["--only", name]
    proc = subprocess.run(args, capture_output=True, text=True, env=env(), timeout=900)
    return proc.stdout + proc.stderr


@pytest.mark.slow
def test_every_case_passes():
    names = sorted(n for n in os.listdir(CASES) if n != KEEPS_PARTIAL_LAST_LINE)
    out = run_suite(*names)
    summary = re.search(r"^(\d+) passed, (\d+) failed$", out, re.M)
    assert summary, out
    assert summary.group(2) == "0", out
    assert int(summary.group(1)) + out.count("SKIP ") == len(names), out


def test_nul_case_differs_only_by_the_kept_last_line(tmp_path):
    args = [sys.executable, str(RUNNER), "--cmd", f"{sys.executable} -m logd", str(CASES),
            "--only", KEEPS_PARTIAL_LAST_LINE, "--out", str(tmp_path)]
    subprocess.run(args, capture_output=True, env=env(), timeout=120)
    actual = json.loads((tmp_path / f"{KEEPS_PARTIAL_LAST_LINE}.json").read_text())
    expected = json.loads((CASES / KEEPS_PARTIAL_LAST_LINE / "expected.json").read_text())
    current = actual["files"]["log/current"]
    assert current["content"][-2:] == ["@TAI64N nonl", ""]
    kept = len("@") + 24 + len(" nonl\n")
    current["content"][-2:] = [""]
    current["size"] -= kept
    assert actual == expected
