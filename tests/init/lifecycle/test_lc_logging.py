"""S6_LOGGING, the catch-all logger, its user and stamps, S6_CMD_USE_TERMINAL, logutil-service."""
from __future__ import annotations

import os
import re

import pytest

pytestmark = pytest.mark.root

ISO = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{9}  ")
TAI = re.compile(r"^@4000[0-9a-f]{20} ")
# the CMD waits until the logger has filed a line, then copies the logdir out
# (every marker: a service's lines and the CMD's reach the logger in no fixed order)
WAIT_LOG = ("while ! {{ grep -q '{marker}' /run/uncaught-logs/current && "
            "grep -q '{marker2}' /run/uncaught-logs/current; }} 2>/dev/null; do sleep 0.02; "
            "done; cp /run/uncaught-logs/current /out/current; "
            "stat -c '%U %a' /run/uncaught-logs > /out/logdir")


def svc(image):
    image.legacy("talk", "#!/bin/sh\necho svc-out; echo svc-err >&2; exec sleep 1000\n")


def test_logging_0_everything_on_the_console(image):
    svc(image)
    r = image.run("sh", "-c", "echo cmd-out; echo cmd-err >&2; sleep 0.5; "
                  "test -e /run/uncaught-logs || echo no-logdir > /out/x")
    assert r.code == 0, r
    assert "svc-out" in r.out and "cmd-out" in r.out
    assert "svc-err" in r.err and "cmd-err" in r.err
    assert "s6-rc: info: service legacy-services successfully started" in r.err
    assert r.file("x") == "no-logdir\n"


def test_logging_1_everything_logged_and_copied_to_stderr(image):
    """As s6-overlay 3.2.3.2 (booted for issue 15): the CMD's output goes through the
    catch-all too; the console's stderr gets the logger's copy, in the logger's order."""
    svc(image)
    wait = WAIT_LOG.format(marker="cmd-err", marker2="svc-out")
    r = image.run("sh", "-c", "echo cmd-out; echo cmd-err >&2; " + wait,
                  env={"S6_LOGGING": "1"})
    assert r.code == 0, r
    logged = r.file("current")
    assert all(ISO.match(line) for line in logged.splitlines()), logged   # T by default
    assert "svc-out" in logged and "svc-err" in logged
    assert "s6-rc: info: service legacy-services successfully started" in logged
    assert "cmd-out" in logged and "cmd-err" in logged
    assert r.out == ""                                 # nothing on stdout
    err = r.err.splitlines()
    assert err.index("cmd-out") < err.index("cmd-err")  # one stream, in order
    assert err.index("s6-rc: info: service legacy-services successfully started") < err.index("cmd-out")
    assert "\nsvc-out\n" in "\n" + r.err               # the console copy has no stamps
    assert r.file("logdir") == "root 2750\n"


def test_logging_2_cmd_logged_too_nothing_on_the_console(image):
    svc(image)
    wait = WAIT_LOG.format(marker="cmd-err", marker2="svc-err")
    r = image.run("sh", "-c", "echo cmd-out; echo cmd-err >&2; " + wait,
                  env={"S6_LOGGING": "2"})
    assert r.code == 0, r
    logged = r.file("current")
    for word in ("svc-out", "svc-err", "cmd-out", "cmd-err", "legacy-services successfully"):
        assert word in logged, word
    assert r.out == ""
    assert "svc-" not in r.err and "cmd-" not in r.err and "s6-rc" not in r.err
    assert "preinit: info" in r.err                    # printed before stage 1


@pytest.mark.parametrize("script,pattern", [("t", TAI), ("n3 s5000", None), ("t T", TAI)])
def test_logging_script_stamps_of_the_catch_all(image, script, pattern):
    r = image.run("sh", "-c", "echo marker-line; " + WAIT_LOG.format(marker="marker-line", marker2="marker-line"),
                  env={"S6_LOGGING": "2", "S6_LOGGING_SCRIPT": script})
    assert r.code == 0, r
    line = [x for x in r.file("current").splitlines() if "marker-line" in x][0]
    if pattern is None:
        assert line == "marker-line"
    else:
        assert pattern.match(line), line
        if script == "t T":
            assert ISO.match(line[26:]), line


def test_catchall_user(image):
    r = image.run("sh", "-c", "echo marker-line; " + WAIT_LOG.format(marker="marker-line", marker2="marker-line")
                  + "; stat -c %U /proc/$(s6-svstat -p /run/service/s6-svscan-log) > /out/user",
                  env={"S6_LOGGING": "2", "S6_CATCHALL_USER": "nobody"})
    assert r.code == 0, r
    assert r.file("logdir") == "nobody 2750\n"
    assert r.file("user") == "nobody\n"
    r = image.run("true", env={"S6_LOGGING": "1", "S6_CATCHALL_USER": "no-such-user"})
    assert r.code == 100
    assert "unable to find user no-such-user in passwd database" in r.err


def test_catch_all_keeps_everything_across_logger_kills_and_the_end(image):
    # the CMD writes 3000 numbered lines, SIGKILLing the logger twice on the way, then exits:
    # every line must be in the logdir, a host directory bound on /run/uncaught-logs
    image.script("/usr/local/bin/talk", "#!/bin/sh\ni=0\nwhile test $i -lt 3000; do\n"
                 "  echo line-$i; i=$((i + 1))\n"
                 "  if test $i = 1000 -o $i = 2000; then\n"
                 "    kill -9 $(s6-svstat -p /run/service/s6-svscan-log)\n  fi\ndone\n")
    logdir = os.path.join(image.tmp, "uncaught")
    os.mkdir(logdir)
    r = image.run("talk", env={"S6_LOGGING": "2", "S6_LOGGING_SCRIPT": "n3"},
                  opts=["--bind", f"{logdir}:/run/uncaught-logs"])
    assert r.code == 0, r
    text = ""
    for name in sorted(os.listdir(logdir)):
        if name.startswith("@") or name == "current":
            with open(os.path.join(logdir, name)) as f:
                text += f.read()
    lines = [x for x in text.splitlines() if x.startswith("line-")]
    assert sorted(set(lines), key=lambda x: int(x[5:])) == [f"line-{i}" for i in range(3000)]


def test_cmd_use_terminal(image):
    # `script` gives the container a terminal (its pty, made inside the namespace)
    show = ("#!/bin/sh\ntest -t 1 && echo out-tty > /out/o; test -t 0 && echo in-tty >> /out/o\n"
            "awk '{print \"tty=\" $7}' /proc/$$/stat >> /out/o; echo to-the-terminal\n")
    image.script("/usr/local/bin/show", show)
    outer = "script -qec '/init show' /dev/null > /out/term"
    r = image.run("-c", outer, opts=["--entrypoint", "/bin/sh"],
                  env={"S6_LOGGING": "2", "S6_CMD_USE_TERMINAL": "1"})
    o = r.file("o").split("\n")
    assert o[0] == "out-tty" and o[1] == "in-tty", r
    assert o[2] not in ("tty=0", "")       # the terminal is the CMD's controlling one
    assert "to-the-terminal" in r.file("term")
    image.clear_out()
    r = image.run("-c", outer, opts=["--entrypoint", "/bin/sh"], env={"S6_LOGGING": "2"})
    assert r.file("o").startswith("in-tty"), r          # logged: stdout is the pipe
    assert "to-the-terminal" not in r.file("term")


def test_logutil_service_logs_as_nobody_with_the_script(image):
    image.script("/etc/cont-init.d/10", "#!/bin/sh\nmkdir -p /var/log/app\n"
                 "chown nobody /var/log/app\n")
    image.legacy("app", "#!/bin/sh\nexec 2>&1\ni=0; while :; do echo app-line-$i; i=$((i+1)); "
                 "sleep 0.01; done\n", log__run="#!/bin/sh\nexec logutil-service /var/log/app\n")
    cmd = ("while test $(ls /var/log/app | grep -c '^@') -lt 2; do sleep 0.05; done; "
           "ls -l /var/log/app > /out/ls; cat /var/log/app/current > /out/current; "
           "stat -c %U /proc/$(s6-svstat -p /run/service/app/log) > /out/user")
    r = image.run("sh", "-c", cmd, env={"S6_LOGGING_SCRIPT": "n2 s300 t"})
    assert r.code == 0, r
    assert r.file("user") == "nobody\n"
    archives = [x for x in r.file("ls").splitlines() if " @" in x]
    assert len(archives) == 2 and all(" nobody " in x for x in archives)   # n2, rotated
    assert all(TAI.match(x) for x in r.file("current").splitlines())
    # the default script: T stamps, s1000000
    image.clear_out()
    cmd = ("while ! grep -q app-line /var/log/app/current 2>/dev/null; do sleep 0.05; done; "
           "cat /var/log/app/current > /out/current")
    r = image.run("sh", "-c", cmd)
    assert r.code == 0 and ISO.match(r.file("current")), r
