"""Feature 1 of issue 17 under /init: S6_LOGGING_TEE and ``logutil-service -t`` copy each
line, prefixed ``[name]``, to the container's stdout, whatever S6_LOGGING says; the
logdirs are as without it; a blocked or closed stdout loses nothing from the logdirs;
an image that asks for nothing is unchanged."""
from __future__ import annotations

import os
import re
import signal
import subprocess
import threading
import time

import pytest

from tests.init.lifecycle.image import ROOT, Running
from tests.init.lifecycle.image import env as image_env

pytestmark = pytest.mark.root

N = 300
ISO = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{9}  ")
PREP = "#!/bin/sh\nfor d in web db api flood; do mkdir -p /var/log/$d; chown nobody /var/log/$d; done\n"


def talker(name: str, n: int = N, pad: str = "") -> str:
    return (f"#!/bin/sh\ni=0\nwhile [ $i -lt {n} ]; do i=$((i+1)); echo \"{name} line $i{pad}\"; "
            "done\nexec sleep 1000\n")


def logger(flags: str, logdir: str) -> str:
    return f"#!/bin/sh\nexec logutil-service {flags}{logdir}\n"


def services(image, flags=("", "", "")) -> None:
    """web and db in /etc/services.d, api as an s6-rc pipeline with its api-log."""
    image.script("/etc/cont-init.d/prep", PREP)
    for name, f in zip(("web", "db"), flags):
        image.legacy(name, talker(name), log__run=logger(f, f"/var/log/{name}"))
    image.rc("api", "longrun", user=None, run=talker("api"), producer_for="api-log\n")
    image.rc("api-log", "longrun", user=None, run=logger(flags[2], "/var/log/api"),
             consumer_for="api\n", pipeline_name="api-pipeline\n")
    image.file("/etc/s6-overlay/user-bundles.d/user/contents.d/api-pipeline", "")


def wait_logged(names=("web", "db", "api"), n: int = N) -> str:
    loops = " ".join(f"while ! grep -q '{x} line {n}$' /var/log/{x}/current 2>/dev/null; "
                     "do sleep 0.02; done;" for x in names)
    return loops + " for x in " + " ".join(names) + "; do cp /var/log/$x/current /out/$x; done"


def copies(text: str, name: str) -> list[str]:
    return [x for x in text.splitlines() if x.startswith(f"[{name}] ")]


def expected(name: str, n: int = N, pad: str = "") -> list[str]:
    return [f"[{name}] {name} line {i}{pad}" for i in range(1, n + 1)]


@pytest.mark.slow
@pytest.mark.parametrize("logging", ["0", "1", "2"])
def test_every_line_on_stdout_with_its_name_in_every_logging_mode(image, logging):
    services(image)
    cmd = wait_logged() + "; cp /run/uncaught-logs/current /out/uncaught 2>/dev/null; true"
    r = image.run("sh", "-c", cmd, env={"S6_LOGGING_TEE": "1", "S6_LOGGING": logging})
    assert r.code == 0, r
    for name in ("web", "db", "api"):
        assert copies(r.out, name) == expected(name), (name, r.out[-2000:])
        logged = r.file(name).splitlines()             # the logdir as without the copy
        assert [x[31:] for x in logged] == [f"{name} line {i}" for i in range(1, N + 1)]
        assert all(ISO.match(x) for x in logged)
    assert "[web]" not in r.err                         # not the catch-all's console copy
    assert "[web]" not in r.file("uncaught")            # nor filed again in /run/uncaught-logs
    if logging == "0":
        assert len(r.out.splitlines()) == 3 * N         # nothing else on stdout here


def test_logutil_service_t_for_one_service_only(image):
    services(image, flags=("-t ", "", "-t "))
    r = image.run("sh", "-c", wait_logged())
    assert r.code == 0, r
    assert copies(r.out, "web") == expected("web") and copies(r.out, "api") == expected("api")
    assert copies(r.out, "db") == []
    assert len(r.file("db").splitlines()) == N


def test_a_name_of_its_own(image):
    image.script("/etc/cont-init.d/prep", PREP)
    image.legacy("web", talker("web", 3), log__run=logger("-t -n frontend ", "/var/log/web"))
    r = image.run("sh", "-c", wait_logged(("web",), 3))
    assert r.code == 0, r
    assert copies(r.out, "frontend") == ["[frontend] web line 1", "[frontend] web line 2",
                                         "[frontend] web line 3"]


FD1 = ("for p in /proc/[0-9]*; do [ \"$(readlink $p/cwd)\" = /run/s6/legacy-services/web/log ] "
       "&& readlink $p/fd/1 > /out/logger-fd1; done; x=$(readlink /proc/$$/fd/1); echo \"$x\" > /out/cmd-fd1; "
       "ls /proc/1/fd | wc -l > /out/pid1-fds")


def test_an_image_that_asks_for_nothing_is_unchanged(image):
    services(image)
    r = image.run("sh", "-c", wait_logged() + "; " + FD1)
    assert r.code == 0, r
    assert "[" not in r.out and r.out.count("line") == 0   # the loggers' lines stay in logdirs
    for name in ("web", "db", "api"):
        assert len(r.file(name).splitlines()) == N
    assert r.file("logger-fd1") == r.file("cmd-fd1") != ""  # the logger writes where it did
    plain_fds = int(r.file("pid1-fds"))
    image.clear_out()
    r = image.run("sh", "-c", wait_logged() + "; " + FD1, env={"S6_LOGGING_TEE": "1"})
    assert r.code == 0, r
    assert r.file("logger-fd1") != r.file("cmd-fd1")        # with the copy: a pipe of its own
    assert int(r.file("pid1-fds")) == plain_fds + 3         # PID 1 holds the three copies' pipes


def start(image, cmd: str, env: dict, stdout) -> Running:
    return Running(image, subprocess.Popen(
        image.argv(["sh", "-c", cmd], env, []), stdin=subprocess.DEVNULL, stdout=stdout,
        stderr=open(os.path.join(image.tmp, "stderr"), "wb"), env=image_env(), cwd=ROOT))


BIG = 40000     # ~4.4 MB: more than the pipes and the relay hold
PAD = " " + "x" * 80


def logdir_lines(path: str) -> list[str]:
    """Every line of a logdir, archives first (their names sort by time), then current."""
    names = sorted(n for n in os.listdir(path) if n.startswith("@")) + ["current"]
    return [x for n in names for x in open(os.path.join(path, n)).read().splitlines()]


@pytest.mark.slow
def test_a_blocked_stdout_holds_the_service_back_and_loses_nothing(image):
    image.script("/etc/cont-init.d/prep", PREP.replace("/var/log/$d", "/out/$d"))
    image.legacy("flood", talker("flood", BIG, PAD), log__run=logger("-t ", "/out/flood"))
    r_fd, w_fd = os.pipe()
    # in current or an archive: a slow start of the CMD may come after a rotation
    cmd = ("while ! grep -qs 'flood line 1 ' /out/flood/@* /out/flood/current; do sleep 0.02; "
           "done; touch /out/started; "
           f"while ! grep -qs 'flood line {BIG} ' /out/flood/@* /out/flood/current; do "
           "sleep 0.05; done")
    with start(image, cmd, {"S6_LOGGING_TEE": "1"}, w_fd) as c:
        os.close(w_fd)
        c.wait_for("started")
        time.sleep(2)                                   # nobody reads the container's stdout
        meanwhile = len(logdir_lines(os.path.join(image.outdir, "flood")))
        got: list[bytes] = []
        reader = threading.Thread(target=lambda: got.append(_read_all(r_fd)))
        reader.start()
        code = c.proc.wait(90)
        reader.join(30)
    assert code == 0, (code, stderr(image))
    assert 0 < meanwhile < BIG            # the logdir waited with the copy (s6-log -b's rule)
    assert copies(got[0].decode(), "flood") == expected("flood", BIG, PAD)
    assert [x[31:] for x in logdir_lines(os.path.join(image.outdir, "flood"))] == \
        [f"flood line {i}{PAD}" for i in range(1, BIG + 1)]


@pytest.mark.slow
def test_a_stdout_nobody_reads_does_not_stop_docker_stop(image):
    image.script("/etc/cont-init.d/prep", PREP)
    image.legacy("flood", talker("flood", BIG, PAD), log__run=logger("-t ", "/var/log/flood"))
    r_fd, w_fd = os.pipe()
    with start(image, "touch /out/up; exec sleep 1000", {"S6_LOGGING_TEE": "1"}, w_fd) as c:
        os.close(w_fd)
        c.wait_for("up")
        time.sleep(1.5)
        t0 = time.monotonic()
        c.signal(signal.SIGTERM)
        code = c.proc.wait(60)
        took = time.monotonic() - t0
    os.close(r_fd)
    assert code == 0, (code, stderr(image))
    assert took < 9, took    # services.d's grace (3 s), the TERM grace (3 s), 1 s for the copies


def test_a_closed_stdout_is_dropped_once_and_the_logdir_gets_everything(image):
    image.script("/etc/cont-init.d/prep", PREP)
    image.legacy("flood", talker("flood", 5000), log__run=logger("-t ", "/var/log/flood"))
    r_fd, w_fd = os.pipe()
    os.close(r_fd)
    with start(image, wait_logged(("flood",), 5000), {"S6_LOGGING_TEE": "1"}, w_fd) as c:
        os.close(w_fd)
        code = c.proc.wait(60)
    err = open(os.path.join(image.tmp, "stderr")).read()
    assert code == 0, err
    assert len(open(os.path.join(image.outdir, "flood")).read().splitlines()) == 5000
    assert err.count("s6py: warning: tee: unable to write to stdout") == 1, err
    assert "Broken pipe" in err


def test_a_user_container_tees_too(image):
    image.script("/etc/cont-init.d/prep", "#!/bin/sh\nmkdir -p /run/weblog\n")
    image.legacy("web", talker("web", 5), log__run=logger("", "/run/weblog"))
    cmd = ("while ! grep -q 'web line 5$' /run/weblog/current 2>/dev/null; do sleep 0.02; done")
    r = image.run("sh", "-c", cmd, opts=["--user", "1000:1000", "--tmpfs", "/run:exec,mode=1777"],
                  env={"S6_LOGGING_TEE": "1"})
    assert r.code == 0, r
    assert copies(r.out, "web") == expected("web", 5)


def stderr(image) -> str:
    with open(os.path.join(image.tmp, "stderr")) as f:
        return f.read()


def _read_all(fd: int) -> bytes:
    out = []
    while True:
        data = os.read(fd, 1 << 16)
        if not data:
            os.close(fd)
            return b"".join(out)
        out.append(data)
