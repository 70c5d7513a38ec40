"""The README's user stories, end to end: its marked examples, as users copy them, in a sandbox.

Each test boots the host's / with the extracted overlay tarballs and a layer
of its own holding the README's files (``tests/e2e/readme.py`` finds them by
their ``<!-- example: ... -->`` marker) plus what stands in for the user's
program (``mydaemon``), with ``/init`` as PID 1 under ``python3 -m
init.sandbox``.  "docker stop" is a SIGTERM to the runner, which relays it
to PID 1.
"""
from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import signal
import stat
import subprocess
import time

import pytest

from overlays import build as ob
from tests.e2e import readme
from tests.init.lifecycle.image import Result, Running
from tests.init.sandbox import helpers

pytestmark = pytest.mark.root

EXAMPLES = readme.load()
ISO = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{9}  ")
NOBODY = 65534
# Stands in for the README's "mydaemon": runs in the foreground, logs to stderr.
TICKER = """#!/bin/sh
echo "mydaemon: started $*" >&2
echo $$ > /out/mydaemon.pid
i=0
while :; do i=$((i+1)); echo "mydaemon: tick $i" >&2; sleep 0.1; done
"""


class App:
    """A user's image: the overlay tarballs extracted, then a layer with the test's files."""

    def __init__(self, tmp, overlay_layer: str) -> None:
        self.tmp = str(tmp)
        self.overlay = overlay_layer
        self.layer = os.path.join(self.tmp, "app")
        self.outdir = os.path.join(self.tmp, "out")
        os.makedirs(self.outdir, mode=0o777)
        os.chmod(self.outdir, 0o777)
        readme.place(self.layer, "/out/.keep", "")

    def put(self, path: str, text: str) -> None:
        """A file at its image path; ``#!`` makes it executable, as ``readme.place`` does."""
        readme.place(self.layer, path, text)

    def put_examples(self, prefix: str) -> dict[str, str]:
        """The README's files whose path starts with prefix (no variants); returns them."""
        files = readme.under(EXAMPLES, prefix)
        assert files, f"README.md has no example under {prefix}"
        for path, text in files.items():
            self.put(path, text)
        return files

    def argv(self, cmd, opts) -> list[str]:
        return (helpers.RUNNER + ["/", "--layer", self.overlay, "--layer", self.layer,
                                  "--bind", f"{self.outdir}:/out", "--tmpdir", self.tmp]
                + list(opts) + ["--"] + list(cmd))

    def run(self, *cmd: str, opts=(), timeout: float = 60) -> Result:
        p = subprocess.run(self.argv(cmd, opts), stdin=subprocess.DEVNULL, capture_output=True,
                           text=True, timeout=timeout, env=helpers.env(), cwd=helpers.ROOT)
        return Result(p.returncode, p.stdout, p.stderr, self.outdir)

    def start(self, *cmd: str, opts=()) -> Running:
        with open(os.path.join(self.tmp, "stdout"), "wb") as out, \
                open(os.path.join(self.tmp, "stderr"), "wb") as err:
            proc = subprocess.Popen(self.argv(cmd, opts), stdin=subprocess.DEVNULL, stdout=out,
                                    stderr=err, env=helpers.env(), cwd=helpers.ROOT)
        return Running(self, proc)


@pytest.fixture
def app(tmp_path, overlay_layer) -> App:
    return App(tmp_path, overlay_layer)


def pid1(running: Running, timeout: float = 30) -> int:
    """The container's PID 1 as the host sees it, once the runner has forked it."""
    end = time.monotonic() + timeout
    while True:
        try:
            return running.pid1()
        except (OSError, IndexError, ValueError):
            if running.proc.poll() is not None or time.monotonic() > end:
                raise AssertionError("no PID 1: " + running.output()) from None
            time.sleep(0.02)


def stop(running: Running, timeout: float = 30) -> Result:
    """``docker stop``: SIGTERM to the runner, then wait for the container's exit code."""
    running.signal(signal.SIGTERM)
    return running.wait(timeout)


def logged_lines(path: str, marker: str, running: Running, timeout: float = 30) -> list[str]:
    """The lines of a host-visible logdir's ``current`` once marker is in it."""
    end = time.monotonic() + timeout
    while True:
        try:
            with open(path) as f:
                text = f.read()
            if marker in text:
                return text.splitlines()
        except FileNotFoundError:
            pass
        if running.proc.poll() is not None or time.monotonic() > end:
            raise AssertionError(f"{path} never had {marker!r}: {running.output()}")
        time.sleep(0.05)


# --------------------------------------------------------------- installing


def test_readme_sha256_check_passes_on_the_built_tarballs(overlay_dist, tmp_path):
    os.symlink(overlay_dist, tmp_path / "dist")
    p = subprocess.run(["sh", "-ec", EXAMPLES["verify"]], cwd=tmp_path, capture_output=True,
                       text=True, timeout=60)
    assert p.returncode == 0, p.stdout + p.stderr
    assert sorted(p.stdout.splitlines()) == sorted(f"{n}: OK" for n in (ob.MAIN, ob.SYMLINKS,
                                                                         ob.SYSLOGD))


# --------------------------------------------------------------- quick start

PROBE = r"""
import json, os, time, urllib.request
end = time.monotonic() + 30
while True:
    try:
        r = urllib.request.urlopen("http://127.0.0.1/", timeout=5)
        status, server = r.status, r.headers.get("Server", "")
        break
    except OSError as e:
        if time.monotonic() > end:
            status, server = 0, repr(e)
            break
        time.sleep(0.05)
procs = []
for pid in os.listdir("/proc"):
    if pid.isdigit() and int(pid) != os.getpid():
        try:
            with open(f"/proc/{pid}/stat") as f:
                ppid = int(f.read().rsplit(")", 1)[1].split()[1])
            with open(f"/proc/{pid}/cmdline", "rb") as f:
                argv = f.read().decode(errors="replace").split("\0")[:-1]
        except OSError:
            continue
        procs.append([int(pid), ppid, argv])
print(json.dumps({"status": status, "server": server, "procs": procs}))
"""


def quick_start() -> tuple[list[str], list[str]]:
    """The quick-start Dockerfile's (tarballs extracted, ENTRYPOINT + CMD)."""
    instrs = readme.dockerfile(EXAMPLES["quick start Dockerfile"])
    last = {instr: args for instr, args in instrs}
    return readme.tarballs(instrs), readme.exec_form(last["ENTRYPOINT"]) + readme.exec_form(
        last["CMD"])


def test_quick_start_dockerfile_installs_what_the_build_makes(overlay_dist):
    tarballs, argv = quick_start()
    assert sorted(tarballs) == sorted([ob.MAIN, ob.SYMLINKS])
    assert all(os.path.exists(os.path.join(overlay_dist, t)) for t in tarballs)
    copied = [args for instr, args in readme.dockerfile(EXAMPLES["quick start Dockerfile"])
              if instr == "COPY"]
    assert all(f"dist/{t}" in " ".join(copied) for t in tarballs), copied
    assert argv[0] == "/init"


@pytest.mark.skipif(not os.path.exists("/usr/sbin/nginx") or not shutil.which("nsenter"),
                    reason="needs Debian's nginx and nsenter")
def test_quick_start_nginx_answers_and_docker_stop_exits_0(app):
    _, argv = quick_start()
    assert argv[:2] == ["/init", "nginx"], argv
    with app.start(*argv[1:]) as running:
        # "docker exec": a process in all the container's namespaces asks nginx
        p = subprocess.run(["nsenter", "-t", str(pid1(running)), "-a", "/usr/bin/python3",
                            "-c", PROBE], capture_output=True, text=True, timeout=60)
        assert p.returncode == 0, p.stderr + running.output()
        seen = json.loads(p.stdout)
        assert seen["status"] == 200, f"{seen['server']} {running.output()}"
        assert seen["server"].startswith("nginx"), seen
        procs = {pid: (ppid, argv) for pid, ppid, argv in seen["procs"]}
        init_argv = procs[1][1]
        assert os.path.basename(init_argv[0]).startswith("python3") and "/init" in init_argv, \
            init_argv
        master = [pid for pid, (ppid, a) in procs.items() if a and a[0].startswith("nginx: master")]
        assert len(master) == 1 and procs[master[0]][0] == 1, procs
        workers = [pid for pid, (ppid, a) in procs.items() if ppid == master[0]]
        assert workers and all(procs[w][1][0].startswith("nginx: worker") for w in workers), procs
        # and nothing else: PID 1 is the supervisor, s6-rc and shutdownd at once
        assert set(procs) == {1, master[0], *workers}, procs
        r = stop(running)
    assert r.code == 0, r
    assert "s6-rc: info: service legacy-services successfully stopped" in r.err


# --------------------------------------------------------------- the CMD


def test_cmd_exit_code_and_the_lines_the_readme_shows(app):
    (run, shown), (echo, code) = readme.transcript(EXAMPLES["CMD transcript"])
    words = shlex.split(run)
    assert words[:2] == ["docker", "run"] and echo == "echo $?", (run, echo)
    cmd = words[words.index("demo") + 1:]
    r = app.run(*cmd)
    assert r.code == int(code[0]), r
    assert r.out == ""
    assert r.err.splitlines() == shown, r.err


def test_with_contenv_example_prints_the_container_environment(app):
    app.put("/etc/cont-init.d/01-contenv-example",
            EXAMPLES["/etc/cont-init.d/01-contenv-example"])
    r = app.run("sh", "-c", "echo \"cmd sees FOO=[$FOO]\"", opts=["-e", "FOO=from-docker-run"])
    assert r.code == 0, r
    assert "\nFOO=from-docker-run\n" in r.out, r          # the script, through with-contenv
    assert "cmd sees FOO=[]" in r.out, r                   # the CMD itself: PATH only
    assert "cont-init: info: /etc/cont-init.d/01-contenv-example exited 0" in r.err


# --------------------------------------------------------------- logged services


def check_logdir(varlog: str, lines: list[str]) -> None:
    """logutil-service's defaults: ISO stamps, nobody's files, the prepare step's modes."""
    logdir = os.path.join(varlog, "myapp")
    assert lines[0].endswith("  mydaemon: started --foreground"), lines[:3]
    assert all(ISO.match(line) for line in lines), [x for x in lines if not ISO.match(x)][:3]
    ticks = [int(line.rsplit(" ", 1)[1]) for line in lines[1:]]
    assert ticks == list(range(1, len(ticks) + 1)), ticks     # in order, none lost
    st = os.stat(logdir)
    assert (st.st_uid, st.st_gid) == (NOBODY, NOBODY)          # chown nobody:nogroup
    assert stat.S_IMODE(st.st_mode) == 0o2755
    for name in ("current", "lock", "state"):
        assert os.stat(os.path.join(logdir, name)).st_uid == NOBODY, name
    # s6-log marks a cleanly closed current executable
    assert os.stat(os.path.join(logdir, "current")).st_mode & stat.S_IXUSR


def logged_service(app, varlog) -> Result:
    os.makedirs(varlog)
    app.put("/usr/local/bin/mydaemon", TICKER)
    with app.start(opts=["--bind", f"{varlog}:/var/log"]) as running:
        lines = logged_lines(os.path.join(varlog, "myapp", "current"), "tick 3\n", running)
        r = stop(running)
    assert r.code == 0, r
    assert ISO.match(lines[0]), lines[:3]
    return r


def test_services_d_logged_service(app, tmp_path):
    files = app.put_examples("/etc/services.d/myapp/")
    assert sorted(files) == ["/etc/services.d/myapp/log/run", "/etc/services.d/myapp/run"]
    app.put("/etc/cont-init.d/myapp-log-prepare", EXAMPLES["/etc/cont-init.d/myapp-log-prepare"])
    varlog = str(tmp_path / "varlog")
    r = logged_service(app, varlog)
    with open(os.path.join(varlog, "myapp", "current")) as f:
        check_logdir(varlog, f.read().splitlines())
    assert "cont-init: info: /etc/cont-init.d/myapp-log-prepare exited 0" in r.err
    assert "services-up: info: copying legacy longrun myapp (no readiness notification)" in r.err
    assert "mydaemon:" not in r.out + r.err                 # all of it went to the logger


def test_s6rc_pipeline_logged_service(app, tmp_path):
    files = app.put_examples("/etc/s6-overlay/s6-rc.d/myapp")
    assert {p.split("/")[4] for p in files} == {"myapp", "myapp-log", "myapp-log-prepare"}
    assert not files["/etc/s6-overlay/s6-rc.d/myapp-log-prepare/up"].startswith("#!")  # execline
    for path in readme.paths(EXAMPLES["s6-rc empty files"]):
        app.put(path, "")
    varlog = str(tmp_path / "varlog")
    r = logged_service(app, varlog)
    with open(os.path.join(varlog, "myapp", "current")) as f:
        check_logdir(varlog, f.read().splitlines())
    for name in ("myapp-log-prepare", "myapp-log", "myapp"):
        assert f"s6-rc: info: service {name} successfully started" in r.err, r.err
        assert f"s6-rc: info: service {name} successfully stopped" in r.err, r.err
    assert "warning: defining user bundles" not in r.err   # user-bundles.d: no compatibility mode
    assert "mydaemon:" not in r.out + r.err


# --------------------------------------------------------------- finish scripts


def test_finish_exit_code_script_sets_the_docker_stop_code(app):
    app.put_examples("/etc/services.d/myapp/run")
    app.put("/etc/services.d/myapp/finish", EXAMPLES["/etc/services.d/myapp/finish (exit code)"])
    app.put("/usr/local/bin/mydaemon", TICKER)
    with app.start() as running:
        running.wait_for("mydaemon.pid", "\n")
        r = stop(running)
    assert r.code == 143, r       # TERM killed mydaemon: 128 + 15, from the finish script
    assert "mydaemon: started --foreground\n" in r.out    # run's exec 2>&1


# Exits 0 the first time (the service is restarted), 7 the second.
FAILS_SECOND_TIME = """#!/bin/sh
n=$(cat /out/runs 2>/dev/null || echo 0)
n=$((n+1))
echo $n > /out/runs
echo "mydaemon: run $n" >&2
test "$n" -lt 2 || exit 7
exit 0
"""


def test_finish_halts_only_on_failure(app):
    app.put_examples("/etc/services.d/myapp/run")
    app.put("/etc/services.d/myapp/finish",
            EXAMPLES["/etc/services.d/myapp/finish (halt on failure)"])
    app.put("/usr/local/bin/mydaemon", FAILS_SECOND_TIME)
    r = app.run()                 # no CMD, no stop: only the finish script ends it
    assert r.code == 7, r
    assert r.file("runs") == "2\n", r
    assert r.out == "mydaemon: run 1\nmydaemon: run 2\n", r   # restarted once, then halted


# --------------------------------------------------------------- beyond s6-overlay (issue 17)


def test_tee_transcript_service_names_in_docker_logs(app, tmp_path):
    (run, _), (logs, shown) = readme.transcript(EXAMPLES["tee transcript"])
    assert "-e S6_LOGGING_TEE=1" in run and logs.endswith("2>/dev/null"), (run, logs)
    app.put_examples("/etc/services.d/myapp/")
    app.put("/etc/cont-init.d/myapp-log-prepare", EXAMPLES["/etc/cont-init.d/myapp-log-prepare"])
    varlog = str(tmp_path / "varlog")
    os.makedirs(varlog)
    app.put("/usr/local/bin/mydaemon", TICKER)
    with app.start(opts=["--bind", f"{varlog}:/var/log", "-e", "S6_LOGGING_TEE=1"]) as running:
        lines = logged_lines(os.path.join(varlog, "myapp", "current"), "tick 3\n", running)
        r = stop(running)
    assert r.code == 0, r
    check_logdir(varlog, lines)                               # the logdir as without the copy
    out = r.out.splitlines()                                  # docker logs 2>/dev/null: stdout
    assert out[:len(shown)] == shown, r.out[:500]
    ticks = [int(x.rsplit(" ", 1)[1]) for x in out[1:]]
    assert ticks == list(range(1, len(ticks) + 1)) and len(ticks) >= 3   # every line, in order
    assert "[myapp]" not in r.err


def test_tee_for_one_service_with_logutil_service_t(app, tmp_path):
    app.put_examples("/etc/services.d/myapp/run")
    app.put("/etc/services.d/myapp/log/run", EXAMPLES["/etc/services.d/myapp/log/run (tee)"])
    app.put("/etc/cont-init.d/myapp-log-prepare", EXAMPLES["/etc/cont-init.d/myapp-log-prepare"])
    varlog = str(tmp_path / "varlog")
    r = logged_service(app, varlog)
    assert r.out.startswith("[myapp] mydaemon: started --foreground\n[myapp] mydaemon: tick 1\n")


def declared_myapp(app) -> None:
    app.put_examples("/etc/s6-overlay/s6-rc.d/myapp/type")
    app.put_examples("/etc/s6-overlay/s6-rc.d/myapp/run")
    app.put("/etc/s6-overlay/s6-rc.d/myapp/log",
            EXAMPLES["/etc/s6-overlay/s6-rc.d/myapp/log (declared)"])
    for path in readme.paths(EXAMPLES["s6-rc empty files (declared)"]):
        app.put(path, "")


def test_declared_logger_in_one_file(app, tmp_path):
    declared_myapp(app)
    varlog = str(tmp_path / "varlog")
    r = logged_service(app, varlog)
    with open(os.path.join(varlog, "myapp", "current")) as f:
        check_logdir(varlog, f.read().splitlines())             # as the three definitions do
    for name in ("myapp-log-prepare", "myapp-log", "myapp"):
        assert f"s6-rc: info: service {name} successfully started" in r.err, r.err
        assert f"s6-rc: info: service {name} successfully stopped" in r.err, r.err
    assert "mydaemon:" not in r.out + r.err


def test_declared_logger_definitions_are_real_ones(app):
    declared_myapp(app)
    app.put("/usr/local/bin/mydaemon", TICKER)
    cmd = ("s6-rc listall myapp > /out/listall; s6-rc -a list > /out/up; "
           "s6-svstat /run/service/myapp-log > /out/svstat; "
           "cat /run/s6-rc/servicedirs/myapp-log/run > /out/run")
    r = app.run("sh", "-c", cmd)
    assert r.code == 0, r
    assert {"myapp", "myapp-log", "myapp-log-prepare"} <= set(r.file("listall").split())
    assert {"myapp", "myapp-log", "myapp-log-prepare"} <= set(r.file("up").split())
    assert r.file("svstat").startswith("up (pid ")
    assert r.file("run") == ("#!/bin/sh\nexec logutil-service -n myapp "
                             "-S 'n20 s1000000 T /var/log/myapp'\n")


def test_declared_logger_of_a_oneshot(app, tmp_path):
    d = "/etc/s6-overlay/s6-rc.d/migrate"
    app.put(f"{d}/up", EXAMPLES[f"{d}/up"])
    app.put(f"{d}/type", "oneshot\n")
    app.put(f"{d}/log", "")
    app.put("/etc/s6-overlay/user-bundles.d/user/contents.d/migrate", "")
    app.put("/usr/local/bin/migrate", "#!/bin/sh\necho 'migrate: schema ready'\n"
            "echo 'migrate: warned' >&2\n")
    varlog = str(tmp_path / "varlog")
    os.makedirs(varlog)
    r = app.run("true", opts=["--bind", f"{varlog}:/var/log"])
    assert r.code == 0, r
    with open(os.path.join(varlog, "migrate", "current")) as f:
        lines = f.read().splitlines()
    assert [x[31:] for x in lines] == ["migrate: schema ready", "migrate: warned"], lines
    assert all(ISO.match(x) for x in lines)                  # S6_LOGGING_SCRIPT's default
    assert "migrate: schema" not in r.out + r.err and "migrate: warned" not in r.err
