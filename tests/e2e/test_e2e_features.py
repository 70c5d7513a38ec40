"""s6-overlay's features through the built tarballs, as a user's image runs them.

Each test mirrors one in tests/init/lifecycle/ (which boots the working
tree's /init); here /init, /command and /usr/bin come from the extracted
tarballs, stacked over the host's / as a base image.
"""
from __future__ import annotations

import re
import signal

import pytest

from tests.e2e.stack import Stack

pytestmark = pytest.mark.root

ISO = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{9}  ")


@pytest.fixture
def image(tmp_path, overlay_layer) -> Stack:
    return Stack(tmp_path, [overlay_layer])


def stats(text: str) -> dict[str, str]:
    """``path uid:gid mode`` lines -> {path: "uid:gid mode"}."""
    return dict(line.split(" ", 1) for line in text.splitlines())


def test_fix_attrs_d_with_account_fallbacks(image):
    for path in ("/var/lib/app/data.db", "/var/lib/app/sub/index", "/var/lib/other/f",
                 "/var/lib/mixed"):
        image.file(path, "x\n", 0o600)
    image.file("/etc/fix-attrs.d/01-app",
               "# account forms: user,fallback / unknown user,fallback / user:unknown group\n"
               "/var/lib/app true nobody,65534:65534 0640 0750\n"
               "/var/lib/other false unexisting,3456:4567 0604 0711\n"
               "/var/lib/mixed false daemon:unexisting,3:4: 0604 0700\n")
    r = image.run("sh", "-c", "find /var/lib/app /var/lib/other /var/lib/mixed "
                  "-exec stat -c '%n %u:%g %a' {} + > /out/report")
    assert r.code == 0, r
    got = stats(r.file("report"))
    assert got["/var/lib/app"] == got["/var/lib/app/sub"] == "65534:65534 750"
    assert got["/var/lib/app/data.db"] == got["/var/lib/app/sub/index"] == "65534:65534 640"
    assert got["/var/lib/other"] == "3456:4567 711"       # fallback used, no recursion:
    assert got["/var/lib/other/f"] == "0:0 600"           # the file inside is untouched
    assert got["/var/lib/mixed"] == "1:4 604"             # daemon's uid, the fallback's gid
    assert "fix-attrs: info: applying /etc/fix-attrs.d/01-app" in r.err
    assert ("fix-attrs: warning: fix-attrs is deprecated, please fix volume permissions in "
            "your container manager instead") in r.err


def finish_scripts(image) -> None:
    for name in ("10-first", "20-second"):
        image.script(f"/etc/cont-finish.d/{name}",
                     f"#!/bin/sh\necho {name} >> /out/order\necho said-by-{name}\n")


def test_cont_finish_d_runs_in_order_after_the_cmd(image):
    finish_scripts(image)
    r = image.run("sh", "-c", "echo cmd >> /out/order; exit 4")
    assert r.code == 4, r
    assert r.file("order") == "cmd\n10-first\n20-second\n"
    assert r.out.index("said-by-10-first") < r.out.index("said-by-20-second"), r
    assert (r.err.index("cont-finish: info: running /etc/cont-finish.d/10-first")
            < r.err.index("cont-finish: info: running /etc/cont-finish.d/20-second"))


def test_cont_finish_d_runs_when_the_container_is_stopped(image):
    finish_scripts(image)
    with image.start("sh", "-c", "echo cmd >> /out/order; exec sleep 1000") as c:
        c.wait_for("order", "cmd")
        c.signal(signal.SIGTERM)
        r = c.wait()
    assert r.file("order") == "cmd\n10-first\n20-second\n", r
    assert "said-by-20-second" in r.out


def test_with_contenv_both_shebangs_see_a_variable_given_with_e(image):
    def show(name: str) -> str:
        return f'echo "${{GREETING-unset}}" > /out/{name}\n'

    image.script("/usr/local/bin/via-command",
                 "#!/command/with-contenv sh\n" + show("command"))
    image.script("/usr/local/bin/via-usr-bin",        # the symlinks tarball's /usr/bin link
                 "#!/usr/bin/with-contenv sh\n" + show("usr-bin"))
    image.script("/etc/services.d/svc/run",           # supervised: an empty environment
                 "#!/usr/bin/with-contenv sh\n" + show("service")
                 + "exec sleep 1000\n")
    cmd = ("echo \"${GREETING-unset}\" > /out/plain; via-command; via-usr-bin; "
           "while ! test -s /out/service; do sleep 0.05; done")
    r = image.run("sh", "-c", cmd, env={"GREETING": "hello from -e"})
    assert r.code == 0, r
    assert r.file("plain") == "unset\n"               # the CMD itself gets PATH only
    for name in ("command", "usr-bin", "service"):
        assert r.file(name) == "hello from -e\n", name


def talking_service(image) -> None:
    image.script("/etc/services.d/talk/run",
                 "#!/bin/sh\necho svc-out; echo svc-err >&2; exec sleep 1000\n")


def wait_log(*markers: str) -> str:
    """The CMD's tail: wait until the catch-all logger has filed each marker, copy its logdir out
    (a service's lines may come after the CMD's: they are not ordered)."""
    waits = "".join(f"while ! grep -q '{m}' /run/uncaught-logs/current 2>/dev/null; "
                    "do sleep 0.05; done; " for m in markers)
    return waits + "cp /run/uncaught-logs/current /out/current"


def test_logging_1_services_and_cmd_logged_and_copied_to_stderr(image):
    """s6-overlay 3.2.3.2's rule: with S6_LOGGING=1 the CMD writes into the catch-all like
    everything else; its lines reach the console's stderr through the logger, none stdout."""
    talking_service(image)
    r = image.run("sh", "-c", "echo cmd-out; echo cmd-err >&2; " + wait_log("svc-err", "cmd-err"),
                  env={"S6_LOGGING": "1"})
    assert r.code == 0, r
    logged = r.file("current")
    assert "svc-out" in logged and "svc-err" in logged, logged
    assert all(ISO.match(line) for line in logged.splitlines()), logged
    assert "s6-rc: info: service legacy-services successfully started" in logged
    assert "cmd-out" in logged and "cmd-err" in logged
    assert r.out == ""
    assert "cmd-out" in r.err and "cmd-err" in r.err


def test_logging_2_the_cmd_is_logged_too_and_nothing_reaches_the_terminal(image):
    talking_service(image)
    r = image.run("sh", "-c", "echo cmd-out; echo cmd-err >&2; " + wait_log("svc-err", "cmd-err"),
                  env={"S6_LOGGING": "2"})
    assert r.code == 0, r
    logged = r.file("current")
    for word in ("svc-out", "svc-err", "cmd-out", "cmd-err", "legacy-services successfully"):
        assert word in logged, word
    assert r.out == ""
    assert "svc-" not in r.err and "cmd-" not in r.err and "s6-rc" not in r.err, r.err


def test_read_only_root(image):
    image.script("/etc/cont-init.d/10-init", "#!/bin/sh\ntouch /out/cont-init\n")
    image.script("/etc/services.d/svc/run", "#!/bin/sh\ntouch /out/svc\nexec sleep 1000\n")
    cmd = ("while ! test -e /out/svc; do sleep 0.05; done; "
           "touch /etc/probe 2>/dev/null && echo rw > /out/root || echo ro > /out/root; "
           "touch /run/probe && echo rw > /out/run")
    r = image.run("sh", "-c", cmd, env={"S6_READ_ONLY_ROOT": "1"}, opts=["--read-only"])
    assert r.code == 0, r
    assert r.exists("cont-init") and r.exists("svc")
    assert r.file("root") == "ro\n"
    assert r.file("run") == "rw\n"
    assert "preinit: info: read-only root" in r.err


def test_user_container_with_a_logutil_service_logger(image):
    image.script("/etc/cont-init.d/10", "#!/bin/sh\nmkdir -p /run/applog\n")
    image.script("/etc/services.d/app/run",
                 "#!/bin/sh\nexec 2>&1\nwhile :; do echo app-line; sleep 0.05; done\n")
    image.script("/etc/services.d/app/log/run", "#!/bin/sh\nexec logutil-service /run/applog\n")
    cmd = ("while ! grep -q app-line /run/applog/current 2>/dev/null; do sleep 0.05; done; "
           "id -u > /out/id; stat -c %U /proc/$(s6-svstat -p /run/service/app/log) > /out/logger; "
           "stat -c %U /run/applog/current > /out/owner")
    r = image.run("sh", "-c", cmd,
                  opts=["--user", "nobody", "--tmpfs", "/run:exec,mode=0755,uid=65534,gid=65534"])
    assert r.code == 0, r
    assert r.file("id") == "65534\n"
    assert r.file("logger") == r.file("owner") == "nobody\n"
    assert ("preinit: info: container permissions: uid=65534 (nobody), euid=65534, "
            "gid=65534 (nogroup), egid=65534") in r.err
    assert "preinit: info: /run permissions: uid=65534 (nobody), gid=65534 (nogroup)" in r.err
    # a uid with no /run of its own: preinit says what to do
    r = image.run("true", opts=["--user", "4321:4321"])
    assert r.code == 100, r
    assert "--tmpfs /run:exec,mode=0755,uid=4321,gid=4321" in r.err
