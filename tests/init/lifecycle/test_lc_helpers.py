"""The helper programs run directly: printcontenv, with-retries, logutil-newfifo,
logutil-service's errors, halt & co, and PID 1's forked calls (init.spawn.fork_call)."""
from __future__ import annotations

import os
import stat
import subprocess
import sys
import time

import pytest

from init import spawn
from init.helpers import hpr

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))


def helper(module: str, *args: str, env: dict | None = None, **kw) -> subprocess.CompletedProcess:
    e = {"PATH": os.environ["PATH"], "PYTHONPATH": ROOT}
    e.update(env or {})
    mod, func = module.split(":")
    code = f"import sys; from {mod} import {func}; sys.exit({func}(sys.argv[1:]))"
    return subprocess.run([sys.executable, "-c", code, *args], capture_output=True, env=e,
                          cwd=ROOT, timeout=60, **kw)


def test_printcontenv(tmp_path):
    d = tmp_path / "ce"
    from init import contenv
    contenv.dump({"A": "va", "E": ""}, str(d))
    env = {"S6PY_CONTAINER_ENV_DIR": str(d)}
    r = helper("init.helpers.printcontenv:main", "A", env=env)
    assert (r.returncode, r.stdout) == (0, b"va\n\n")
    r = helper("init.helpers.printcontenv:main", "E", env=env)
    assert (r.returncode, r.stdout) == (0, b"\n\n")
    r = helper("init.helpers.printcontenv:main", "NOPE", env=env)
    sh = subprocess.run(["/bin/sh", "-c", "true </nonexistent/x"], capture_output=True).returncode
    assert (r.returncode, r.stdout, r.stderr) == (sh, b"", b"")   # as s6-overlay's sh script
    r = helper("init.helpers.printcontenv:main", env=env)
    assert (r.returncode, r.stderr) == (100, b"printcontenv: fatal: too few arguments\n")
    keep = {"S6_KEEP_ENV": "1", "A": "own", "E": ""}
    assert helper("init.helpers.printcontenv:main", "A", env=keep).stdout == b"own\n"
    r = helper("init.helpers.printcontenv:main", "E", env=keep)
    assert (r.returncode, r.stdout) == (1, b"")


def test_with_retries(tmp_path):
    count = tmp_path / "count"
    prog = f"echo x >> {count}; test $(wc -l < {count}) -ge 2"
    r = helper("init.helpers.with_retries:main", "sh", "-c", prog)
    assert r.returncode == 0 and count.read_text() == "x\nx\n"       # second try succeeded
    count.unlink()
    r = helper("init.helpers.with_retries:main", "-n", "4", "sh", "-c", f"echo x >> {count}; exit 1")
    assert r.returncode == 1 and count.read_text().count("x") == 4
    assert helper("init.helpers.with_retries:main", "-n", "0", "true").returncode == 1
    t0 = time.monotonic()
    r = helper("init.helpers.with_retries:main", "-n", "2", "-t", "100", "sleep", "30")
    assert r.returncode == 1 and time.monotonic() - t0 < 25    # each try SIGTERMed
    r = helper("init.helpers.with_retries:main", "-n", "x", "true")   # the script's s6-seq 0 x
    assert (r.returncode, r.stderr) == (1, b"s6-seq: usage: s6-seq [ -w ] [ -s separator ] limits\n")
    assert helper("init.helpers.with_retries:main", "-n", "1", "no-such-program").returncode == 1


@pytest.mark.root
def test_logutil_newfifo(tmp_path):
    fifo = tmp_path / "f"
    fifo.write_text("old")
    r = helper("init.helpers.logutil_newfifo:main", "-m", "0620", "-o", "nobody", str(fifo))
    assert r.returncode == 0, r.stderr
    assert b"logutil-newfifo: warning: this binary is deprecated" in r.stderr
    st = os.stat(fifo)
    assert stat.S_ISFIFO(st.st_mode) and st.st_mode & 0o777 == 0o620
    assert st.st_uid == 65534
    r = helper("init.helpers.logutil_newfifo:main", str(fifo))
    assert r.returncode == 0 and os.stat(fifo).st_mode & 0o777 == 0o600
    assert os.stat(fifo).st_uid == 0
    assert helper("init.helpers.logutil_newfifo:main").returncode == 1


def test_logutil_service_usage():
    """As s6-overlay's script: no logdir is a silent exit 1 (``if { eltest ${#} -ge 1 }``)."""
    r = helper("init.helpers.logutil_service:main")
    assert (r.returncode, r.stderr) == (1, b"")


def test_halt_poweroff_reboot_write_one_letter(tmp_path):
    fifo = str(tmp_path / "fifo")
    os.mkfifo(fifo, 0o600)
    fd = os.open(fifo, os.O_RDWR | os.O_NONBLOCK)
    try:
        env = {"S6PY_SHUTDOWN_FIFO": fifo}
        for name, letter in (("halt", b"h"), ("poweroff", b"p"), ("reboot", b"r")):
            assert helper(f"init.helpers.hpr:{name}", env=env).returncode == 0
            assert os.read(fd, 10) == letter
        assert helper("init.helpers.hpr:halt", "-r", env=env).returncode == 0
        assert os.read(fd, 10) == b"r"
        assert helper("init.helpers.hpr:shutdown", "-p", "now", env=env).returncode == 0
        assert os.read(fd, 10) == b"p"
        assert helper("init.helpers.hpr:shutdown", "soon", env=env).returncode == 100
    finally:
        os.close(fd)
    # nobody listens: an error, not a hang
    r = helper("init.helpers.hpr:halt", env={"S6PY_SHUTDOWN_FIFO": fifo})
    assert r.returncode == 100 and b"unable to talk to shutdownd" in r.stderr
    assert hpr.FIFO == "/run/s6/basedir/shutdownd.fifo"


def test_fork_call_gives_a_clean_child(tmp_path):
    import signal
    out = tmp_path / "out"
    fd = os.open(str(out), os.O_WRONLY | os.O_CREAT, 0o644)
    leak = os.open(os.devnull, os.O_RDONLY)   # close-on-exec by default: must not survive
    os.set_inheritable(leak, True)
    old = signal.signal(signal.SIGUSR1, lambda *_: None)
    try:
        pid = spawn.fork_call("tests.init.lifecycle.forked:report", ["report", "a", "b"],
                              cwd=str(tmp_path), fds={1: fd}, env={"PATH": "/bin", "X": "1"})
        _, status = os.waitpid(pid, 0)
    finally:
        signal.signal(signal.SIGUSR1, old)
        os.close(fd)
        os.close(leak)
    assert os.waitstatus_to_exitcode(status) == 7
    lines = dict(line.split("=", 1) for line in out.read_text().splitlines())
    assert lines["argv"] == "['report', 'a', 'b']"
    assert lines["cwd"] == str(tmp_path)
    assert lines["env"] == "PATH=/bin X=1"
    assert lines["fds"] == "0 1 2"
    assert lines["usr1"] == "default" and lines["sid"] == "leader"
