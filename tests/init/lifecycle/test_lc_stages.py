"""Booting /init as PID 1 of a sandbox: stage order, the environment, the CMD (init.md §3-§14)."""
from __future__ import annotations

import pytest

pytestmark = pytest.mark.root

ORDER = "/out/order"


def rec(word: str) -> str:
    return f'sh -c "echo {word} >> {ORDER}"\n'


def test_boot_and_shutdown_order(image):
    im = image
    im.file("/etc/fixme", "x\n", 0o644)
    im.file("/etc/fix-attrs.d/01-fix", "/etc/fixme false root 0600 0700\n")
    im.script("/etc/cont-init.d/10-first",
              f"#!/bin/sh\necho cont-init-$(stat -c %a /etc/fixme) >> {ORDER}\n")
    im.script("/etc/cont-init.d/20-second", f"#!/bin/sh\necho cont-init-2 >> {ORDER}\n")
    im.rc("early", "oneshot", up=rec("user-up"), down=rec("user-down"))
    im.rc("lr", "longrun", run=f"#!/bin/sh\necho user-longrun >> {ORDER}\necho >&3\n"
          "exec sleep 1000\n", notification_fd="3\n")
    im.legacy("legacy", f"#!/bin/sh\necho services.d >> {ORDER}\necho >&3\nexec sleep 1000\n",
              notification_fd="3\n", finish=f"#!/bin/sh\necho services.d-finish >> {ORDER}\n")
    im.rc("late", "oneshot", user="user2", deps=("legacy-services",), up=rec("user2-up"),
          down=rec("user2-down"))
    im.script("/etc/cont-finish.d/10-bye", f"#!/bin/sh\necho cont-finish >> {ORDER}\n")
    r = im.run("sh", "-c", f"echo cmd >> {ORDER}",
               env={"S6_STAGE2_HOOK": f"echo hook >> {ORDER}", "S6_CMD_WAIT_FOR_SERVICES": "1"})
    assert r.code == 0, r
    got = r.file("order").split()
    assert got[:4] == ["hook", "cont-init-600", "cont-init-2", *got[3:4]]
    assert set(got[3:5]) == {"user-up", "user-longrun"}
    assert got[5:8] == ["services.d", "user2-up", "cmd"]
    assert got[8:] == ["user2-down", "services.d-finish", "user-down", "cont-finish"]
    # s6-overlay's messages, in their order
    err = r.err
    for a, b in [("service fix-attrs: starting", "fix-attrs: info: applying /etc/fix-attrs.d/01-fix"),
                 ("fix-attrs: warning: fix-attrs is deprecated", "cont-init: info: running "
                  "/etc/cont-init.d/10-first"),
                 ("cont-init: info: /etc/cont-init.d/20-second exited 0",
                  "services-up: info: copying legacy longrun legacy\n"),
                 ("service legacy-services: stopping", "cont-finish: info: running "
                  "/etc/cont-finish.d/10-bye")]:
        assert a in err and b in err and err.index(a) < err.index(b), (a, b, err)
    assert "hook echo hook >> /out/order exited 0" in err


def test_environment_path_and_contenv(image):
    im = image
    im.script("/etc/cont-init.d/10-env", "#!/bin/sh\nenv | sort > /out/cont-init.env\n"
              "printcontenv FOO > /out/printcontenv\n")
    im.script("/etc/cont-init.d/20-with", "#!/command/with-contenv sh\n"
              "echo \"$FOO|$EMPTY|${MISSING-unset}\" > /out/with-contenv\n")
    im.script("/usr/local/bin/show", "#!/bin/sh\npwd > /out/cwd\nenv | sort > /out/cmd.env\n"
              "ls -la /run/s6/container_environment > /out/ce.ls\nstat -c %a "
              "/run/s6/container_environment > /out/ce.mode\nprintf %s \"$*\" > /out/args\n")
    r = im.run("show", "a  b", "", "c", env={"FOO": "bar baz", "EMPTY": ""},
               opts=["-w", "/srv/app"])
    assert r.code == 0, r
    default = "/command:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
    assert f"PATH={default}" in r.file("cmd.env").splitlines()
    # only PATH (and what the shell itself exports) reaches scripts and the CMD
    for name in ("cmd.env", "cont-init.env"):
        names = {line.split("=", 1)[0] for line in r.file(name).splitlines()}
        assert names <= {"PATH", "PWD", "SHLVL", "_", "RC_NAME", "OLDPWD"}, (name, names)
        assert "FOO" not in names and "HOME" not in names
    assert r.file("printcontenv") == "bar baz\n\n"
    assert r.file("with-contenv") == "bar baz||unset\n"
    assert r.file("cwd") == "/srv/app\n"
    assert r.file("args") == "a  b  c"
    assert r.file("ce.mode") == "755\n"
    assert "HOSTNAME" in r.file("ce.ls") and "FOO" in r.file("ce.ls")


def test_path_is_completed_and_keep_env(image):
    im = image
    im.script("/usr/local/bin/show", "#!/bin/sh\nenv | sort > /out/env\n"
              "test -e /run/s6/container_environment && echo yes > /out/ce\n"
              "with-contenv sh -c 'echo $FOO' > /out/with\n")
    r = im.run("/usr/local/bin/show", env={"S6_KEEP_ENV": "1", "FOO": "kept",
                                           "PATH": "/opt/x:/usr/bin"})
    assert r.code == 0, r
    env = dict(line.split("=", 1) for line in r.file("env").splitlines())
    assert env["PATH"] == "/command:/bin:/opt/x:/usr/bin"
    assert env["FOO"] == "kept" and env["S6_KEEP_ENV"] == "1" and "HOME" in env
    assert r.file("ce") == ""           # no container_environment with S6_KEEP_ENV
    assert r.file("with") == "kept\n"   # with-contenv is a no-op


def test_cmd_arg0_and_not_found_and_not_executable(image):
    im = image
    im.file("/usr/local/bin/noexec", "#!/bin/sh\necho no\n", 0o644)
    im.file("/usr/local/bin/noshebang", "echo from-sh > /out/noshebang\n", 0o755)
    r = im.run("echo from-arg0 >> /out/arg0; exit 9",
               env={"S6_CMD_ARG0": "/bin/sh -c"})
    assert r.code == 9, r
    assert r.file("arg0") == "from-arg0\n"
    assert im.run("no-such-command").code == 127
    assert im.run("/usr/local/bin/noexec").code == 126
    r = im.run("noshebang")
    assert (r.code, r.file("noshebang")) == (0, "from-sh\n")


def test_arg0_alone_runs_nothing_and_the_container_runs_until_stopped(image):
    im = image
    im.legacy("svc", "#!/bin/sh\ntouch /out/svc-up\nexec sleep 1000\n")
    with im.start(env={"S6_CMD_ARG0": "/bin/false"}) as c:
        c.wait_for("svc-up")
        assert c.proc.poll() is None
        c.signal()
        r = c.wait()
    assert r.code == 0, r


def test_stage2_hook_runs_before_compile_as_a_shell_excerpt(image):
    im = image
    hook = ("mkdir -p /etc/s6-overlay/s6-rc.d/dyn && echo oneshot > "
            "/etc/s6-overlay/s6-rc.d/dyn/type && echo 'sh -c \"echo dyn > /out/dyn\"' > "
            "/etc/s6-overlay/s6-rc.d/dyn/up && touch /etc/s6-overlay/user-bundles.d/user/"
            "contents.d/dyn")
    r = im.run("true", env={"S6_STAGE2_HOOK": hook})
    assert r.code == 0, r
    assert r.file("dyn") == "dyn\n"


def test_runtime_profile_and_bundledir(image):
    im = image
    p = "/etc/cont-profile.d/dev"
    im.script(f"{p}/cont-init.d/10", "#!/bin/sh\necho profile-init >> /out/p\n")
    im.script("/etc/cont-init.d/10", "#!/bin/sh\necho default-init >> /out/p\n")
    im.script(f"{p}/services.d/s/run", "#!/bin/sh\necho profile-svc >> /out/p\necho >&3\n"
              "exec sleep 100\n")
    im.file(f"{p}/services.d/s/notification-fd", "3\n")
    im.file(f"{p}/s6-overlay/s6-rc.d/po/type", "oneshot\n")
    im.file(f"{p}/s6-overlay/s6-rc.d/po/up", rec("profile-rc").replace(ORDER, "/out/p"))
    im.file(f"{p}/s6-overlay/user-bundles.d/user/type", "bundle\n")
    im.file(f"{p}/s6-overlay/user-bundles.d/user/contents.d/po", "")
    im.file(f"{p}/s6-overlay/user-bundles.d/user2/type", "bundle\n")
    im.file(f"{p}/s6-overlay/user-bundles.d/user2/contents.d/.keep", "")
    r = im.run("true", env={"S6_RUNTIME_PROFILE": "dev", "S6_CMD_WAIT_FOR_SERVICES": "1"})
    assert r.code == 0, r
    assert sorted(r.file("p").split()) == ["profile-init", "profile-rc", "profile-svc"]
    # S6_RUNTIME_BUNDLEDIR replaces user-bundles.d
    im.file("/etc/s6-overlay/s6-rc.d/bd/type", "oneshot\n")
    im.file("/etc/s6-overlay/s6-rc.d/bd/up", rec("bundledir").replace(ORDER, "/out/b"))
    im.file("/opt/bundles/user/type", "bundle\n")
    im.file("/opt/bundles/user/contents.d/bd", "")
    im.file("/opt/bundles/user2/type", "bundle\n")
    im.file("/opt/bundles/user2/contents.d/.keep", "")
    r = im.run("true", env={"S6_RUNTIME_BUNDLEDIR": "/opt/bundles"})
    assert (r.code, r.file("b")) == (0, "bundledir\n"), r


def test_compatibility_mode_user_bundle_in_s6_rc_d(image):
    im = image
    im.file("/etc/s6-overlay/s6-rc.d/user/contents.d/old", "")
    im.file("/etc/s6-overlay/s6-rc.d/old/type", "oneshot\n")
    im.file("/etc/s6-overlay/s6-rc.d/old/up", rec("old").replace(ORDER, "/out/old"))
    im.file("/etc/s6-overlay/user-bundles.d/user/contents.d/ignored", "")
    # an overlay's addition (as the syslogd overlay's) still starts: s6py's difference
    im.file("/etc/s6-overlay/user-bundles.d/user/contents.d/overlaid", "")
    im.file("/etc/s6-overlay/s6-rc.d/overlaid/type", "oneshot\n")
    im.file("/etc/s6-overlay/s6-rc.d/overlaid/up", rec("overlaid").replace(ORDER, "/out/overlaid"))
    im.file("/etc/s6-overlay/s6-rc.d/unlisted/type", "oneshot\n")
    im.file("/etc/s6-overlay/s6-rc.d/unlisted/up", rec("unlisted").replace(ORDER, "/out/unlisted"))
    r = im.run("true")
    assert r.code == 0, r
    assert r.file("old") == "old\n"
    assert r.file("overlaid") == "overlaid\n"
    assert not r.exists("unlisted")
    assert ("rc.init: warning: defining user bundles in /etc/s6-overlay/s6-rc.d is deprecated"
            in r.err)
    assert ("rc.init: info: compatibility mode: adding overlaid to user from "
            "/etc/s6-overlay/user-bundles.d/user/contents.d") in r.err
    assert "ignored" not in r.err


def test_compatibility_mode_drops_user_bundles_d_when_it_breaks_the_compile(image):
    im = image
    im.file("/etc/s6-overlay/s6-rc.d/user/contents.d/old", "")
    im.file("/etc/s6-overlay/s6-rc.d/old/type", "oneshot\n")
    im.file("/etc/s6-overlay/s6-rc.d/old/up", rec("old").replace(ORDER, "/out/old"))
    # legacy-services depends on user: listing it there makes a cycle
    im.file("/etc/s6-overlay/user-bundles.d/user/contents.d/legacy-services", "")
    r = im.run("sh", "-c", "echo cmd > /out/cmd")
    assert r.code == 0, r
    assert r.file("old") == "old\n" and r.file("cmd") == "cmd\n"
    assert ("rc.init: warning: compatibility mode: not adding what "
            "/etc/s6-overlay/user-bundles.d lists: ") in r.err


def test_compile_error_leaves_the_container_running_without_cmd(image):
    im = image
    im.rc("broken", "oneshot", deps=("nowhere",), up="true\n")
    with im.start("sh", "-c", "touch /out/cmd-ran") as c:
        c.wait_for("../stderr", "s6-rc-compile: fatal:")
        assert c.proc.poll() is None
        c.signal()
        r = c.wait()
    assert r.code == 0 and not r.exists("cmd-ran") and "undefined service name nowhere" in r.err


@pytest.mark.parametrize("v", ["0", "1", "2", "3"])
def test_verbosity_levels(image, v):
    im = image
    im.script("/etc/cont-init.d/10", "#!/bin/sh\nexit 3\n")
    im.file("/etc/fix-attrs.d/1", "/nonexistent false root 0644 0755\n")
    im.rc("failing", "oneshot", up="false\n")
    r = im.run("true", env={"S6_VERBOSITY": v, "S6_BEHAVIOUR_IF_STAGE2_FAILS": "1"})
    assert r.code == 0, r
    err = r.err
    info = "s6-rc: info: service fix-attrs: starting" in err
    preinit_info = "preinit: info: container permissions" in err
    warn = "cont-init: warning: some scripts exited nonzero" in err
    deprecated = "fix-attrs is deprecated" in err
    bringing = "s6-rc: info: bringing selected services up" in err
    assert (warn, deprecated) == (v != "0", v != "0")
    assert info == preinit_info == (v >= "2")
    assert bringing == (v >= "3")
    assert ("s6-rc: warning: unable to start service failing: command exited 1" in err) == \
        (v != "0")
    # rc.init's own warning does not depend on v
    assert "s6-rc failed to properly bring all the services up" in err
    assert "s6-chown: fatal: unable to chown /nonexistent" in err


def test_read_only_root(image):
    image.legacy("svc", "#!/bin/sh\ntouch /out/svc\nexec sleep 100\n", notification_fd="3\n")
    show = ("touch /etc/x 2>/dev/null || echo ro > /out/ro; mount | grep ' /run ' > /out/run; "
            "i=0; while [ ! -e /out/svc ] && [ $i -lt 500 ]; do sleep 0.02; i=$((i+1)); done")
    env = {"S6_READ_ONLY_ROOT": "1", "S6_CMD_WAIT_FOR_SERVICES": "0"}
    r = image.run("sh", "-c", show, opts=["--read-only"], env=env)
    assert r.code == 0, r
    assert r.file("ro") == "ro\n"
    assert "preinit: info: read-only root" in r.err
    assert "preinit: info: writable /run. Checking for executability." in r.err
    assert r.exists("svc"), "the service did not run"
    # no /run tmpfs at all: preinit mounts one
    image.clear_out()
    r = image.run("sh", "-c", show, opts=["--read-only", "--no-run-tmpfs"], env=env)
    assert r.code == 0, r
    assert "preinit: info: creating a tmpfs on /run" in r.err
    assert r.file("run").startswith("tmpfs on /run type tmpfs"), r.file("run")
    assert r.exists("svc"), "the service did not run"
