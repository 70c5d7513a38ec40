"""The shared syslogd conformance suite (recorded from the real s6-socklog
and s6-log) against ``python3 -m syslogd``, alone and piped into the
logger (``python3 -m logd`` unless S6PY_SYSLOGD_LOGGER says otherwise)."""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys

import pytest

from .helpers import SHARED, env, logger_command

RUNNER = SHARED / "conformance" / "syslogd-run"
CASES = SHARED / "conformance" / "syslogd"

pytestmark = pytest.mark.skipif(not RUNNER.exists(), reason="../shared/conformance not present")


def run_suite(*extra: str) -> str:
    args = [sys.executable, str(RUNNER), "--socklog", "%s -m syslogd" % sys.executable,
            *extra, str(CASES)]
    p = subprocess.run(args, capture_output=True, text=True, env=env(), timeout=900)
    return p.stdout + p.stderr


def check(out: str) -> None:
    m = re.search(r"^(\d+) passed, (\d+) failed$", out, re.M)
    assert m, out
    n_cases = sum(1 for d in os.listdir(CASES) if (CASES / d / "case.json").exists())
    assert (int(m.group(1)), int(m.group(2))) == (n_cases, 0), out


def test_every_case_passes():
    check(run_suite())


@pytest.mark.slow
def test_every_case_passes_through_the_logger():
    out = run_suite("--log", shlex.join(logger_command()))
    check(out)
    assert "s6-socklog side only" not in out
