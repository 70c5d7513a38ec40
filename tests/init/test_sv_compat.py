"""Our control files speak s6's protocol: the installed s6-svc, s6-svstat,
s6-svwait and s6-svok drive our supervisor, and our tools drive the real
s6-supervise, with the same results."""
from __future__ import annotations

import re

import pytest

from tests.init.sv_ns import CAN_UNSHARE, HAVE_S6, REAL, Pid1, service, tool, wait_for

pytestmark = [pytest.mark.root,
              pytest.mark.skipif(not (CAN_UNSHARE and HAVE_S6), reason="needs root, unshare, s6")]

ONE_LINE_NOTIFY = "#!/bin/sh\nsleep 0.2\necho >&3\nexec sleep 100\n"


def norm(line: str) -> str:
    """2.15's 'pid P pgid P' -> 2.11's 'pid P'; durations may differ by a second."""
    line = re.sub(r"pid (\d+) pgid \d+", r"pid \1", line)
    return re.sub(r"\d+ seconds", "N seconds", line)


def both_status(p: Pid1, name: str, *opts: str) -> tuple[str, str]:
    """Ours and the real s6-svstat on the same status file.  A crash-looping
    service may change state between the two reads: read again, a few times."""
    for _ in range(5):
        ours, real = p.status(name, *opts), p.status(name, *opts, real=True)
        if norm(ours) == norm(real):
            break
    return ours, real


@pytest.mark.parametrize("supervisor", ["ours", "real"])
def test_status_lines_agree(tmp_path, supervisor):
    scan = tmp_path / "scan"
    service(scan, "svc", ONE_LINE_NOTIFY, notification_fd="3\n")
    service(scan, "crash", "#!/bin/sh\nexit 3\n")
    service(scan, "quiet", "#!/bin/sh\nexec sleep 100\n", down="")
    argv = None if supervisor == "ours" else REAL
    with Pid1(scan, argv=argv) as p:
        for name in ("svc", "crash", "quiet"):
            p.supervised(name)
        d = str(scan / "svc")
        assert tool("s6-svwait", "-U", "-t", "20000", d, real=True).returncode == 0
        ours, real = both_status(p, "svc")
        assert norm(ours) == norm(real) and ", ready " in real
        fields = "up,wantedup,normallyup,ready,paused,pid,exitcode,signal,signum"
        assert both_status(p, "svc", "-o", fields)[0] == both_status(p, "svc", "-o", fields)[1]
        assert p.svc("svc", "-p", real=True).returncode == 0
        wait_for(lambda: "paused" in p.status("svc"), "paused")
        assert norm(p.status("svc")) == norm(p.status("svc", real=True))
        p.svc("svc", "-c")
        wait_for(lambda: "ready" in p.status("crash") and "want up" in p.status("crash"),
                 "the crash loop")
        ours, real = both_status(p, "crash")
        assert norm(ours) == norm(real)
        assert real.startswith("down (exitcode 3)")
        assert p.svc("svc", "-wD", "-T", "20000", "-d", real=True).returncode == 0
        ours, real = both_status(p, "svc")
        assert norm(ours) == norm(real) and real.startswith("down (signal SIGTERM)")
        assert both_status(p, "svc", "-pes")[0] == both_status(p, "svc", "-pes")[1] == "-1 -1 SIGTERM"
        assert p.svc("quiet", "-u", real=True).returncode == 0
        wait_for(lambda: p.status("quiet").startswith("up"), "quiet up")
        ours, real = both_status(p, "quiet")
        assert norm(ours) == norm(real) and ", normally down" in real


@pytest.mark.parametrize("real_tools", [True, False])
def test_svc_waits_on_our_supervisor(tmp_path, real_tools):
    scan = tmp_path / "scan"
    service(scan, "svc", ONE_LINE_NOTIFY, notification_fd="3\n", down="")
    with Pid1(scan) as p:
        p.supervised("svc")
        r = p.svc("svc", "-wU", "-T", "20000", "-u", real=real_tools)
        assert r.returncode == 0, r.stderr
        assert p.status("svc", "-o", "up,ready") == "true true"
        r = p.svc("svc", "-wr", "-T", "20000", "-t", real=real_tools)
        assert r.returncode == 0, r.stderr
        r = p.svc("svc", "-wD", "-T", "20000", "-d", real=real_tools)
        assert r.returncode == 0, r.stderr
        assert p.status("svc", "-o", "up") == "false"
        r = tool("s6-svwait", "-u", "-t", "300", str(scan / "svc"), real=real_tools)
        assert r.returncode == 99 and "timed out" in r.stderr


@pytest.mark.parametrize("real_tools", [True, False])
def test_svwait_any_and_all(tmp_path, real_tools):
    scan = tmp_path / "scan"
    service(scan, "a", "#!/bin/sh\nexec sleep 100\n")
    service(scan, "b", "#!/bin/sh\nexec sleep 100\n", down="")
    with Pid1(scan) as p:
        p.supervised("a")
        p.supervised("b")
        dirs = [str(scan / "a"), str(scan / "b")]
        assert tool("s6-svwait", "-o", "-u", "-t", "20000", *dirs, real=real_tools).returncode == 0
        assert tool("s6-svwait", "-a", "-u", "-t", "300", *dirs, real=real_tools).returncode == 99
        assert tool("s6-svwait", "-o", "-d", "-t", "20000", *dirs, real=real_tools).returncode == 0


@pytest.mark.parametrize("real_tools", [True, False])
def test_permanent_failure_ends_the_wait(tmp_path, real_tools):
    scan = tmp_path / "scan"
    service(scan, "svc", "#!/bin/sh\nsleep 0.3\nexit 1\n", finish="#!/bin/sh\nexit 125\n",
            notification_fd="3\n", down="")
    with Pid1(scan) as p:
        p.supervised("svc")
        r = tool("s6-svc", "-wU", "-T", "20000", "-u", str(scan / "svc"), real=real_tools)
        assert r.returncode == 1, r.stderr


@pytest.mark.parametrize("supervisor", ["ours", "real"])
def test_svok(tmp_path, supervisor):
    scan = tmp_path / "scan"
    service(scan, "svc", "#!/bin/sh\nexec sleep 100\n")
    argv = None if supervisor == "ours" else REAL
    with Pid1(scan, argv=argv) as p:
        p.supervised("svc")
        for real in (True, False):
            assert tool("s6-svok", str(scan / "svc"), real=real).returncode == 0
        p.stop()
    for real in (True, False):
        assert tool("s6-svok", str(scan / "svc"), real=real).returncode == 1
        r = tool("s6-svstat", str(scan / "svc"), real=real)
        assert r.returncode == 1 and "s6-supervise not running" in r.stderr


def test_not_supervised_messages(tmp_path):
    d = tmp_path / "svc"
    d.mkdir()
    r = tool("s6-svc", "-u", str(d))
    assert r.returncode == 111 and "unable to control" in r.stderr
    (d / "supervise").mkdir()
    import os
    os.mkfifo(d / "supervise" / "control")
    r = tool("s6-svc", "-u", str(d))
    assert r.returncode == 102 and "supervisor not listening" in r.stderr
    assert tool("s6-svscanctl", "-a", str(tmp_path)).returncode == 111


def test_our_svc_without_notification_fd_warns_for_wU(tmp_path):
    scan = tmp_path / "scan"
    service(scan, "svc", "#!/bin/sh\nexec sleep 100\n", down="")
    with Pid1(scan) as p:
        p.supervised("svc")
        r = p.svc("svc", "-wU", "-T", "20000", "-u")
        assert r.returncode == 0
        assert "notification-fd not present - ignoring request for readiness notification" in r.stderr
