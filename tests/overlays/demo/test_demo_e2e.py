"""``s6py demo`` for real: one command boots the example, stops it and finds every log.

Runs the umbrella command (``init.cli:main demo``, so the registration is
tested too) with ``TMPDIR`` pointing at a test directory, then checks the
content of its output and that it left nothing behind.
"""
from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest

from tests.init.sandbox.helpers import ROOT, env, host_mounts, processes_with, require_sandbox

pytestmark = pytest.mark.root
S6PY = [sys.executable, "-c", "from init.cli import main; main()"]
STAMP = r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{9}"


def s6py_demo(tmpdir: str, *args: str, timeout: float = 120) -> subprocess.CompletedProcess:
    e = env()
    e["TMPDIR"] = tmpdir
    return subprocess.run(S6PY + ["demo"] + list(args), capture_output=True, text=True,
                          timeout=timeout, env=e, cwd=ROOT)


def section(out: str, title: str) -> list[str]:
    """The lines after the ``== title...`` header, up to the next header."""
    lines = out.splitlines()
    start = next(i for i, ln in enumerate(lines) if ln.startswith("== " + title))
    end = next((i for i in range(start + 1, len(lines)) if lines[i].startswith("== ")),
               len(lines))
    return lines[start + 1:end]


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    require_sandbox()
    tmp = tmp_path_factory.mktemp("demo-tmp")
    p = s6py_demo(str(tmp))
    return p, str(tmp)


@pytest.mark.slow
def test_the_demo_works_and_says_so(demo):
    p, _tmp = demo
    assert p.returncode == 0, p.stdout + p.stderr
    assert p.stderr == ""
    done = re.search(r"^== done in ([\d.]+) s: the container booted", p.stdout, re.M)
    assert done and float(done.group(1)) < 60, p.stdout


@pytest.mark.slow
def test_the_process_tree_has_init_as_pid_1_and_the_services(demo):
    tree = section(demo[0].stdout, "process tree")
    assert re.match(r"^\s+1\s+root\s+/init python3 /app/cmd.py", tree[1]), tree
    text = "\n".join(tree)
    assert re.search(r"\bnobody\s+├─ python3 /app/web.py --ready-fd 3  <- service web$", text,
                     re.M), text
    assert "<- service web-log" in text and "<- service syslogd" in text
    assert "<- this CMD" in text


@pytest.mark.slow
def test_the_web_service_answered_and_was_restarted(demo):
    lines = section(demo[0].stdout, "exercising the web service")
    text = "\n".join(lines)
    pids = re.findall(r"hello from web \(pid (\d+), user nobody\)", text)
    assert len(pids) == 2 and pids[0] != pids[1], text
    assert re.search(rf"pid {pids[0]} -> {pids[1]}", text)
    assert re.search(r"GET /nope\s+-> 404", text)


@pytest.mark.slow
def test_request_lines_are_in_the_web_logdir_with_decoded_stamps(demo):
    lines = section(demo[0].stdout, "logs")
    web = lines[lines.index(next(ln for ln in lines if "/var/log/web" in ln)):]
    raw = next(ln for ln in web if "on disk:" in ln)
    assert re.search(r"on disk: @4000[0-9a-f]{20} web: listening on", raw), raw
    requests = [ln for ln in web if re.match(rf'^\s+{STAMP} web: 127\.0\.0\.1 "GET / HTTP/1\.1" 200',
                                             ln)]
    assert len(requests) == 2, "\n".join(web)
    assert any(re.match(rf"^\s+{STAMP} web: SIGTERM received, stopping$", ln) for ln in web)


@pytest.mark.slow
def test_the_syslog_messages_landed_in_their_logdirs(demo):
    lines = section(demo[0].stdout, "logs")
    i = next(i for i, ln in enumerate(lines)
             if re.match(rf"^\s+{STAMP} user\.notice: .*demo-cmd: hello from the CMD through "
                         r"syslog\(3\)$", ln))
    assert lines[i + 1].strip() == "-> everything, messages, user"
    j = next(i for i, ln in enumerate(lines) if "daemon.err: " in ln and "demo-cmd" in ln)
    assert lines[j + 1].strip() == "-> daemon, errors, everything"


@pytest.mark.slow
def test_the_catch_all_holds_the_legacy_scripts_output(demo):
    lines = section(demo[0].stdout, "logs")
    assert any(re.match(rf"^\s+{STAMP} cont-init\.d/10-hello: runs once at boot", ln)
               for ln in lines)
    assert any(re.match(rf"^\s+{STAMP} heartbeat: 1$", ln) for ln in lines)


@pytest.mark.slow
def test_the_printed_exit_code_is_the_cmds(demo):
    out = demo[0].stdout
    said = re.search(r"CMD: SIGTERM received: (\d+)/(\d+) checks passed; exiting (\d+)$", out,
                     re.M)
    assert said and said.group(1) == said.group(2), out
    stop = section(out, "stopping")
    printed = [int(m.group(1)) for ln in stop if (m := re.match(r"^\s+exit code: (\d+)$", ln))]
    assert printed == [int(said.group(3))] == [0]


@pytest.mark.slow
def test_nothing_is_left_behind(demo):
    _p, tmp = demo
    assert os.listdir(tmp) == []
    assert processes_with(tmp) == []
    assert not [m for m in host_mounts() if tmp in m]


@pytest.mark.slow
def test_keep_leaves_the_tarballs_and_the_logs(tmp_path):
    require_sandbox()
    keep = tmp_path / "kept"
    p = s6py_demo(str(tmp_path), "--keep", str(keep))
    assert p.returncode == 0, p.stdout + p.stderr
    assert f"== kept in {keep}" in p.stdout
    names = sorted(os.listdir(keep / "dist"))
    assert names == sorted([n + s for n in ("s6py-overlay-noarch.tar.xz",
                                            "s6py-overlay-symlinks-noarch.tar.xz",
                                            "syslogd-overlay-noarch.tar.xz")
                            for s in ("", ".sha256")] + ["s6py-overlay-manifest.json"])
    with open(keep / "log" / "web" / "current") as f:
        current = f.read()
    assert re.search(r'^@4000[0-9a-f]{20} web: 127\.0\.0\.1 "GET /health HTTP/1\.1" 200', current,
                     re.M), current
    with open(keep / "log" / "syslogd" / "user" / "current") as f:
        assert "demo-cmd: hello from the CMD through syslog(3)" in f.read()
    assert os.stat(keep / "log" / "web").st_uid == 65534  # web-log-prepare's chown nobody
    assert os.path.exists(keep / "uncaught-logs" / "current")


def test_keep_refuses_a_directory_that_is_not_empty(tmp_path):
    (tmp_path / "x").write_text("mine\n")
    p = s6py_demo(str(tmp_path), "--keep", str(tmp_path), timeout=60)
    if p.returncode == 111:
        pytest.skip(p.stderr)  # a machine that cannot run the demo says so first
    assert p.returncode == 100, p.stderr
    assert p.stderr == f"s6py demo: fatal: --keep {tmp_path}: not empty\n"
    assert sorted(os.listdir(tmp_path)) == ["x"]
