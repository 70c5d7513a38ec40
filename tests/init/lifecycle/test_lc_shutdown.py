"""Stage 3 and PID 1's duties: grace times, the final TERM/KILL, reaping, subreaper mode, fds."""
from __future__ import annotations

import os
import signal
import time

import pytest

pytestmark = pytest.mark.root

STUBBORN = "trap '' TERM; while :; do sleep 0.05; done"


def test_services_gracetime_then_cont_finish_then_kill(image):
    image.legacy("stubborn", f"#!/bin/sh\ntouch /out/running\n{STUBBORN}\n")
    image.script("/etc/cont-finish.d/10", "#!/bin/sh\n"
                 "s6-svstat /run/s6/legacy-services/stubborn > /out/at-finish\n")
    with image.start(env={"S6_SERVICES_GRACETIME": "300", "S6_KILL_GRACETIME": "200"}) as c:
        c.wait_for("running")
        t0 = time.monotonic()
        c.signal(signal.SIGTERM)
        r = c.wait()
        took = time.monotonic() - t0
    assert r.code == 0, r
    # services-down gave up after the grace time; the service was still up then
    assert r.file("at-finish").startswith("up "), r
    assert took >= 0.5          # both grace periods were waited (a lower bound only)


def test_kill_finish_maxtime_bounds_each_cont_finish_script(image):
    image.script("/etc/cont-finish.d/10-hang", "#!/bin/sh\necho start >> /out/f\nexec sleep 1000\n")
    image.script("/etc/cont-finish.d/20-next", "#!/bin/sh\necho next >> /out/f\n")
    r = image.run("true", env={"S6_KILL_FINISH_MAXTIME": "300"})
    assert r.code == 0, r
    assert r.file("f") == "start\nnext\n"


def test_kill_gracetime_term_then_kill(image):
    cmd = (f"sh -c \"{STUBBORN}\" & echo $! > /out/pid; "
           "sh -c 'trap \"echo TERM > /out/polite; exit 0\" TERM; while :; do sleep 0.05; done' & "
           "sleep 0.3; exit 0")
    t0 = time.monotonic()
    r = image.run("sh", "-c", cmd, env={"S6_KILL_GRACETIME": "700"})
    took = time.monotonic() - t0
    assert r.code == 0, r
    assert r.file("polite") == "TERM\n"      # the broadcast TERM reached the background job
    assert took >= 1.0                       # the stubborn one needed the full grace: >= 0.3 + 0.7


def test_grace_period_ends_when_nothing_is_left(image):
    t0 = time.monotonic()
    r = image.run("sh", "-c", "sleep 1000 & exit 0", env={"S6_KILL_GRACETIME": "60000"})
    assert r.code == 0, r
    assert time.monotonic() - t0 < 60        # TERM killed sleep: no 60 s wait


def test_orphans_are_reaped(image):
    # a service leaves an orphan behind; it is re-parented to PID 1, which reaps it
    image.legacy("parent", "#!/bin/sh\n(sh -c 'echo $$ > /out/orphan.tmp; "
                 "mv /out/orphan.tmp /out/orphan; sleep 0.3' &)\nexec sleep 1000\n")
    cmd = ("while ! test -s /out/orphan; do sleep 0.02; done; p=$(cat /out/orphan); "
           "awk '{print $4}' /proc/$p/stat > /out/ppid; "
           "while test -e /proc/$p; do sleep 0.02; done; echo gone > /out/reaped")
    r = image.run("sh", "-c", cmd)
    assert r.code == 0, r
    assert r.file("ppid") == "1\n"
    assert r.file("reaped") == "gone\n"


def test_subreaper_mode_under_another_init(image):
    image.legacy("parent", "#!/bin/sh\n(sh -c 'echo $$ > /out/orphan.tmp; "
                 "mv /out/orphan.tmp /out/orphan; sleep 0.3' &)\nexec sleep 1000\n")
    image.script("/usr/local/bin/inner", "#!/bin/sh\n"
                 "while ! test -s /out/orphan; do sleep 0.02; done; p=$(cat /out/orphan)\n"
                 "awk '{print $4}' /proc/$p/stat > /out/ppid; echo $PPID > /out/initpid\n"
                 "while test -e /proc/$p; do sleep 0.02; done; exit 7\n")
    outer = ("sleep 1000 & sib=$!; /init inner; echo \"init=$?\" > /out/code; "
             "kill -0 $sib && echo alive > /out/sibling")
    r = image.run("-c", outer, opts=["--entrypoint", "/bin/sh"])
    assert r.file("code") == "init=7\n", r
    assert r.file("ppid") == r.file("initpid") != "1\n"    # orphans come to us
    assert r.file("sibling") == "alive\n"      # the broadcast spared what is not ours
    assert "running as a child subreaper" in r.err


def test_children_get_only_their_fds_and_a_clean_process(image):
    # exec'd (or backgrounded) sleeps stand for a service, a cont-init script and the CMD:
    # whatever they got from PID 1 they still hold
    image.legacy("svc", "#!/bin/sh\necho $$ > /out/svc.pid\nexec sleep 1000\n")
    image.script("/etc/cont-init.d/10", "#!/bin/sh\nsleep 1000 & echo $! > /out/ci.pid\n")
    image.script("/usr/local/bin/check", "#!/bin/sh\nsleep 1000 & echo $! > /out/cmd.pid\n"
                 "while ! test -s /out/svc.pid; do sleep 0.02; done\n"
                 "for n in svc ci cmd; do p=$(cat /out/$n.pid)\n"
                 "  ls /proc/$p/fd | sort -n | tr '\\n' ' ' > /out/$n.fds\n"
                 "  grep -E '^Sig(Blk|Ign)' /proc/$p/status > /out/$n.sig\n"
                 "done\n")
    for logging in ("0", "1", "2"):
        image.clear_out()
        r = image.run("check", env={"S6_LOGGING": logging})
        assert r.code == 0, r
        for name in ("svc", "ci", "cmd"):
            assert r.file(f"{name}.fds") == "0 1 2 ", (logging, name)
        sig = dict(line.split(":") for line in r.file("svc.sig").splitlines())
        assert int(sig["SigBlk"], 16) == 0 and int(sig["SigIgn"], 16) == 0, sig


def test_docker_stop_during_boot(image):
    image.script("/etc/cont-init.d/10-slow", "#!/bin/sh\ntouch /out/booting\nsleep 1\n")
    image.script("/etc/cont-finish.d/10", "#!/bin/sh\ntouch /out/finished\n")
    with image.start("touch", "/out/cmd-ran") as c:
        c.wait_for("booting")
        c.signal(signal.SIGTERM)
        r = c.wait()
    assert r.code == 0, r
    assert not r.exists("cmd-ran")
    assert r.exists("finished")


def test_wait_for_closing_fd_and_sync_disks(image):
    outer = ("{ sleep 0.5; touch /out/closed; } | "
             "/init sh -c 'test -e /out/closed && echo after > /out/cmd' 5<&0 </dev/null")
    r = image.run("-c", outer, opts=["--entrypoint", "/bin/sh"],
                  env={"S6_WAIT_FOR_CLOSING_FD": "5", "S6_SYNC_DISKS": "1"})
    assert r.file("cmd") == "after\n", r


@pytest.mark.skipif(not os.path.exists("/usr/bin/strace"), reason="needs strace")
@pytest.mark.parametrize("value,synced", [("1", True), ("0", False)])
def test_sync_disks(image, value, synced):
    r = image.run("-c", "strace -f -qq -e trace=sync -o /out/trace /init true",
                  opts=["--entrypoint", "/bin/sh"], env={"S6_SYNC_DISKS": value})
    assert ("sync()" in r.file("trace")) is synced, r      # at every stop (DECISIONS #7)


def test_services_readytime_is_waited_before_the_readiness_check(image):
    image.legacy("svc", "#!/bin/sh\nexec sleep 1000\n")
    image.script("/etc/cont-init.d/10", "#!/bin/sh\ndate +%s.%N > /out/t0\n")
    r = image.run("sh", "-c", "date +%s.%N > /out/t1",
                  env={"S6_CMD_WAIT_FOR_SERVICES": "1", "S6_SERVICES_READYTIME": "800"})
    assert r.code == 0, r
    assert float(r.file("t1")) - float(r.file("t0")) >= 0.8
