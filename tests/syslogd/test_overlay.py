"""overlays/syslogd: the service definitions that make the
syslogd-overlay tarball, checked as files, then run for real (execline
run scripts through Debian's execlineb, the prepare script through sh)."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

import pytest

from .helpers import LOGDIRS, OVERLAY, SHARED, can_unshare, env, logger_command, route, strip_stamp

RC_D = OVERLAY / "etc/s6-overlay/s6-rc.d"
PREPARE = OVERLAY / "package/admin/s6-overlay/etc/s6-rc/scripts/syslogd-prepare"
EXECLINEB = shutil.which("execlineb")
ENVUIDGID = shutil.which("s6-envuidgid")


def read(path) -> str:
    return path.read_text()


def test_service_definitions():
    assert read(RC_D / "syslogd-prepare/type") == "oneshot\n"
    assert read(RC_D / "syslogd/type") == "longrun\n"
    assert read(RC_D / "syslogd-log/type") == "longrun\n"
    assert read(RC_D / "syslogd-bundle/type") == "bundle\n"
    assert read(RC_D / "syslogd/producer-for") == "syslogd-log\n"
    assert read(RC_D / "syslogd-log/consumer-for") == "syslogd\n"
    assert read(RC_D / "syslogd-log/pipeline-name") == "syslogd-pipeline\n"
    assert read(RC_D / "syslogd/notification-fd") == "3\n"
    assert read(RC_D / "syslogd-log/notification-fd") == "3\n"
    assert sorted(os.listdir(RC_D / "syslogd-bundle/contents.d")) == ["syslogd-pipeline",
                                                                      "syslogd-prepare"]
    for svc in ("syslogd", "syslogd-log"):
        assert sorted(os.listdir(RC_D / svc / "dependencies.d")) == ["base", "syslogd-prepare"]
    assert os.listdir(RC_D / "syslogd-prepare/dependencies.d") == ["base"]
    up = read(RC_D / "syslogd-prepare/up").split()
    assert up == ["/package/admin/s6-overlay/etc/s6-rc/scripts/syslogd-prepare"]
    assert PREPARE.stat().st_mode & 0o111


def test_bundle_joins_user_through_user_bundles_d():
    """DECISIONS.md #12: not s6-rc.d/user, which would switch stage 2 into
    compatibility mode and make it ignore user-bundles.d."""
    assert not (RC_D / "user").exists()
    entry = OVERLAY / "etc/s6-overlay/user-bundles.d/user/contents.d/syslogd-bundle"
    assert entry.is_file() and entry.read_bytes() == b""
    assert not (OVERLAY / "etc/s6-overlay/user-bundles.d/user/type").exists()


def test_run_scripts_call_the_command_names():
    run = read(RC_D / "syslogd/run")
    assert run.startswith("#!/command/execlineb -P\n")
    assert [ln for ln in run.splitlines() if ln and not ln.startswith("#")] == [
        "s6-envuidgid -D 32760:32760: -- syslog", "s6-socklog -d3 -U -t3000"]
    log = read(RC_D / "syslogd-log/run")
    assert log.startswith("#!/command/execlineb -P\n")
    assert "s6-envuidgid -D 32761:32761: -- sysllog\ns6-applyuidgid -U --\n" in log
    assert "\nexec -c\ns6-log -d3 --\n" in log


def _script_from_runner(base: str) -> list[str]:
    """The routing script the shared conformance runner was recorded with."""
    runner = SHARED / "conformance" / "syslogd-run"
    if not runner.exists():
        pytest.skip("../shared/conformance not present")
    ns: dict = {}
    src = runner.read_text()
    start = src.index("def overlay_script")
    end = src.index("def prepare_logdirs")
    exec("import os\n" + src[start:end], ns)
    return ns["overlay_script"](base)


def _world_dir() -> str:
    d = tempfile.mkdtemp(prefix="s6py-overlay-")
    os.chmod(d, 0o755)
    return d


def _stub(path: str, body: str) -> None:
    with open(path, "w") as f:
        f.write("#!/bin/sh\n" + body)
    os.chmod(path, 0o755)


@pytest.mark.root
@pytest.mark.skipif(not (EXECLINEB and ENVUIDGID and can_unshare()),
                    reason="needs root, unshare -m, Debian execline and s6")
@pytest.mark.parametrize("logging_script,t_words", [
    (None, ["n20", "s1000000"]),
    ("n20 s1000000 T", ["n20", "s1000000", "T"]),
    ("n5\ns2000000  T\n", ["n5", "s2000000", "T"]),
])
def test_logger_run_script_argv(logging_script, t_words):
    """Run syslogd-log/run with execlineb; a stub s6-log records its argv,
    ids and environment."""
    work = _world_dir()
    try:
        stubs = os.path.join(work, "stubs")
        os.mkdir(stubs, 0o755)
        out = os.path.join(work, "out")
        os.mkdir(out)
        os.chmod(out, 0o777)
        _stub(os.path.join(stubs, "printcontenv"), 'exec printenv "$1"\n')
        fake = os.path.join(work, "s6-log")
        _stub(fake, 'printf "%%s\\0" "$@" > %s/argv\nid -u > %s/id\nid -g >> %s/id\n'
                    'env > %s/env\n' % (out, out, out, out))
        e = {"PATH": stubs + ":/usr/bin:/bin"}
        if logging_script is not None:
            e["S6_LOGGING_SCRIPT"] = logging_script
        script = ("mount --make-rprivate / && mount --bind %s /usr/bin/s6-log && "
                  "exec execlineb -P %s" % (fake, RC_D / "syslogd-log/run"))
        p = subprocess.run(["unshare", "-m", "sh", "-c", script], env=e, capture_output=True,
                           timeout=30)
        assert p.returncode == 0, p.stderr
        argv = open(os.path.join(out, "argv"), "rb").read().split(b"\0")[:-1]
        ids = open(os.path.join(out, "id")).read().split()
        envdump = open(os.path.join(out, "env")).read()
    finally:
        shutil.rmtree(work)
    words = [a.decode() for a in argv]
    assert words[:2] == ["-d3", "--"]
    expected = _script_from_runner("/var/log/syslogd")
    if t_words != ["T"]:
        expected = [w for x in expected for w in (t_words if x == "T" else [x])]
    assert words[2:] == expected
    assert ids == ["32761", "32761"]  # no "sysllog" user here: the fallback
    assert set(re.findall(r"^(\w+)=", envdump, re.M)) <= {"PWD", "SHLVL", "_"}


@pytest.mark.skipif(not (EXECLINEB and ENVUIDGID), reason="needs Debian execline and s6")
def test_syslogd_run_script_argv(tmp_path):
    stubs = tmp_path / "stubs"
    stubs.mkdir()
    _stub(str(stubs / "s6-socklog"),
          'printf "%%s\\n" "$@" "UID=$(printenv UID)" "GID=$(printenv GID)" '
          '"GIDLIST=$(printenv GIDLIST)" > %s/out\n' % tmp_path)
    p = subprocess.run(["execlineb", "-P", str(RC_D / "syslogd/run")],
                       env={"PATH": "%s:/usr/bin:/bin" % stubs}, capture_output=True, timeout=30)
    assert p.returncode == 0, p.stderr
    assert (tmp_path / "out").read_text().split("\n")[:-1] == [
        "-d3", "-U", "-t3000", "UID=32760", "GID=32760", "GIDLIST="]


@pytest.mark.root
@pytest.mark.skipif(not (ENVUIDGID and can_unshare()), reason="needs root, unshare -m, s6")
def test_prepare_script_modes_and_owners():
    script = ("mount --make-rprivate / && mount -t tmpfs prep /var/log && "
              "sh -e %s && ls -lnd /var/log/syslogd /var/log/syslogd/* && "
              "%s -e %s" % (PREPARE, "sh", PREPARE))  # a second run is harmless
    p = subprocess.run(["unshare", "-m", "sh", "-c", script], capture_output=True, timeout=30,
                       env={"PATH": "/usr/bin:/bin"})
    assert p.returncode == 0, p.stderr
    rows = {}
    for ln in p.stdout.decode().splitlines():
        f = ln.split()
        rows[f[-1]] = (f[0], f[2], f[3])
    assert rows.pop("/var/log/syslogd") == ("drwxr-sr-x", "32761", "32761")
    assert rows.pop("/var/log/syslogd/secure") == ("drwxr-s---", "32761", "32761")
    assert sorted(rows) == sorted("/var/log/syslogd/" + n for n in LOGDIRS if n != "secure")
    assert set(rows.values()) == {("drwxr-sr-x", "32761", "32761")}


@pytest.mark.root
@pytest.mark.slow
@pytest.mark.skipif(not (EXECLINEB and ENVUIDGID and can_unshare()),
                    reason="needs root, unshare -m, Debian execline and s6")
@pytest.mark.parametrize("logging_script", [None, "n20 s1000000 T"])
def test_overlay_end_to_end(logging_script):
    """prepare, syslogd-log, syslogd from their own files; glibc, logger and
    Python on the real /dev/log of a private namespace; SIGTERM; logdirs."""
    work = _world_dir()
    try:
        stubs = os.path.join(work, "stubs")
        os.mkdir(stubs, 0o755)
        repo = str(OVERLAY.parents[1])
        _stub(os.path.join(stubs, "s6-socklog"),
              'PYTHONPATH=%s exec %s -m syslogd "$@"\n' % (repo, sys.executable))
        _stub(os.path.join(stubs, "printcontenv"), 'exec printenv "$1"\n')
        cfg = {"overlay": str(OVERLAY), "stubs": stubs, "logging_script": logging_script,
               "env": env()}
        logger = logger_command()
        if logger[0] != shutil.which("s6-log"):
            # the logger runs as 32761 with an empty environment: a system
            # python everybody may run, the repo on its path
            py = "/usr/bin/python3" if os.path.exists("/usr/bin/python3") else sys.executable
            fake = os.path.join(work, "s6-log")
            _stub(fake, 'PYTHONPATH=%s exec %s %s "$@"\n' % (repo, py, " ".join(logger[1:])))
            cfg["s6_log_stub"] = fake
        p = subprocess.run(["unshare", "-m", sys.executable,
                            str(OVERLAY.parents[1] / "tests/syslogd/overlay_e2e.py"),
                            json.dumps(cfg)], capture_output=True, timeout=120)
    finally:
        shutil.rmtree(work)
    assert p.returncode == 0, p.stderr.decode()
    r = json.loads(p.stdout)
    assert r["prepare_exit"] == 0, r["prepare_stderr"]
    assert r["dirs"]["secure"] == ["2750", 32761, 32761]
    assert r["dirs"]["."] == ["2755", 32761, 32761]
    assert r["ready"] == [True, True]
    assert r["dev_log"] == ["0777", True, 0]
    assert r["creds"] == {"syslogd": [32760, 32760], "syslogd-log": [32761, 32761]}
    # exec -c: nothing of the container environment (the stub adds the rest)
    assert set(r["logger_env"]) <= {"PWD", "PYTHONPATH", "SHLVL", "_"}
    assert (r["syslogd_exit"], r["log_exit"]) == (0, 0)
    stamped = logging_script is not None
    seen: dict[str, set[str]] = {}
    for name, d in r["logdirs"].items():
        assert d["owner"] == [32761, 32761]
        for line in d["lines"]:
            raw = line.encode()
            assert (strip_stamp(raw) != raw) == stamped, line
            line = strip_stamp(raw).decode()
            m = re.search(r"tok\d", line)
            assert m, line
            seen.setdefault(line, set()).add(name)
    by_tok = {re.search(r"tok\d", ln).group(0): (ln, dirs) for ln, dirs in seen.items()}
    assert sorted(by_tok) == ["tok1", "tok2", "tok3", "tok4", "tok5"]
    for tok, (line, dirs) in by_tok.items():
        assert dirs == route(line.encode()), (tok, line, dirs)
    assert by_tok["tok1"][0].startswith("daemon.info: ")
    assert re.search(r" glibc-app\[\d+\]: tok1 from glibc$", by_tok["tok1"][0])
    assert by_tok["tok2"][0].startswith("daemon.err: ")
    assert by_tok["tok3"][0].startswith("authpriv.notice: ") and by_tok["tok3"][1] == {"secure"}
    assert by_tok["tok4"][0].startswith("cron.info: ")
    assert by_tok["tok5"][0] == "mail.warn: tok5 from python"


def test_the_project_compiler_accepts_the_overlay(tmp_path):
    """Compiled with init.rc (s6-rc-compile's rules) together with the
    rootfs' empty user bundles: the pipeline exists and joins ``user``."""
    try:
        from init.rc.builtin import SCRIPTS
        from init.rc.compile_cli import compile_sources
    except ImportError:
        pytest.skip("init.rc not available")
    ub = tmp_path / "user-bundles.d"
    for b in ("user", "user2"):
        (ub / b / "contents.d").mkdir(parents=True)
        (ub / b / "type").write_text("bundle\n")
    for entry in (OVERLAY / "etc/s6-overlay/user-bundles.d/user/contents.d").iterdir():
        shutil.copy(entry, ub / "user/contents.d" / entry.name)
    dest = tmp_path / "compiled"
    compile_sources(str(dest), [str(RC_D), str(ub)], builtin_scripts=SCRIPTS)
    db = json.loads((dest / "db.json").read_text())
    assert sorted(db["bundles"]["user"]) == ["syslogd", "syslogd-log", "syslogd-prepare"]
    assert sorted(db["bundles"]["syslogd-pipeline"]) == ["syslogd", "syslogd-log"]
    atoms = db["atoms"]
    assert atoms["syslogd"]["producer_for"] == "syslogd-log"
    assert "syslogd-log" in atoms["syslogd"]["deps"]    # the logger starts first
    assert atoms["syslogd-prepare"]["up_argv"] == [str(PREPARE).replace(str(OVERLAY), "")]
