"""Entry points and the command table: multicall, table integrity, import cost."""
from __future__ import annotations

import importlib
import subprocess
import sys

import pytest

from init.execline.table import COMMANDS

from .el_harness import BASE_PATH, ROOT, ours_cmd

NEEDED = ["if", "ifelse", "ifte", "ifthenelse", "foreground", "background", "redirfd", "fdmove",
          "fdclose", "fdswap", "exec", "emptyenv", "export", "unexport", "importas",
          "multisubstitute", "define", "backtick", "multidefine", "elglob", "elgetopt",
          "elgetpositionals", "shift", "eltest", "forx", "forbacktickx", "pipeline", "piperw",
          "wait", "getpid", "heredoc", "umask", "cd", "trap", "s6-setuidgid", "s6-envuidgid",
          "s6-applyuidgid", "s6-envdir", "s6-echo", "s6-mkdir", "s6-chown", "s6-chmod",
          "s6-rmrf", "s6-ln", "s6-sleep", "s6-maximumtime", "s6-seq", "s6-mkfifo",
          "s6-notifyoncheck", "with-contenv"]


def test_table_covers_the_brief() -> None:
    assert not set(NEEDED) - set(COMMANDS)


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_table_entries_resolve(name: str) -> None:
    mod, _, attr = COMMANDS[name].partition(":")
    fn = getattr(importlib.import_module("init.execline." + mod), attr)
    assert callable(fn)


def test_table_is_pure_data() -> None:
    """The overlay build reads it: importing it must not pull in anything else."""
    code = ("import sys; before = set(sys.modules); import init.execline.table; "
            "print(sorted(m for m in set(sys.modules) - before))")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert out.stdout.strip() == "['init', 'init.execline', 'init.execline.table']"


def multicall(*args: str, stdin: bytes = b"") -> subprocess.CompletedProcess:
    return subprocess.run(ours_cmd("multicall") + list(args), env={"PATH": BASE_PATH},
                          input=stdin, capture_output=True, timeout=20)


def test_multicall_chains() -> None:
    r = multicall("foreground", " echo", " a", "", "echo", "b")
    assert (r.returncode, r.stdout) == (0, b"a\nb\n")
    r = multicall("if", " false", "", "echo", "never")
    assert (r.returncode, r.stdout) == (1, b"")
    r = multicall("/command/s6-echo", "x")
    assert r.stdout == b"x\n"


def test_multicall_errors() -> None:
    r = multicall("nosuch")
    assert r.returncode == 100 and r.stderr == b"multicall: fatal: unknown command: nosuch\n"
    r = multicall("importas")
    assert r.returncode == 100 and r.stderr.startswith(b"importas: usage: importas ")
    r = multicall("if", " true", "", "nosuch-xyz")
    assert r.returncode == 127
    assert r.stderr == b"if: fatal: unable to exec nosuch-xyz: No such file or directory\n"


def test_multicall_execlineb() -> None:
    assert multicall("execlineb", "-Pc", "echo via").stdout == b"via\n"


def test_main_module_runs() -> None:
    r = subprocess.run([sys.executable, "-m", "init.execline", "-P", "-c", "echo hi"], cwd=ROOT,
                       env={"PATH": BASE_PATH}, capture_output=True, timeout=20)
    assert (r.returncode, r.stdout) == (0, b"hi\n")


def test_trivial_script_imports_little(tmp_path) -> None:
    script = tmp_path / "t.el"
    script.write_text("#!/command/execlineb -P\ntrue\n")
    r = subprocess.run([sys.executable, "-X", "importtime", "-m", "init.execline", "-P", str(script)],
                       cwd=ROOT, env={"PATH": BASE_PATH}, capture_output=True, text=True, timeout=20)
    assert r.returncode == 0
    mods = {ln.split("|")[-1].strip() for ln in r.stderr.splitlines() if "init.execline" in ln}
    assert mods == {"init.execline", "init.execline.execlineb", "init.execline.runtime",
                    "init.execline.proc", "init.execline.errors", "init.execline.table",
                    "init.execline.lexer", "init.execline.options"}


def test_init_package_is_import_free() -> None:
    code = "import sys; before = set(sys.modules); import init; print(sorted(set(sys.modules) - before))"
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert out.stdout.strip() == "['init']"


def test_script_file_and_dollar0(tmp_path) -> None:
    script = tmp_path / "s.el"
    script.write_text("#!/command/execlineb -S1\nprintf [%s] $0 $1 $#\n")
    r = subprocess.run(ours_cmd() + ["-S1", str(script), "a"], env={"PATH": BASE_PATH},
                       capture_output=True, timeout=20)
    assert r.stdout == f"[{script}][a][1]".encode()
