"""The service database end to end: compile, s6-rc-init into a running
supervisor (PID 1 of a namespace), ``s6-rc change`` up and down over a
generated dependency graph of real processes, and check the order recorded
by the services themselves."""
from __future__ import annotations

import os
import random
import subprocess

import pytest

from init.rc.compile_cli import compile_sources
from init.rc.compiled import load
from tests.init.sv_ns import CAN_UNSHARE, ROOT, Pid1, env, tool, wait_for
from tests.init.test_rc_compile import longrun, make, oneshot

pytestmark = [pytest.mark.root,
              pytest.mark.skipif(not CAN_UNSHARE, reason="needs root and unshare")]

N = 60


def recorder(tmp_path) -> tuple[str, str]:
    log = str(tmp_path / "events")
    rec = str(tmp_path / "rec")
    with open(rec, "w") as f:
        f.write(f'#!/bin/sh\necho "$2 $1" >> {log}\n')
    os.chmod(rec, 0o755)
    return rec, log


def graph_spec(tmp_path, rec: str, seed: int = 7) -> dict:
    rnd = random.Random(seed)
    spec = {}
    for i in range(N):
        name = f"s{i:02d}"
        deps = {f"s{rnd.randrange(i):02d}" for _ in range(rnd.randint(0, 3))} if i else set()
        extra = {f"dependencies.d/{d}": "" for d in deps}
        if rnd.random() < 0.5:
            up = (f"foreground {{ {rec} {name} start }} foreground {{ sleep 0.0{rnd.randint(1, 9)} }} "
                  f"{rec} {name} ready\n")
            down = f"foreground {{ {rec} {name} stopping }} {rec} {name} down\n"
            spec[name] = oneshot(up=up, down=down, **extra)
        else:
            run = f"""#!/bin/sh
trap '{rec} {name} term; exit 0' TERM
{rec} {name} start
sleep 0.0{rnd.randint(1, 9)}
{rec} {name} ready
echo >&3
while :; do sleep 1 & wait $!; done
"""
            spec[name] = longrun(run=run, **{"notification-fd": "3\n"}, **extra)
    spec["all"] = {"type": "bundle", "contents": "".join(f"s{i:02d}\n" for i in range(N))}
    return spec


def setup(tmp_path, spec) -> tuple[str, str, str]:
    src = make(tmp_path / "src", spec)
    compiled = str(tmp_path / "compiled")
    compile_sources(compiled, [src], verbosity=0)
    scan = tmp_path / "scan"
    scan.mkdir()
    return compiled, str(scan), str(tmp_path / "live")


def rc(live: str, *args: str, timeout: float = 60, **kw) -> subprocess.CompletedProcess:
    return tool("s6-rc", "-l", live, *args, timeout=timeout, **kw)


def positions(log: str) -> dict[str, int]:
    with open(log) as f:
        lines = f.read().splitlines()
    return {line: i for i, line in enumerate(lines)}


RUNNERS = {"ours": {},
           "real-execlineb": {"S6PY_EXECLINEB": "/usr/bin/execlineb",
                              "PATH": "/usr/lib/execline/bin:" + os.environ.get("PATH", "")},
           "direct": {"S6PY_EXECLINEB": "direct",
                      "PATH": "/usr/lib/execline/bin:" + os.environ.get("PATH", "")}}


@pytest.mark.parametrize("runner", list(RUNNERS))
def test_generated_graph_up_and_down(tmp_path, runner):
    if runner != "ours" and not os.path.exists("/usr/bin/execlineb"):
        pytest.skip("needs execline")
    rec, log = recorder(tmp_path)
    spec = graph_spec(tmp_path, rec)
    compiled, scan, live = setup(tmp_path, spec)
    db = load(compiled)
    with Pid1(scan, extra_env=RUNNERS[runner]):
        r = tool("s6-rc-init", "-c", compiled, "-l", live, scan)
        assert r.returncode == 0, r.stderr
        assert sorted(os.listdir(scan)) == sorted(
            [".s6-svscan"] + [n for n, a in db.atoms.items() if a.type == "longrun" and not a.internal])
        r = rc(live, "-v2", "-u", "change", "all")
        assert r.returncode == 0, r.stderr
        pos = positions(log)
        for name, atom in db.atoms.items():
            if atom.internal:
                continue
            assert f"ready {name}" in pos
            for d in atom.deps:
                if not db.atoms[d].internal:
                    assert pos[f"start {name}"] > pos[f"ready {d}"], f"{name} started before {d}"
        for name in set(db.atoms) - {"s6rc-fdholder"}:     # no pipeline here
            assert f"s6-rc: info: service {name}: starting" in r.stderr
            assert f"s6-rc: info: service {name} successfully started" in r.stderr
        up = rc(live, "-a", "list").stdout.split()
        assert sorted(up) == sorted(set(db.atoms) - {"s6rc-fdholder"})
        r = rc(live, "-v2", "-d", "-a", "change")
        assert r.returncode == 0, r.stderr
        pos = positions(log)

        def stop_mark(n):
            return f"down {n}" if db.atoms[n].type == "oneshot" else f"term {n}"

        for name, atom in db.atoms.items():
            if atom.internal:
                continue
            for d in atom.deps:
                if not db.atoms[d].internal:
                    assert pos[stop_mark(name)] < pos[stop_mark(d)], f"{d} stopped before {name}"
        assert "is marked as essential, not stopping it" in r.stderr
        assert rc(live, "-a", "list").stdout.split() == ["s6rc-oneshot-runner"]
        for n, a in db.atoms.items():
            if a.type == "longrun" and not a.internal:
                assert tool("s6-svstat", "-o", "up", os.path.join(scan, n)).stdout.strip() == "false"
                assert os.path.exists(os.path.join(live, "servicedirs", n, "down"))


def test_independent_branches_really_overlap(tmp_path):
    """Each of two oneshots waits for the other to have started: if the engine
    ran them one after the other, the first would give up and fail."""
    waiter = tmp_path / "waiter"
    waiter.write_text(f"#!/bin/sh\ntouch {tmp_path}/$1\ni=0\n"
                      f"while [ ! -e {tmp_path}/$2 ]; do i=$((i+1)); [ $i -gt 3000 ] && exit 1; "
                      "sleep 0.01; done\n")
    os.chmod(waiter, 0o755)
    spec = {"left": oneshot(up=f"{waiter} left right\n"),
            "right": oneshot(up=f"{waiter} right left\n"),
            "both": {"type": "bundle", "contents": "left\nright\n"}}
    compiled, scan, live = setup(tmp_path, spec)
    with Pid1(scan):
        assert tool("s6-rc-init", "-c", compiled, "-l", live, scan).returncode == 0
        r = rc(live, "-u", "change", "both")
        assert r.returncode == 0, r.stderr


def test_failure_timeout_and_messages(tmp_path):
    spec = {"slow": oneshot(up="sleep 5\n", **{"timeout-up": "300\n"}),
            "bad": oneshot(up="sh -c \"exit 3\"\n"),
            "after-bad": oneshot(up="true\n", **{"dependencies.d/bad": ""}),
            "mute": longrun(run="#!/bin/sh\nexec sleep 100\n", **{"notification-fd": "3"}),
            "ok": oneshot(up="true\n")}
    compiled, scan, live = setup(tmp_path, spec)
    with Pid1(scan):
        assert tool("s6-rc-init", "-c", compiled, "-l", live, scan).returncode == 0
        r = rc(live, "-v2", "-u", "change", "after-bad", "ok")
        assert r.returncode == 1
        assert "s6-rc: warning: unable to start service bad: command exited 3" in r.stderr
        assert "service after-bad: starting" not in r.stderr
        assert "s6-rc: info: service ok successfully started" in r.stderr
        r = rc(live, "-v2", "-u", "change", "slow")
        assert r.returncode == 1
        assert "s6-rc: warning: unable to start service slow: timed out after 300 ms" in r.stderr
        r = rc(live, "-v2", "-t", "700", "-u", "change", "mute")
        assert r.returncode == 2
        assert r.stderr.rstrip().endswith("s6-rc: fatal: timed out")
        r = rc(live, "-u", "change", "nosuch")
        assert r.returncode == 3 and "nosuch is not a recognized identifier" in r.stderr
        assert rc(live, "listall", "after-bad").stdout.split() == ["after-bad", "bad",
                                                                   "s6rc-oneshot-runner"]
        assert rc(live, "-d", "listall", "bad").stdout.split() == ["after-bad", "bad"]


def test_oneshots_get_the_callers_stdio_and_rc_name(tmp_path):
    spec = {"hello": oneshot(up="importas -D unset N RC_NAME foreground { echo out $N } "
                                "fdmove -c 1 2 echo err\n")}
    compiled, scan, live = setup(tmp_path, spec)
    with Pid1(scan):
        assert tool("s6-rc-init", "-c", compiled, "-l", live, scan).returncode == 0
        r = rc(live, "-v1", "-u", "change", "hello")
        assert r.returncode == 0
        assert r.stdout == "out hello\n"
        assert r.stderr == "err\n"


def test_pipeline_between_longruns(tmp_path):
    out = tmp_path / "logged"
    spec = {"app": longrun(run="#!/bin/sh\ni=0\nwhile :; do i=$((i+1)); echo $i; sleep 0.01; done\n",
                           **{"producer-for": "applog"}),
            "applog": longrun(run=f"#!/bin/sh\nexec cat >> {out}\n",
                              **{"consumer-for": "app", "pipeline-name": "app-pipeline"})}
    compiled, scan, live = setup(tmp_path, spec)
    with Pid1(scan):
        assert tool("s6-rc-init", "-c", compiled, "-l", live, scan).returncode == 0
        r = rc(live, "-v2", "-u", "change", "app-pipeline")
        assert r.returncode == 0, r.stderr
        assert r.stderr.index("service applog successfully started") < \
            r.stderr.index("service app: starting")
        wait_for(lambda: out.exists() and out.stat().st_size > 20, "log lines")
        tool("s6-svc", "-k", os.path.join(scan, "applog"))
        size = out.stat().st_size
        wait_for(lambda: out.stat().st_size > size + 20, "log lines after the logger's restart")
        r = rc(live, "-d", "change", "app-pipeline")
        assert r.returncode == 0
    nums = [int(x) for x in out.read_text().split()]
    assert nums == list(range(1, len(nums) + 1))


def test_only_root_or_our_user_may_control():
    import shutil
    import tempfile
    base = tempfile.mkdtemp(prefix="s6py-perm-", dir="/tmp")
    try:
        os.chmod(base, 0o755)
        from pathlib import Path
        tmp = Path(base)
        compiled, scan, live = setup(tmp, {"x": longrun()})
        nobody = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
                  "python3", "-m", "init.control"]

        def as_nobody(*args):
            return subprocess.run(nobody + list(args), capture_output=True, text=True,
                                  env=env(), cwd=ROOT, timeout=60)

        with Pid1(scan):
            assert tool("s6-rc-init", "-c", compiled, "-l", live, scan).returncode == 0
            # .s6-svscan is 0700 and the socket 0600: nobody cannot even connect
            r = as_nobody("s6-rc", "-l", live, "-u", "change", "x")
            assert r.returncode == 111 and "unable to connect" in r.stderr
            r = as_nobody("s6-svc", "-u", os.path.join(scan, "x"))
            assert r.returncode == 111 and "Permission denied" in r.stderr
            # with the file modes opened up, the supervisor still checks the peer
            os.chmod(os.path.join(scan, ".s6-svscan"), 0o755)
            os.chmod(os.path.join(scan, ".s6-svscan", "s6py-rc"), 0o666)
            r = as_nobody("s6-rc", "-l", live, "-u", "change", "x")
            assert r.returncode == 111 and "permission denied" in r.stderr
            assert tool("s6-svstat", "-o", "up", os.path.join(scan, "x")).stdout.strip() == "false"
    finally:
        shutil.rmtree(base, ignore_errors=True)


def test_one_change_at_a_time_unless_b(tmp_path):
    mark = tmp_path / "slow-started"
    spec = {"slow": oneshot(up=f"foreground {{ touch {mark} }} sleep 1.5\n"),
            "quick": oneshot(up="true\n")}
    compiled, scan, live = setup(tmp_path, spec)
    with Pid1(scan):
        assert tool("s6-rc-init", "-c", compiled, "-l", live, scan).returncode == 0
        first = subprocess.Popen([*("python3", "-m", "init.control", "s6-rc", "-l", live, "-u",
                                    "change", "slow")], env=env(), cwd=ROOT,
                                 stderr=subprocess.PIPE, text=True)
        wait_for(mark.exists, "the first change to be running")
        r = rc(live, "-u", "change", "quick")
        assert r.returncode == 111 and "unable to take locks" in r.stderr
        r = rc(live, "-b", "-u", "change", "quick")
        assert r.returncode == 0
        assert first.wait(60) == 0
        assert "quick" in rc(live, "-a", "list").stdout.split()



def test_init_refuses_to_clobber_a_real_service_dir(tmp_path):
    compiled, scan, live = setup(tmp_path, {"x": longrun()})
    os.makedirs(os.path.join(scan, "x"))
    with open(os.path.join(scan, "x", "run"), "w") as f:
        f.write("#!/bin/sh\nexec sleep 100\n")
    os.chmod(os.path.join(scan, "x", "run"), 0o755)
    with Pid1(scan) as p:
        p.supervised("x")
        r = tool("s6-rc-init", "-c", compiled, "-l", live, scan)
        assert r.returncode == 111 and "a service of that name is in the scan directory" in r.stderr
        assert not os.path.exists(live)
        assert os.path.isfile(os.path.join(scan, "x", "run"))
        assert p.status("x").startswith("up")
