"""``USER`` (non-root) containers: /run diagnostics, a logged service, what cannot be done."""
from __future__ import annotations

import os
import signal

import pytest

pytestmark = pytest.mark.root

USER = ["--user", "1000:1000"]
RUN1777 = ["--tmpfs", "/run:exec,mode=1777"]


def test_unusable_run_says_how_to_fix_it(image):
    r = image.run("true", opts=USER)
    assert r.code == 100, r
    assert ("preinit: fatal: /run belongs to uid 0 instead of 1000, has insecure and/or "
            "unworkable permissions" in r.err)
    assert "--tmpfs /run:exec,mode=0755,uid=1000,gid=1000" in r.err
    assert "chown 1000:1000 /run" in r.err


def test_world_writable_run_needs_the_kubernetes_variable(image):
    opts = USER + ["--tmpfs", "/run:exec,mode=0777"]
    assert image.run("true", opts=opts).code == 100
    r = image.run("true", opts=opts,
                  env={"S6_YES_I_WANT_A_WORLD_WRITABLE_RUN_BECAUSE_KUBERNETES": "1"})
    assert r.code == 0, r
    assert "IS WORLD WRITABLE" in r.err


def test_gid_0_setup(image):
    r = image.run("true", opts=["--user", "1000:0", "--tmpfs", "/run:exec,mode=0775"])
    assert r.code == 0, r
    assert "preinit: info: using /run with gid 0" in r.err


def test_prepared_run_and_var_run_not_fixable(image):
    os.makedirs(os.path.join(image.layer, "run"), exist_ok=True)
    os.chown(os.path.join(image.layer, "run"), 1000, 1000)
    os.makedirs(os.path.join(image.layer, "var", "run"))   # a directory, not the link
    r = image.run("sh", "-c", "id -u > /out/id", opts=USER + ["--no-run-tmpfs"])
    assert r.code == 0, r
    assert r.file("id") == "1000\n"
    assert "/var/run is not a symlink to /run, fixing it" in r.err
    assert "unable to fix /var/run" in r.err and "ln -s /run /var/run" in r.err
    assert "/run belongs" not in r.err


def test_logged_service_and_catch_all_run_as_the_user_and_say_so_once(image):
    image.script("/etc/cont-init.d/10", "#!/bin/sh\nmkdir -p /run/applog\n")
    image.legacy("app", "#!/bin/sh\nexec 2>&1\nwhile :; do echo app-line; sleep 0.02; done\n",
                 log__run="#!/bin/sh\nexec logutil-service /run/applog\n")
    cmd = ("while ! grep -q app-line /run/applog/current 2>/dev/null; do sleep 0.02; done; "
           "stat -c %U /proc/$(s6-svstat -p /run/service/app/log) > /out/user; "
           "kill $(s6-svstat -p /run/service/app/log); "        # the logger restarts
           "sleep 1.5; s6-svstat /run/service/app/log > /out/stat; "
           "stat -c %U /proc/$(s6-svstat -p /run/service/s6-svscan-log) > /out/catchall")
    r = image.run("sh", "-c", cmd, opts=USER + RUN1777,
                  env={"S6_LOGGING": "1", "S6_CATCHALL_USER": "nobody"})
    assert r.code == 0, r
    assert r.file("user").strip() == r.file("catchall").strip() != "nobody"
    assert r.file("stat").startswith("up ")
    assert r.err.count("logutil-service: warning: not root (uid 1000)") == 1, r.err
    assert r.err.count("s6-svscan-log: warning: not root (uid 1000)") == 1, r.err


def test_reboot_without_cap_sys_boot_gives_111(image):
    with image.start("sh", "-c", "touch /out/running; exec sleep 1000",
                     opts=USER + RUN1777) as c:
        c.wait_for("running")
        c.signal(signal.SIGINT)
        r = c.wait()
    assert r.code == 111, r


def test_fix_attrs_cannot_chown(image):
    image.file("/etc/fix-attrs.d/01", "/out true root 0777 0777\n")
    r = image.run("true", opts=USER + RUN1777, env={"S6_BEHAVIOUR_IF_STAGE2_FAILS": "1"})
    assert r.code == 0, r
    assert "s6-chown: fatal: unable to chown /out: Operation not permitted" in r.err
    assert "fix-attrs: warning: some fix files failed to apply" in r.err
