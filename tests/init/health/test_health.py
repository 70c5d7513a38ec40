"""``s6py health``: the verdict (assess.py, pure), what probe.py reads, the command's exit."""
from __future__ import annotations

import json
import os
import subprocess
import sys

from click.testing import CliRunner

from init.health import assess, probe
from init.health.cli import health
from init.supervise.status import READY, WANTUP, Status

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))


def svc(name="web", up=True, want=True, notifies=False, ready=False):
    return {"name": name, "supervised": True, "up": up, "want_up": want, "notifies": notifies,
            "ready": ready, "pid": 7 if up else 0}


def test_services_verdicts():
    assert assess.service_problems(svc()) == []
    assert assess.service_problems(svc(up=False)) == ["web: down, should be up"]
    assert assess.service_problems(svc(up=False, want=False)) == []  # s6-svc -d: as wanted
    assert assess.service_problems(svc(notifies=True)) == ["web: up but not ready"]
    assert assess.service_problems(svc(notifies=True, ready=True)) == []
    assert assess.service_problems({"name": "x", "supervised": False}) == ["x: not supervised"]


def test_logger_verdicts():
    ok = {"logdir": "/var/log/web", "state": "running", "alive": True, "pid": 9,
          "backlog": 10, "pipe_capacity": 65536, "held_bytes": 0}
    assert assess.logger_problems(ok) == []
    assert assess.logger_problems(dict(ok, alive=False)) == ["logger of /var/log/web: gone (pid 9)"]
    assert assess.logger_problems(dict(ok, alive=False, state="exited")) == []
    assert assess.logger_problems(dict(ok, backlog=65000)) == [
        "logger of /var/log/web: not keeping up (65000 of 65536 bytes waiting)"]
    assert assess.logger_problems(dict(ok, held_bytes=4096)) == [
        "logger of /var/log/web: holding 4096 bytes it cannot write"]


def test_report_totals_count_process_figures_once():
    lg = {"logdir": "/a", "state": "running", "alive": True, "pid": 9, "split": 3,
          "blocked_ms": 5, "write_retries": 1}
    report = assess.assess([svc()], [lg, dict(lg, logdir="/b", write_retries=2),
                                     {"program": "s6-socklog", "pid": 4, "truncated": 7,
                                      "alive": True, "state": "running"}])
    assert report["healthy"]
    assert report["totals"] == {"split": 3, "blocked_ms": 5, "write_retries": 3,
                                "truncated": 7, "processor_failures": 0}
    assert "healthy: 1/1 services up, 3 loggers running" in assess.render_text(report)
    bad = assess.assess(None, [])
    assert bad["problems"] == ["no supervision tree: /run/service is not a directory"]


LOCKER = ("import fcntl, sys, time\n"
          "fds = [open(p, 'a') for p in sys.argv[1:]]\n"
          "[fcntl.lockf(f, fcntl.LOCK_EX) for f in fds]\n"
          "print('locked', flush=True); time.sleep(60)\n")


def _service(scandir, name, flags, pid, notify=False) -> str:
    """A service directory as a supervisor leaves it; returns its lock file."""
    d = os.path.join(scandir, name)
    os.makedirs(os.path.join(d, "supervise"))
    with open(os.path.join(d, "supervise", "status"), "wb") as f:
        f.write(Status(1.0, 1.0, pid, 0, flags).pack())
    if notify:
        with open(os.path.join(d, "notification-fd"), "w") as f:
            f.write("3\n")
    return os.path.join(d, "supervise", "lock")


def supervisor(*locks: str) -> subprocess.Popen:
    """Another process holding the supervise locks (s6-svok's test: not ourselves)."""
    p = subprocess.Popen([sys.executable, "-c", LOCKER, *locks], stdout=subprocess.PIPE)
    assert p.stdout.readline() == b"locked\n"
    return p


def test_probe_reads_status_files_and_the_registry(tmp_path):
    scandir = tmp_path / "service"
    locker = supervisor(_service(str(scandir), "web", WANTUP | READY, 1234, notify=True),
                        _service(str(scandir / "web"), "log", WANTUP, 0),
                        _service(str(scandir), "idle", 0, 0))
    got = {s["name"]: s for s in probe.services(str(scandir))}
    assert set(got) == {"web", "web/log", "idle"}
    assert got["web"]["up"] and got["web"]["ready"] and got["web"]["notifies"]
    assert not got["web/log"]["up"] and got["web/log"]["want_up"]
    assert probe.services(str(tmp_path / "none")) is None
    # the registry: a live logger whose stdin is a pipe, and a dead one
    reg, logdir = tmp_path / "reg", tmp_path / "ld"
    reg.mkdir()
    logdir.mkdir()
    r, w = os.pipe()
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"], stdin=r)
    os.write(w, b"x" * 100)
    for name, pid in (("live", child.pid), ("dead", 2 ** 22 + 12345)):
        path = logdir / f"{name}.json"
        path.write_text(json.dumps({"pid": pid, "state": "running", "logdir": f"/{name}"}))
        os.symlink(path, reg / name)
    try:
        found = {lg["logdir"]: lg for lg in probe.loggers(str(reg))}
        assert found["/live"]["alive"] and found["/live"]["backlog"] == 100
        assert found["/live"]["pipe_capacity"] >= 4096
        assert not found["/dead"]["alive"]
    finally:
        for p in (child, locker):
            p.kill()
            p.wait()
        os.close(r)
        os.close(w)


def test_command_exit_codes(tmp_path):
    scandir = tmp_path / "service"
    locker = supervisor(_service(str(scandir), "web", WANTUP, 0))
    try:
        runner = CliRunner()
        r = runner.invoke(health, ["--scandir", str(scandir), "--registry", str(tmp_path)])
        assert r.exit_code == 1 and "web: down, should be up" in r.output
        r = runner.invoke(health, ["--json", "--scandir", str(scandir), "--registry",
                                   str(tmp_path)])
        assert r.exit_code == 1 and json.loads(r.output)["problems"] == [
            "web: down, should be up"]
    finally:
        locker.kill()
        locker.wait()
    proc = subprocess.run([sys.executable, "-m", "init.cli", "health", "--scandir",
                           str(tmp_path / "nothing")], capture_output=True, text=True,
                          env=dict(os.environ, PYTHONPATH=ROOT), cwd=ROOT)
    assert proc.returncode == 1 and "no supervision tree" in proc.stdout
