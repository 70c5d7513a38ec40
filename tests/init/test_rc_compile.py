"""s6-rc source compilation: every malformed case fails with s6-rc-compile's
message (naming the services and files involved) and leaves nothing behind;
well-formed sources resolve as s6-rc-compile resolves them."""
from __future__ import annotations

import json
import os
import stat

import pytest

from init.rc.compile_cli import compile_sources, main
from init.rc.compiled import load
from init.rc.errors import CompileError


def make(root, spec: dict) -> str:
    """spec: {service: {relative file: content}}; content None = directory."""
    os.makedirs(root, exist_ok=True)
    for name, files in spec.items():
        d = os.path.join(root, name)
        os.makedirs(d, exist_ok=True)
        for rel, content in files.items():
            p = os.path.join(d, rel)
            if content is None:
                os.makedirs(p, exist_ok=True)
                continue
            os.makedirs(os.path.dirname(p), exist_ok=True)
            with open(p, "w") as f:
                f.write(content)
    return str(root)


def oneshot(up="true\n", **extra):
    return {"type": "oneshot\n", "up": up, **extra}


def longrun(run="#!/bin/sh\nexec sleep 100\n", **extra):
    return {"type": "longrun\n", "run": run, **extra}


def bundle(*members, **extra):
    d = {"type": "bundle\n", "contents.d": None}
    d.update({f"contents.d/{m}": "" for m in members})
    d.update(extra)
    return d


def fails(tmp_path, spec, message, code=1, sources=None):
    src = make(tmp_path / "src", spec) if sources is None else None
    out = str(tmp_path / "compiled")
    with pytest.raises(CompileError) as ei:
        compile_sources(out, sources or [src], verbosity=0)
    assert ei.value.message == message.replace("SRC", src or "")
    assert ei.value.code == code
    assert not os.path.exists(out)
    assert not [n for n in os.listdir(tmp_path) if n.startswith("compiled")]


def test_missing_type(tmp_path):
    fails(tmp_path, {"a": {"up": "true"}},
          "unable to read SRC/a/type: No such file or directory", 111)


@pytest.mark.parametrize("text", ["daemon\n", "oneshot\n\n", "Oneshot", " longrun"])
def test_bad_type(tmp_path, text):
    fails(tmp_path, {"a": {"type": text, "up": "true"}},
          "invalid SRC/a/type: must be oneshot, longrun, or bundle")


@pytest.mark.parametrize("name", ["s6rc-mine", "s6-rc-mine"])
def test_reserved_prefix(tmp_path, name):
    fails(tmp_path, {name: oneshot()}, f"in SRC: identifier {name} starts with reserved prefix")


def test_newline_in_name(tmp_path):
    fails(tmp_path, {"a\nb": oneshot()}, "subdirectory of SRC contains a newline character")


def test_duplicate_across_sources(tmp_path):
    s1 = make(tmp_path / "s1", {"a": longrun()})
    s2 = make(tmp_path / "s2", {"a": oneshot()})
    with pytest.raises(CompileError) as ei:
        compile_sources(str(tmp_path / "compiled"), [s1, s2], verbosity=0)
    assert ei.value.message == (f"duplicate service definition: a defined in {s2} is already "
                                "defined and has type longrun")


def test_longrun_without_run(tmp_path):
    fails(tmp_path, {"a": {"type": "longrun"}}, "unable to find a run script in SRC/a/run")


def test_run_not_a_regular_file(tmp_path):
    fails(tmp_path, {"a": {"type": "longrun", "run": None}}, "SRC/a/run is not a regular file")


def test_oneshot_without_up(tmp_path):
    fails(tmp_path, {"a": {"type": "oneshot"}},
          "unable to open SRC/a/up: No such file or directory", 111)


@pytest.mark.parametrize("fname,text,detail", [
    ("up", "if { true\n", ": unmatched {"),
    ("up", "echo }\n", ": unmatched }"),
    ("down", "foreground { echo a } }\n", ": unmatched }"),
    ("up", 'echo "\\0x00"\n', ""),
])
def test_execline_syntax_errors(tmp_path, fname, text, detail):
    spec = oneshot()
    spec[fname] = text
    fails(tmp_path, {"a": spec}, f"syntax error in SRC/a/{fname}{detail}")


@pytest.mark.parametrize("fname", ["timeout-up", "timeout-down"])
@pytest.mark.parametrize("text", ["abc", "-5", "1.5", "99999999999"])
def test_bad_timeout(tmp_path, fname, text):
    fails(tmp_path, {"a": oneshot(**{fname: text})}, f"invalid SRC/a/{fname}")


def test_bad_notification_fd(tmp_path):
    fails(tmp_path, {"a": longrun(**{"notification-fd": "three"})}, "invalid SRC/a/notification-fd")


def test_notification_fd_equals_lock_fd(tmp_path):
    fails(tmp_path, {"a": longrun(**{"notification-fd": "4", "lock-fd": "4\n"})},
          "longrun a has the same value for notification-fd and lock-fd")


def test_bundle_without_contents(tmp_path):
    fails(tmp_path, {"b": {"type": "bundle"}},
          "unable to open SRC/b/contents: No such file or directory", 111)


def test_undefined_dependency(tmp_path):
    fails(tmp_path, {"a": oneshot(**{"dependencies.d/ghost": ""})},
          "during dependency resolution for service a: undefined service name ghost")


def test_undefined_dependency_old_file(tmp_path):
    fails(tmp_path, {"a": oneshot(dependencies="# comment\n  ghost\n")},
          "during dependency resolution for service a: undefined service name ghost")


def test_undefined_bundle_member(tmp_path):
    fails(tmp_path, {"b": bundle("ghost")},
          "during resolution of bundle b: undefined service name ghost")


def test_dependency_cycle(tmp_path):
    fails(tmp_path, {"a": oneshot(**{"dependencies.d/b": ""}),
                     "b": oneshot(**{"dependencies.d/c": ""}),
                     "c": longrun(**{"dependencies.d/a": ""})},
          "cyclic service dependency reached from a and involving a")


def test_dependency_cycle_through_a_bundle(tmp_path):
    fails(tmp_path, {"x": oneshot(**{"dependencies.d/grp": ""}),
                     "grp": bundle("y"),
                     "y": oneshot(**{"dependencies.d/x": ""})},
          "cyclic service dependency reached from x and involving x")


def test_self_dependency(tmp_path):
    fails(tmp_path, {"a": oneshot(**{"dependencies.d/a": ""})},
          "cyclic service dependency reached from a and involving a")


def test_bundle_cycle(tmp_path):
    fails(tmp_path, {"b1": bundle("b2"), "b2": bundle("b1")},
          "cyclic bundle definition: resolution of b1 encountered a cycle involving b1")


def test_producer_not_declared_back(tmp_path):
    fails(tmp_path, {"p": longrun(**{"producer-for": "c\n"}), "c": longrun()},
          "longrun service p declares being a producer for a service named c that does not "
          "declare it back")


def test_consumer_not_declared_back(tmp_path):
    fails(tmp_path, {"p": longrun(), "c": longrun(**{"consumer-for": "p\n"})},
          "longrun service c declares being the consumer for a service named p that does not "
          "declare it back")


def test_producer_for_a_oneshot(tmp_path):
    fails(tmp_path, {"p": longrun(**{"producer-for": "c"}), "c": oneshot()},
          "longrun service p declares being a producer for a service named c of type oneshot")


def test_consumer_for_a_bundle(tmp_path):
    fails(tmp_path, {"c": longrun(**{"consumer-for": "b"}), "b": bundle()},
          "longrun service c declares being the consumer for a service named b of type bundle")


def test_producer_for_an_undefined_service(tmp_path):
    fails(tmp_path, {"p": longrun(**{"producer-for": "ghost"})},
          "during pipeline resolution for service p: undefined service name ghost")


def test_consumer_claimed_twice(tmp_path):
    fails(tmp_path, {"p": longrun(**{"producer-for": "c1"}),
                     "c1": longrun(**{"consumer-for": "p"}),
                     "c2": longrun(**{"consumer-for": "p"})},
          "longrun service c2 declares being the consumer for a service named p that does not "
          "declare it back")


def test_two_names_in_producer_for(tmp_path):
    fails(tmp_path, {"p": longrun(**{"producer-for": "c1\nc2\n"})},
          "SRC/p/producer-for should only contain one service name")


def test_two_names_in_pipeline_name(tmp_path):
    fails(tmp_path, {"p": longrun(**{"producer-for": "c"}),
                     "c": longrun(**{"consumer-for": "p", "pipeline-name": "x\ny\n"})},
          "SRC/c/pipeline-name should only contain one name")


def test_pipeline_loop(tmp_path):
    fails(tmp_path, {"a": longrun(**{"producer-for": "b", "consumer-for": "b"}),
                     "b": longrun(**{"producer-for": "a", "consumer-for": "a"})},
          "cyclic longrun pipeline reached from a and involving a")


def test_pipeline_name_collides(tmp_path):
    fails(tmp_path, {"p": longrun(**{"producer-for": "c"}),
                     "c": longrun(**{"consumer-for": "p", "pipeline-name": "p"})},
          "duplicate service definition: p defined in SRC is already defined and has type longrun")


def test_missing_source_directory(tmp_path):
    fails(tmp_path, None, f"unable to opendir {tmp_path}/nope: No such file or directory", 111,
          sources=[str(tmp_path / "nope")])


def test_cli_prints_the_fatal_message(tmp_path, capsys):
    src = make(tmp_path / "src", {"a": oneshot(**{"dependencies.d/b": ""})})
    assert main([str(tmp_path / "compiled"), src]) == 1
    err = capsys.readouterr().err
    assert err == ("s6-rc-compile: fatal: during dependency resolution for service a: "
                   "undefined service name b\n")
    assert main([str(tmp_path / "compiled")]) == 100


# ---------------------------------------------------------------- good sources

def test_resolution(tmp_path):
    src = make(tmp_path / "src", {
        "setup": oneshot(),
        "db": longrun(**{"dependencies.d/setup": "", "notification-fd": "3",
                         "timeout-up": "2000\n", "down": "", "log/run": "#!/bin/sh\n",
                         "data/file": "x", "env/VAR": "v"}),
        "web": longrun(dependencies="  # the old format\n\n  backend\n"),
        "backend": {"type": "bundle", "contents": "db\n#comment\n"},
        "all": bundle("web", "backend", **{"flag-essential": ""}),
    })
    out = str(tmp_path / "compiled")
    compile_sources(out, [src], verbosity=0)
    db = load(out)
    assert db.atoms["setup"].deps == ["s6rc-oneshot-runner"]
    assert db.atoms["db"].deps == ["setup"]
    assert db.atoms["web"].deps == ["db"]
    assert db.bundles["backend"] == ["db"]
    assert db.bundles["all"] == ["db", "web"]
    assert db.atoms["db"].essential and db.atoms["web"].essential
    assert not db.atoms["setup"].essential
    assert db.atoms["db"].timeout_up == 2000 and db.atoms["db"].notification
    assert db.atoms["s6rc-oneshot-runner"].essential and db.atoms["s6rc-oneshot-runner"].internal
    sd = os.path.join(out, "servicedirs", "db")
    assert sorted(os.listdir(sd)) == ["data", "env", "notification-fd", "run"]  # no down, no log
    assert open(os.path.join(sd, "notification-fd")).read() == "3\n"
    assert stat.S_IMODE(os.stat(os.path.join(sd, "run")).st_mode) == 0o755
    assert open(os.path.join(sd, "data", "file")).read() == "x"
    assert db.atoms["setup"].up_argv == ["true"]
    with open(os.path.join(out, "db.json")) as f:
        assert json.load(f)["format"] == 1


def test_pipelines(tmp_path):
    src = make(tmp_path / "src", {
        "app1": longrun(**{"producer-for": "filter"}),
        "app2": longrun(**{"producer-for": "filter"}),
        "filter": longrun(**{"consumer-for": "app1\napp2\n", "producer-for": "logger",
                             "pipeline-name": "ignored"}),
        "logger": longrun(**{"consumer-for": "filter", "pipeline-name": "pipe\n"}),
    })
    warned = []
    import init.rc.compile_cli as cc
    out = str(tmp_path / "compiled")
    orig = cc.sys.stderr
    try:
        import io
        cc.sys.stderr = io.StringIO()
        compile_sources(out, [src], verbosity=1)
        warned = cc.sys.stderr.getvalue()
    finally:
        cc.sys.stderr = orig
    assert (f"s6-rc-compile: warning: {src}/filter contains a pipeline-name file despite not "
            "being a last consumer; this file will be ignored") in warned
    db = load(out)
    assert db.bundles["pipe"] == ["app1", "app2", "filter", "logger"]
    assert "ignored" not in db.bundles
    assert db.atoms["app1"].deps == ["filter", "s6rc-fdholder"]
    assert db.atoms["filter"].deps == ["logger", "s6rc-fdholder"]
    assert db.atoms["logger"].deps == ["s6rc-fdholder"]


def test_warnings(tmp_path, capsys):
    empty = str(tmp_path / "empty")
    os.makedirs(empty)
    src = make(tmp_path / "src", {"a": longrun(**{"notification-fd": "1"})})
    assert main(["-v", "1", str(tmp_path / "compiled"), empty, src]) == 0
    err = capsys.readouterr().err
    assert f"s6-rc-compile: warning: source {empty} is empty\n" in err
    assert "s6-rc-compile: warning: longrun a has a notification-fd of 1\n" in err
    assert main(["-v0", str(tmp_path / "compiled2"), empty]) == 0
    assert capsys.readouterr().err == ""


def test_s6_overlay_builtins(tmp_path):
    rcd = make(tmp_path / "s6-rc.d", {"myapp": longrun(**{"dependencies.d/base": ""})})
    bundles = make(tmp_path / "user-bundles.d", {"user": bundle("myapp")})
    out = str(tmp_path / "compiled")
    compile_sources(out, [rcd, bundles], verbosity=0, builtin_scripts="/scripts")
    db = load(out)
    assert set(db.bundles["top"]) == {"fix-attrs", "legacy-cont-init", "legacy-services", "myapp"}
    assert db.bundles["user"] == ["myapp"] and db.bundles["user2"] == []
    assert db.atoms["legacy-services"].deps == ["fix-attrs", "legacy-cont-init", "myapp",
                                                "s6rc-oneshot-runner"]
    assert db.atoms["legacy-cont-init"].up == "/scripts/cont-init\n"
    assert db.atoms["legacy-cont-init"].down == "/scripts/cont-finish\n"
    assert db.atoms["myapp"].deps == ["fix-attrs", "legacy-cont-init"]


def test_s6_overlay_builtins_clash_with_user_definitions(tmp_path):
    rcd = make(tmp_path / "s6-rc.d", {"base": oneshot()})
    with pytest.raises(CompileError) as ei:
        compile_sources(str(tmp_path / "c"), [rcd], verbosity=0, builtin_scripts="/s")
    assert ei.value.message.startswith("duplicate service definition: base defined in")


def test_extra_contents_add_defined_names_only(tmp_path):
    """PID 1's compatibility mode: user-bundles.d names join s6-rc.d's user bundle if defined."""
    rcd = make(tmp_path / "s6-rc.d", {"user": bundle("old"), "old": oneshot(), "added": oneshot()})
    out = str(tmp_path / "compiled")
    added = compile_sources(out, [rcd], verbosity=0, builtin_scripts="/scripts",
                            extra_contents={"user": ["added", "old", "undefined"],
                                            "nosuchbundle": ["added"], "user2": ["added"]})
    # user2 is not in a source here (the built-in empty one): left alone
    assert added == [("user", "added")]
    db = load(out)
    assert sorted(db.bundles["user"]) == ["added", "old"]
    assert db.bundles["user2"] == []
