"""The demo's example image as data: its scripts parse, its s6-rc source compiles as intended."""
from __future__ import annotations

import ast
import os
import shutil
import stat
import subprocess

import pytest

from init.execline.lexer import parse
from init.execline.table import COMMANDS as EXECLINE
from init.rc.compile_cli import compile_sources
from init.rc.compiled import load
from overlays import commands
from overlays.build import REPO
from overlays.demo import example, prepare

APPS = prepare.app_sources()
TABLE = example.files(APPS)
RC = example.RC


def _known(word: str) -> bool:
    """A command the booted image can run: ours (in-process or a /command shim) or the base's."""
    return word in EXECLINE or word in commands.COMMANDS or shutil.which(word) is not None


def _heads(argv: list[str]) -> list[str]:
    """The programs an execline chain runs: its first word, and the first word of
    each block of if/foreground (the only chain commands taking blocks used here)."""
    heads = [argv[0]]
    for i, word in enumerate(argv[:-1]):
        if word.strip() in ("if", "foreground"):
            heads.append(argv[i + 1].strip())
    return heads


def _execline_files() -> list[str]:
    return [p for p, (text, _m) in TABLE.items()
            if text.startswith("#!/command/execlineb") or p.endswith("/up")]


def _sh_files() -> list[str]:
    return [p for p, (text, _m) in TABLE.items() if text.startswith("#!/bin/sh")]


def test_the_table_has_the_files_the_readme_job_needs():
    assert {f"{RC}/web/run", f"{RC}/web-log/run", f"{RC}/web-log-prepare/up",
            "etc/cont-init.d/10-hello", "etc/services.d/heartbeat/run",
            "app/web.py", "app/cmd.py"} <= set(TABLE)
    assert TABLE["app/cmd.py"][0] == APPS["cmd.py"]
    assert example.CMD[-1] == "/" + "app/cmd.py"


@pytest.mark.parametrize("path", sorted(_execline_files()))
def test_execline_files_parse_and_run_known_programs(path):
    argv = parse(TABLE[path][0])
    assert argv
    unknown = [h for h in _heads(argv) if not _known(h)]
    assert unknown == [], f"{path}: {unknown}"


def test_the_up_file_is_the_readme_example():
    argv = parse(TABLE[f"{RC}/web-log-prepare/up"][0])
    assert _heads(argv) == ["if", "mkdir", "chown"]
    assert argv[-3:] == ["chmod", "02755", example.LOGDIR]


@pytest.mark.parametrize("path", sorted(_sh_files()))
def test_sh_scripts_parse(path, tmp_path):
    script = tmp_path / "script"
    script.write_text(TABLE[path][0])
    p = subprocess.run(["/bin/sh", "-n", str(script)], capture_output=True, text=True)
    assert p.returncode == 0, p.stderr


def test_programs_are_executable_and_data_is_not():
    for path, (text, mode) in TABLE.items():
        runnable = text.startswith("#!") and not path.startswith("app/")
        assert bool(mode & stat.S_IXUSR) is runnable, path


@pytest.mark.parametrize("name", ["web.py", "cmd.py"])
def test_apps_are_python_39(name):
    ast.parse(APPS[name], feature_version=(3, 9))


def _image(tmp_path) -> str:
    """overlays/rootfs + the syslogd overlay + the example layer, as the container sees them."""
    root = str(tmp_path / "root")
    for src in ("rootfs", "syslogd"):
        shutil.copytree(os.path.join(REPO, "overlays", src), root, dirs_exist_ok=True,
                        symlinks=True)
    prepare.write_layer(root, TABLE)
    return root


def test_the_s6_rc_source_compiles_with_the_pipeline_in_the_user_bundle(tmp_path):
    root = _image(tmp_path)
    etc = os.path.join(root, "etc", "s6-overlay")
    assert not os.path.isdir(os.path.join(etc, "s6-rc.d", "user")), \
        "s6-rc.d/user would put stage 2 in compatibility mode (no syslogd overlay)"
    out = str(tmp_path / "compiled")
    compile_sources(out, [os.path.join(etc, "s6-rc.d"), os.path.join(etc, "user-bundles.d")],
                    verbosity=0, builtin_scripts="/scripts")
    db = load(out)
    assert sorted(db.bundles["web-pipeline"]) == ["web", "web-log"]
    user = set(db.bundles["user"])
    assert {"web", "web-log", "syslogd", "syslogd-log", "syslogd-prepare"} <= user
    assert {"web", "web-log", "syslogd"} <= set(db.bundles["top"])
    assert db.atoms["web"].producer_for == "web-log"
    assert db.atoms["web-log"].consumer_for == ["web"]
    assert db.atoms["web"].notification
    assert db.atoms["web-log-prepare"].type == "oneshot"
    assert "web-log-prepare" in db.atoms["web-log"].deps
    assert "legacy-cont-init" in db.atoms["web"].deps  # through base


def test_summary_names_what_the_table_holds():
    for path, _what in example.SUMMARY:
        if path.startswith("/etc/"):
            rel = path.lstrip("/")
            assert any(p == rel or p.startswith(rel + "/") for p in TABLE), path


def test_environment_matches_the_demo_story():
    assert example.ENV["S6_CMD_RECEIVE_SIGNALS"] == "1"  # docker stop reaches the CMD
    assert example.ENV["S6_LOGGING"] == "1"  # the catch-all logdir exists and copies to stderr
    assert "t" in example.ENV["S6_LOGGING_SCRIPT"].split()  # TAI64N stamps to decode
