"""Feature 2 of issue 17 under /init: a ``log`` file in an s6-rc definition gives the
service its logger, as the three hand-written definitions would; oneshots too; a
definition without one is unchanged."""
from __future__ import annotations

import re
import signal
import time

import pytest

pytestmark = pytest.mark.root

ISO = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{9}  ")
WEB = "#!/bin/sh\nexec 2>&1\ni=0\nwhile :; do i=$((i+1)); echo \"web line $i\"; sleep 0.01; done\n"


def wait_for(path: str, text: str) -> str:
    return f'while ! grep -q "{text}" {path} 2>/dev/null; do sleep 0.02; done'


def test_a_longrun_with_a_log_file_is_logged_as_by_hand(image):
    image.rc("web", "longrun", run=WEB, log="")
    cmd = "; ".join([
        wait_for("/var/log/web/current", "web line 5$"),
        "s6-rc listall user > /out/listall", "s6-rc -a list > /out/up",
        "s6-rc listall web-pipeline > /out/pipeline",
        "cat /run/s6-rc/servicedirs/web-log/run > /out/run",
        "stat -c '%U %a' /var/log/web > /out/logdir",
        "stat -c %U /proc/$(s6-svstat -p /run/service/web-log) > /out/user",
        "kill -9 $(s6-svstat -p /run/service/web-log)",        # the logger restarts...
        "sleep 1.5", "n=$(grep -c . /var/log/web/current)",
        wait_for("/var/log/web/current", "web line $((n + 5))$"),
        "cat /var/log/web/@* /var/log/web/current > /out/current"])   # .u: the killed one
    r = image.run("sh", "-c", cmd)
    assert r.code == 0, r
    assert r.file("listall").split() == ["fix-attrs", "legacy-cont-init", "s6rc-fdholder",
                                         "s6rc-oneshot-runner", "web", "web-log",
                                         "web-log-prepare"]
    assert {"web", "web-log", "web-log-prepare"} <= set(r.file("up").split())
    assert set(r.file("pipeline").split()) >= {"web", "web-log", "web-log-prepare"}
    assert r.file("run") == "#!/bin/sh\nexec logutil-service -n web /var/log/web\n"
    assert r.file("logdir") == "nobody 2755\n" and r.file("user") == "nobody\n"
    lines = r.file("current").splitlines()
    assert all(ISO.match(x) for x in lines)
    nums = [int(x.rsplit(" ", 1)[1]) for x in lines]
    assert sorted(set(nums)) == list(range(1, max(nums) + 1))   # ... and no line is lost
    # (logd may write again what it wrote just before the -9: peek.py)
    assert "web line" not in r.out                           # not on the console any more


def test_a_script_and_a_user_of_its_own(image):
    image.rc("web", "longrun", run=WEB, log="# keep two small archives\nn2 s4096\n/var/log/w\n",
             log_user="daemon\n")
    cmd = "; ".join([wait_for("/var/log/w/current", "web line 800$"),
                     "stat -c '%U %a' /var/log/w > /out/logdir",
                     "ls /var/log/w | grep -c '^@' > /out/archives",
                     "cat /var/log/w/current > /out/current"])
    r = image.run("sh", "-c", cmd)
    assert r.code == 0, r
    assert r.file("logdir") == "daemon 2755\n"
    assert r.file("archives") == "2\n"                       # n2, rotated at 4096 bytes
    assert r.file("current").startswith("web line ")         # no T in this script


def test_a_oneshots_up_and_down_go_to_its_logdir(image):
    image.rc("setup", "oneshot", up="fdmove -c 2 1 /etc/setup.sh up\n",
             down="/etc/setup.sh down\n", log="/out/setup\n")
    image.script("/etc/setup.sh", "#!/bin/sh\necho \"setup $1 to stdout\"\n"
                 "echo \"setup $1 to stderr\" >&2\n")
    r = image.run("true")
    assert r.code == 0, r
    assert r.file("setup/current") == ("setup up to stdout\nsetup up to stderr\n"
                                       "setup down to stdout\n")
    assert "setup down to stderr" in r.err                   # stderr is not redirected
    assert "setup up to" not in r.out + r.err
    for svc in ("setup-log-prepare", "setup-log", "setup"):
        assert f"s6-rc: info: service {svc} successfully started" in r.err


def test_declared_loggers_tee_too(image):
    image.rc("web", "longrun", run=WEB, log="")
    r = image.run("sh", "-c", wait_for("/var/log/web/current", "web line 3$"),
                  env={"S6_LOGGING_TEE": "1"})
    assert r.code == 0, r
    assert "[web] web line 1\n[web] web line 2\n[web] web line 3\n" in r.out


def test_in_a_user_container(image):
    image.rc("web", "longrun", run=WEB, log="/run/weblog\n")
    r = image.run("sh", "-c", wait_for("/run/weblog/current", "web line 3$")
                  + "; stat -c '%u %a' /run/weblog > /out/logdir",
                  opts=["--user", "1000:1000", "--tmpfs", "/run:exec,mode=1777"])
    assert r.code == 0, r
    assert r.file("logdir") == "1000 2755\n"


def test_a_log_directory_is_still_ignored(image):
    """s6-rc ignores a ``log/`` subdirectory in a longrun: so does the expansion."""
    image.rc("web", "longrun", run="#!/bin/sh\necho web-out\nexec sleep 1000\n",
             **{"log/run": "#!/bin/sh\nexec cat > /out/never\n"})
    r = image.run("sh", "-c", "sleep 0.5; s6-rc listall user > /out/listall")
    assert r.code == 0, r
    assert "web-log" not in r.file("listall")
    assert "web-out" in r.out and not r.exists("never")


def test_a_log_file_that_cannot_be_expanded_stops_the_compile(image):
    """As any compile error in s6-overlay: said, no service, no CMD, the container waits."""
    image.rc("web", "longrun", run=WEB, log="./relative\n")
    with image.start("touch", "/out/cmd-ran") as c:
        end = time.monotonic() + 60
        while "s6-rc-compile: fatal" not in c.output() and time.monotonic() < end:
            time.sleep(0.05)
        c.signal(signal.SIGTERM)
        r = c.wait()
    assert ("s6-rc-compile: fatal: /etc/s6-overlay/s6-rc.d/web/log: logdir ./relative must "
            "be an absolute path") in r.err
    assert not r.exists("cmd-ran")
