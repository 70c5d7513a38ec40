"""bench/check.py: the routing script and over-limit lines land in every
logdir exactly as with s6-log (line counts per logdir, same input)."""
from __future__ import annotations

import subprocess
import sys

import pytest

from .conftest import REAL_S6LOG, REPO, env


@pytest.mark.slow
@pytest.mark.skipif(not REAL_S6LOG, reason="real s6-log not installed")
@pytest.mark.parametrize("scenario", ["route", "overlimit"])
def test_same_lines_per_logdir_as_s6_log(scenario, tmp_path):
    proc = subprocess.run(
        [sys.executable, str(REPO / "bench" / "check.py"), "--scenario", scenario,
         "--size-mb", "2", "--root", str(tmp_path), "s6-log", f"{sys.executable} -m logd"],
        capture_output=True, text=True, env=env(), timeout=600)
    assert proc.returncode == 0, proc.stderr
    rows = [ln.split() for ln in proc.stdout.splitlines()
            if ln and not ln.startswith(("#", "input:", "logdir"))]
    assert rows, proc.stdout
    for row in rows:
        assert "<-" not in row, proc.stdout
        assert row[1] == row[2], proc.stdout
