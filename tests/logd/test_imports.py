"""Start-up cost: a logger start imports only what its script needs."""
from __future__ import annotations

import subprocess
import sys

from .conftest import REPO

HEAVY = {"click", "typing", "enum", "dataclasses", "inspect", "subprocess", "shutil",
         "watchdog", "dateutil", "aiofiles", "asyncio", "logging"}


def imported(args: list[str], stdin: bytes, cwd) -> set[str]:
    proc = subprocess.run([sys.executable, "-S", "-X", "importtime", "-c",
                           "import sys; sys.path.insert(0, %r); from logd.main import main; "
                           "sys.exit(main(sys.argv[1:]))" % str(REPO)] + args,
                          input=stdin, capture_output=True, cwd=cwd, timeout=30)
    assert proc.returncode == 0, proc.stderr
    names = set()
    for line in proc.stderr.decode().splitlines():
        if line.startswith("import time:") and "|" in line:
            names.add(line.rsplit("|", 1)[1].strip())
    return names


def test_plain_logdir_script_stays_light(tmp_path):
    names = imported(["-b", "--", "n20", "s1000000", "T", "./log"], b"x\n", tmp_path)
    assert "logd.loop" in names  # the check sees logd's own imports
    assert not names & HEAVY
    assert not names & {"re", "logd.ere", "logd.processor", "logd.heap"}
    # stdin is a pipe: tee(2) through ctypes, so a SIGKILL loses nothing (peek.py)
    assert {"ctypes", "logd.peek"} <= names


def test_regexes_and_processors_load_only_when_used(tmp_path):
    names = imported(["-", "+^a", "?cat", "./log"], b"a\n", tmp_path)
    assert {"re", "logd.ere"} <= names
    assert "logd.processor" not in names  # no rotation happened
    assert not names & (HEAVY - {"enum"})  # re itself needs enum
