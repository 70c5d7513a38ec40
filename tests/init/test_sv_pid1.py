"""``python3 -m init.svscan`` as PID 1 of a PID namespace, file by file.

Each test sets up a service directory using one file of the format and
checks the behaviour supervision.md records for the real s6-supervise.
Times are only ever checked as lower bounds (a slow machine cannot make a
supervisor restart *earlier*); exact delays are unit-tested on a fake clock.
"""
from __future__ import annotations

import os
import time

import pytest

from tests.init.sv_ns import CAN_UNSHARE, HAVE_S6, Pid1, service, tool, wait_for, write

pytestmark = [pytest.mark.root,
              pytest.mark.skipif(not CAN_UNSHARE, reason="needs root and unshare")]


def read(path) -> str:
    try:
        with open(path) as f:
            return f.read()
    except FileNotFoundError:
        return ""


def test_run_gets_name_session_cwd_clean_process(tmp_path):
    scan = tmp_path / "scan"
    out = tmp_path / "out"
    service(scan, "svc", f"""#!/bin/sh
exec 2>&1
{{ echo "args=$*"; echo "pwd=$(pwd)"
  echo "stat=$(cut -d' ' -f1,5,6 /proc/$$/stat)"
  grep -E '^Sig(Ign|Blk)' /proc/$$/status
  echo "lc=${{LC_CTYPE-unset}}"
  echo "pid1=$(tr '\\0' ' ' < /proc/1/cmdline)"
}} > {out}.tmp
mv {out}.tmp {out}
exec sleep 100
""")
    with Pid1(scan, extra_env={"LANG": "C", "LC_ALL": "", "LC_CTYPE": ""}) as p:
        wait_for(lambda: read(out), "the run script's report")
        report = dict(line.split("=", 1) if "=" in line else line.split(":", 1)
                      for line in read(out).splitlines())
        assert report["args"] == "svc"
        assert report["pwd"] == str(scan / "svc")
        pid, pgid, sid = report["stat"].split()
        assert pid == pgid == sid                      # a new session, like s6-supervise
        assert int(report["SigIgn"].strip(), 16) == 0
        # the shell's own mask moves while it waits for grep: look at the exec'd sleep
        svc_proc = p.host_pids()[-1]
        st = dict(x.split(":", 1) for x in read(f"/proc/{svc_proc}/status").splitlines())
        assert st["Name"].strip() == "sleep"
        assert int(st["SigBlk"], 16) == 0 and int(st["SigIgn"], 16) == 0
        assert sorted(int(x) for x in os.listdir(f"/proc/{svc_proc}/fd")) == [0, 1, 2]
        assert "init.svscan" in report["pid1"]
        assert p.status("svc").startswith(f"up (pid {pid} pgid {pid}) ")


def test_run_is_not_given_lc_ctype_by_python(tmp_path):
    scan = tmp_path / "scan"
    out = tmp_path / "out"
    service(scan, "svc", f"#!/bin/sh\necho \"lc=${{LC_CTYPE-unset}}\" > {out}\nexec sleep 100\n")
    env = {k: v for k, v in os.environ.items() if not k.startswith("LC_")}
    env["LANG"] = "C"
    import subprocess

    from tests.init.sv_ns import ROOT
    env["PYTHONPATH"] = ROOT
    proc = subprocess.Popen(["unshare", "--pid", "--fork", "--mount", "--mount-proc",
                             "--kill-child", "env", "-u", "LC_ALL", "-u", "LC_CTYPE",
                             "python3", "-m", "init.svscan", str(scan)], env=env, cwd=ROOT)
    try:
        wait_for(lambda: read(out), "the report")
        assert read(out).strip() == "lc=unset"
    finally:
        tool("s6-svscanctl", "-t", str(scan))
        proc.wait(20)


def test_finish_gets_four_arguments_after_a_kill(tmp_path):
    scan = tmp_path / "scan"
    fin = tmp_path / "fin"
    service(scan, "svc", f"#!/bin/sh\necho $$ > {tmp_path}/pid\nexec sleep 100\n",
            finish=f"#!/bin/sh\necho \"$@\" >> {fin}\n")
    with Pid1(scan) as p:
        p.supervised("svc")
        wait_for(lambda: read(tmp_path / "pid"), "run")
        pid = read(tmp_path / "pid").strip()
        assert p.svc("svc", "-k").returncode == 0
        wait_for(lambda: read(fin), "finish")
        assert read(fin).split("\n")[0] == f"256 9 svc {pid}"


def test_finish_exit_125_stops_restarts(tmp_path):
    scan = tmp_path / "scan"
    service(scan, "svc", f"#!/bin/sh\necho x >> {tmp_path}/runs\nexit 7\n",
            finish="#!/bin/sh\nexit 125\n")
    with Pid1(scan) as p:
        p.supervised("svc")
        wait_for(lambda: "ready" in p.status("svc"), "finish to complete")
        line = p.status("svc")
        assert line.startswith("down (exitcode 7) ") and "normally up" in line
        assert "want up" not in line
        time.sleep(1.5)
        assert read(tmp_path / "runs") == "x\n"


def test_restart_delay_is_at_least_a_second(tmp_path):
    scan = tmp_path / "scan"
    log = tmp_path / "starts"
    service(scan, "svc", f"#!/bin/sh\ndate +%s.%N >> {log}\nexit 1\n")
    with Pid1(scan):
        wait_for(lambda: len(read(log).split()) >= 3, "three starts")
    t = [float(x) for x in read(log).split()]
    assert all(b - a >= 0.95 for a, b in zip(t, t[1:]))


def test_restart_delay_counts_from_the_end_of_finish(tmp_path):
    scan = tmp_path / "scan"
    log = tmp_path / "events"
    service(scan, "svc", f"#!/bin/sh\necho run $(date +%s.%N) >> {log}\nexit 1\n",
            finish=f"#!/bin/sh\nsleep 0.5\necho fin $(date +%s.%N) >> {log}\n")
    with Pid1(scan):
        wait_for(lambda: read(log).count("run") >= 2, "a restart")
    ev = [line.split() for line in read(log).splitlines()]
    assert [e[0] for e in ev[:3]] == ["run", "fin", "run"]
    assert float(ev[2][1]) - float(ev[1][1]) >= 0.95


def test_down_file_and_u(tmp_path):
    scan = tmp_path / "scan"
    service(scan, "svc", "#!/bin/sh\nexec sleep 100\n", down="")
    with Pid1(scan) as p:
        p.supervised("svc")
        assert p.status("svc") == "down (not started yet)"
        if HAVE_S6:   # s6 2.11 has no "not started yet"
            assert p.status("svc", real=True).startswith("down (exitcode 0) ")
        assert p.svc("svc", "-u").returncode == 0
        wait_for(lambda: p.status("svc").startswith("up "), "up")
        assert ", normally down" in p.status("svc")
        assert p.svc("svc", "-d").returncode == 0
        wait_for(lambda: p.status("svc").startswith("down (signal SIGTERM)"), "down")


def test_readiness_notification(tmp_path):
    scan = tmp_path / "scan"
    mark = tmp_path / "notified"
    service(scan, "svc", f"#!/bin/sh\nsleep 0.3\ntouch {mark}\necho >&3\nexec sleep 100\n",
            notification_fd="3\n")
    with Pid1(scan) as p:
        p.supervised("svc")
        r = tool("s6-svwait", "-U", "-t", "20000", str(scan / "svc"))
        assert r.returncode == 0
        assert mark.exists()          # ready only after the newline was written
        assert p.status("svc", "-o", "up,ready") == "true true"
        assert ", ready " in p.status("svc")


def test_no_notification_means_never_ready(tmp_path):
    scan = tmp_path / "scan"
    service(scan, "svc", "#!/bin/sh\nexec sleep 100\n")
    with Pid1(scan) as p:
        p.supervised("svc")
        wait_for(lambda: p.status("svc").startswith("up"), "up")
        assert tool("s6-svwait", "-U", "-t", "300", str(scan / "svc")).returncode == 99


def test_down_signal_and_timeout_kill(tmp_path):
    scan = tmp_path / "scan"
    service(scan, "svc", "#!/bin/sh\ntrap '' HUP TERM\nexec sleep 100\n",
            down_signal="SIGHUP\n", timeout_kill="300\n")
    with Pid1(scan) as p:
        p.supervised("svc")
        wait_for(lambda: p.status("svc").startswith("up"), "up")
        p.svc("svc", "-d")
        wait_for(lambda: p.status("svc").startswith("down"), "the SIGKILL escalation")
        assert p.status("svc").startswith("down (signal SIGKILL)")
        assert p.status("svc", "-o", "signal,signum,exitcode") == "SIGKILL 9 -1"


def test_timeout_finish(tmp_path):
    scan = tmp_path / "scan"
    service(scan, "svc", f"#!/bin/sh\necho x >> {tmp_path}/runs\nexit 0\n",
            finish="#!/bin/sh\nexec sleep 100\n", timeout_finish="300\n")
    with Pid1(scan) as p:
        wait_for(lambda: read(tmp_path / "runs").count("x") >= 2, "a restart after finish was killed")
        assert ("s6-supervise svc: warning: finish script lifetime reached maximum value - "
                "sending it a SIGKILL") in p.stderr()


def test_max_death_tally(tmp_path):
    scan = tmp_path / "scan"
    service(scan, "svc", f"#!/bin/sh\necho x >> {tmp_path}/runs\nexit 3\n", max_death_tally="2\n")
    with Pid1(scan):
        wait_for(lambda: read(tmp_path / "runs").count("x") >= 4, "four deaths")
        tally = (scan / "svc" / "supervise" / "death_tally").read_bytes()
    assert len(tally) == 28 and tally[12] == 3 and tally[26] == 3


def test_log_subdirectory_gets_the_pipe(tmp_path):
    scan = tmp_path / "scan"
    out = tmp_path / "logged"
    service(scan, "svc", "#!/bin/sh\ni=0\nwhile [ $i -lt 30 ]; do i=$((i+1)); echo line $i; "
                         "sleep 0.05; done\nexec sleep 100\n")
    service(scan, "svc/log", f"#!/bin/sh\nexec cat >> {out}\n")
    with Pid1(scan) as p:
        p.supervised("svc/log")
        time.sleep(0.3)
        p.svc("svc/log", "-k")
        time.sleep(0.3)
        p.svc("svc/log", "-k")
        wait_for(lambda: "line 30\n" in read(out), "the last line")
    assert read(out) == "".join(f"line {i}\n" for i in range(1, 31))


def test_orphans_are_reaped(tmp_path):
    scan = tmp_path / "scan"
    service(scan, "svc", "#!/bin/sh\n( sleep 0.2 & )\n( sleep 0.3 & )\nexec sleep 100\n")
    with Pid1(scan) as p:
        p.supervised("svc")
        time.sleep(0.6)
        wait_for(lambda: not p.zombies(), "orphans to be reaped")
        assert len(p.host_pids()) == 2       # PID 1 and the service: the orphans are gone


def test_scan_rescan_and_prune(tmp_path):
    scan = tmp_path / "scan"
    service(scan, "a", "#!/bin/sh\nexec sleep 100\n")
    with Pid1(scan) as p:
        p.supervised("a")
        service(scan, "b", "#!/bin/sh\nexec sleep 100\n")
        assert tool("s6-svscanctl", "-a", str(scan)).returncode == 0
        p.supervised("b")
        os.rename(scan / "b", tmp_path / "b-gone")
        assert tool("s6-svscanctl", "-an", str(scan)).returncode == 0
        wait_for(lambda: tool("s6-svok", str(tmp_path / "b-gone")).returncode == 1,
                 "the pruned service's supervision to end")
        assert p.status("a").startswith("up")


def test_finish_script_of_the_scan_dir_gives_the_exit_code(tmp_path):
    scan = tmp_path / "scan"
    service(scan, "a", "#!/bin/sh\nexec sleep 100\n")
    write(scan / ".s6-svscan" / "finish", "#!/bin/sh\nexit 42\n", 0o755)
    with Pid1(scan) as p:
        p.supervised("a")
        assert p.stop() == 42


def test_signal_scripts_replace_the_default(tmp_path):
    scan = tmp_path / "scan"
    service(scan, "a", "#!/bin/sh\nexec sleep 100\n")
    write(scan / ".s6-svscan" / "SIGTERM", f"#!/bin/sh\ntouch {tmp_path}/got-term\n", 0o755)
    with Pid1(scan) as p:
        p.supervised("a")
        init = p.host_pids()[0]
        os.kill(init, 15)
        wait_for(lambda: (tmp_path / "got-term").exists(), "the SIGTERM script")
        assert p.proc.poll() is None        # still running: the script replaced the default
        assert p.status("a").startswith("up")


def test_sigterm_without_script_terminates(tmp_path):
    scan = tmp_path / "scan"
    service(scan, "a", "#!/bin/sh\nexec sleep 100\n")
    with Pid1(scan) as p:
        p.supervised("a")
        os.kill(p.host_pids()[0], 15)
        p.proc.wait(20)
        assert p.proc.returncode == 0


def test_second_instance_is_refused(tmp_path):
    scan = tmp_path / "scan"
    scan.mkdir()
    with Pid1(scan):
        import subprocess
        import sys

        from tests.init.sv_ns import ROOT, env
        r = subprocess.run([sys.executable, "-m", "init.svscan", str(scan)], capture_output=True,
                           text=True, env=env(), cwd=ROOT, timeout=20)
        assert r.returncode == 100
        assert "another instance of s6-svscan is already running" in r.stderr


def test_supervision_comes_back_after_x(tmp_path):
    scan = tmp_path / "scan"
    service(scan, "svc", f"#!/bin/sh\necho x >> {tmp_path}/runs\nexec sleep 100\n")
    with Pid1(scan) as p:
        p.supervised("svc")
        wait_for(lambda: read(tmp_path / "runs") == "x\n", "the first run")
        assert p.svc("svc", "-xd").returncode == 0
        # s6-svscan respawns a supervisor that exited while its service is still
        # in the scan directory: the service starts again
        wait_for(lambda: read(tmp_path / "runs") == "x\nx\n", "supervision to come back")
        assert p.status("svc").startswith("up")


def test_producer_restarts_do_not_close_the_loggers_pipe(tmp_path):
    scan = tmp_path / "scan"
    out = tmp_path / "logged"
    service(scan, "svc", "#!/bin/sh\necho line\nexit 0\n")
    service(scan, "svc/log", f"#!/bin/sh\nexec cat >> {out}\n")
    with Pid1(scan) as p:
        p.supervised("svc/log")
        wait_for(lambda: p.status("svc/log").startswith("up"), "the logger")
        logger_pid = p.status("svc/log", "-o", "pid")
        wait_for(lambda: read(out).count("line") >= 3, "three runs of the producer")
        # cat never saw EOF: PID 1 holds the write end between producer runs
        assert p.status("svc/log", "-o", "pid") == logger_pid
