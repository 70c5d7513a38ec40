"""Declared loggers (init/rc/loggers.py): a ``log`` file expands into the definitions a user
would write by hand, for longruns and oneshots; mistakes fail with a message naming the
file; sources without one compile exactly as before."""
from __future__ import annotations

import json
import os
import shlex
import stat

import pytest

from init.rc import loggers
from init.rc.compile_cli import compile_sources
from init.rc.compiled import load
from init.rc.errors import CompileError
from init.rc.source import Definition, lex
from tests.init.test_rc_compile import longrun, make, oneshot

OLD_ATOM_KEYS = {"name", "type", "deps", "essential", "timeout_up", "timeout_down", "up", "down",
                 "up_argv", "down_argv", "producer_for", "consumer_for", "notification",
                 "internal", "source"}


def compiled(tmp_path, spec: dict, name: str = "c"):
    out = str(tmp_path / name)
    compile_sources(out, [make(tmp_path / f"src-{name}", spec)], verbosity=0)
    return out, load(out)


def comparable(db):
    """Atoms and bundles without where they came from (and the drain mark)."""
    atoms = {}
    for n, a in db.atoms.items():
        d = dict(vars(a))
        d.pop("source")
        d.pop("drain")
        atoms[n] = d
    return atoms, db.bundles


# ------------------------------------------------------------ pure

def declared(name="web", type_="longrun", log=(), user=None, **kw) -> Definition:
    return Definition(name=name, type=type_, source="/src", path=f"/src/{name}",
                      log=list(log), log_user=user, **kw)


def test_a_longrun_gets_its_prepare_its_logger_and_its_pipeline():
    read = declared(deps=["base"])
    out = {d.name: d for d in loggers.expand([read], root=True)}
    assert sorted(out) == ["web", "web-log", "web-log-prepare"]
    web = out["web"]
    assert web.producer_for == "web-log" and web.pipeline_name is None
    assert read.producer_for is None                          # the input is left as read
    log = out["web-log"]
    assert (log.type, log.consumer_for, log.pipeline_name, log.deps, log.drain) == \
        ("longrun", ["web"], "web-pipeline", ["web-log-prepare"], True)
    assert log.generated == {"run": "#!/bin/sh\nexec logutil-service -n web /var/log/web\n"}
    prep = out["web-log-prepare"]
    assert prep.type == "oneshot" and prep.deps == ["base"]   # as the README's prepare
    assert prep.up == ("if { s6-mkdir -p /var/log/web }\n"
                       "if { s6-envuidgid -D 65534:65534 nobody s6-chown -U /var/log/web }\n"
                       "s6-chmod 02755 /var/log/web\n")
    assert prep.up_argv == lex("x", prep.up)
    assert prep.path == log.path == "/src/web/log"


def test_without_base_the_prepare_depends_on_nothing_but_the_runner():
    out = {d.name: d for d in loggers.expand([declared(deps=["db"])], root=True)}
    assert out["web-log-prepare"].deps == []


def test_a_script_of_its_own_a_user_and_odd_paths():
    web = declared(log=loggers.script_words("# keep less\nn5 s200000\nT\n"), user="daemon")
    out = {d.name: d for d in loggers.expand([web], root=True)}
    assert out["web-log"].generated["run"] == \
        "#!/bin/sh\nexec logutil-service -n web -u daemon -S 'n5 s200000 T /var/log/web'\n"
    assert "s6-envuidgid daemon s6-chown -U /var/log/web" in out["web-log-prepare"].up
    odd = "/var/log/my\"app\"{x}$y'#"    # (a log file's words cannot hold blanks)
    words = ["-debug", "/var/log/all", "+error", odd]
    web = declared(log=words, user="1000:1001")
    out = {d.name: d for d in loggers.expand([web], root=True)}
    argv = out["web-log-prepare"].up_argv
    assert argv.count(" " + odd) == 2 and argv[-1] == odd      # mkdir, chown, chmod: intact
    assert " /var/log/all" in argv
    assert "s6-chown -u 1000 -g 1001 /var/log/all" in out["web-log-prepare"].up
    line = out["web-log"].generated["run"].splitlines()[1]
    assert shlex.split(line) == ["exec", "logutil-service", "-n", "web", "-u", "1000:1001",
                                 "-S", " ".join(words)]


def test_not_root_no_chown():
    out = {d.name: d for d in loggers.expand([declared()], root=False)}
    assert out["web-log-prepare"].up == ("if { s6-mkdir -p /var/log/web }\n"
                                         "s6-chmod 02755 /var/log/web\n")


def test_a_consumer_with_a_log_file_hands_its_pipeline_name_on():
    filt = declared(name="filter", consumer_for=["app"], pipeline_name="app-pipeline")
    out = {d.name: d for d in loggers.expand([filt], root=True)}
    assert out["filter"].pipeline_name is None
    assert out["filter-log"].pipeline_name == "app-pipeline"


def test_a_oneshot_is_marked_for_its_logger():
    setup = declared(name="setup", type_="oneshot", up="true\n", up_argv=["true"])
    out = {d.name: d for d in loggers.expand([setup], root=True)}
    assert sorted(out) == ["setup", "setup-log", "setup-log-prepare"]
    assert out["setup"].output_to == "setup-log" and out["setup"].producer_for is None
    assert out["setup-log"].consumer_for == [] and out["setup-log"].pipeline_name is None


@pytest.mark.parametrize("defs,message", [
    ([declared(log=["./rel"])], "/src/web/log: logdir ./rel must be an absolute path"),
    ([declared(type_="bundle")], "/src/web/log: only a longrun or a oneshot can have a logger"),
    ([declared(), Definition(name="web-log", type="longrun", path="/src/web-log")],
     "/src/web/log declares web-log, which /src/web-log already defines"),
    ([declared(), Definition(name="web-pipeline", type="bundle", path="/src/web-pipeline")],
     "/src/web/log declares web-pipeline, which /src/web-pipeline already defines"),
    ([declared(producer_for="other")], "/src/web/log: web already has a producer-for file"),
])
def test_what_cannot_be_expanded(defs, message):
    with pytest.raises(CompileError) as ei:
        loggers.expand(defs, root=True)
    assert ei.value.message == message and ei.value.code == 1


# ------------------------------------------------------------ compiled

def test_the_expansion_compiles_to_exactly_the_hand_written_definitions(tmp_path):
    """The README's three definitions, written out, against one ``log`` file."""
    run = "#!/bin/sh\nexec mydaemon\n"
    prep = loggers.prepare_up(["/var/log/myapp"], "nobody", os.geteuid() == 0)
    by_hand = {
        "myapp-log-prepare": oneshot(up=prep, **{"dependencies.d/base": ""}),
        "myapp-log": longrun(run=loggers.run_script("myapp", [], None),
                             **{"consumer-for": "myapp\n", "pipeline-name": "myapp-pipeline\n",
                                "dependencies.d/myapp-log-prepare": ""}),
        "myapp": longrun(run=run, **{"producer-for": "myapp-log\n", "dependencies.d/base": ""}),
        "base": {"type": "bundle\n", "contents.d": None},
    }
    declared_ = {
        "myapp": longrun(run=run, log="", **{"dependencies.d/base": ""}),
        "base": {"type": "bundle\n", "contents.d": None},
    }
    out1, db1 = compiled(tmp_path, by_hand, "hand")
    out2, db2 = compiled(tmp_path, declared_, "decl")
    assert comparable(db1) == comparable(db2)
    assert db2.atoms["myapp-log"].drain and not db1.atoms["myapp-log"].drain
    assert db2.atoms["myapp-log"].source.endswith("/myapp/log")
    for svc in ("myapp", "myapp-log"):
        a, b = (os.path.join(o, "servicedirs", svc) for o in (out1, out2))
        assert sorted(os.listdir(a)) == sorted(os.listdir(b)) == ["run"]
        assert open(os.path.join(a, "run")).read() == open(os.path.join(b, "run")).read()
        assert stat.S_IMODE(os.stat(os.path.join(b, "run")).st_mode) == 0o755


def test_a_oneshots_logger_compiles_as_its_consumer(tmp_path):
    _, db = compiled(tmp_path, {"setup": oneshot(up="echo hi\n", log="")})
    a = db.atoms
    assert a["setup"].producer_for == "setup-log"
    assert a["setup"].deps == ["s6rc-fdholder", "s6rc-oneshot-runner", "setup-log"]
    assert a["setup-log"].consumer_for == ["setup"]
    assert a["setup-log"].deps == ["s6rc-fdholder", "setup-log-prepare"]
    assert "setup-pipeline" not in db.bundles


def test_compile_errors_name_the_log_file(tmp_path):
    src = make(tmp_path / "src", {"web": longrun(log="/var/log/a\n", **{"log-user": "a\nb\n"})})
    with pytest.raises(CompileError) as ei:
        compile_sources(str(tmp_path / "out"), [src], verbosity=0)
    assert ei.value.message == f"{src}/web/log-user should only contain one user name"
    assert not os.path.exists(tmp_path / "out")


def test_without_a_log_file_nothing_changes(tmp_path):
    """A ``log/`` directory (services.d habit) and a stray log-user stay ignored, as in
    s6-rc; the database is written with the keys it always had."""
    spec = {"web": longrun(**{"log": None, "log/run": "#!/bin/sh\nexec cat\n",
                              "log-user": "daemon\n"}),
            "setup": oneshot()}
    out, db = compiled(tmp_path, spec)
    assert sorted(db.atoms) == ["s6rc-fdholder", "s6rc-oneshot-runner", "setup", "web"]
    assert db.atoms["web"].producer_for is None and not db.bundles
    assert os.listdir(os.path.join(out, "servicedirs", "web")) == ["run"]
    with open(os.path.join(out, "db.json")) as f:
        raw = json.load(f)
    assert all(set(a) == OLD_ATOM_KEYS for a in raw["atoms"].values())
