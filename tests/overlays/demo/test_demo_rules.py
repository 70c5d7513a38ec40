"""``overlays.demo.rules``: the demo's decisions, without a machine or a container.

What a machine lacks, the sandbox command line, the CMD's exit line, what
an exit code means, the image summary's layout, and the checks on a run.
"""
from __future__ import annotations

from overlays.demo import example, rules
from overlays.demo.container import Session


def test_cmd_exit_line_round_trip():
    line = "CMD: SIGTERM received: 6/6 checks passed; exiting 0"
    assert rules.cmd_exit(line) == 0
    assert rules.cmd_exit("CMD: SIGTERM received: 5/6 checks passed (failed: restart); exiting 1") == 1
    assert rules.cmd_exit("CMD: waiting for docker stop") is None


def test_explain_tells_where_the_code_came_from():
    assert "S6_CMD_RECEIVE_SIGNALS=1" in rules.explain(0, 0)
    assert "all its checks passed" in rules.explain(0, 0)
    assert "a check failed" in rules.explain(1, 1)
    assert "--stop-timeout" in rules.explain(137, None)
    assert "never reported" in rules.explain(0, None)
    assert "not the CMD's 0" in rules.explain(3, 0)


def test_missing_names_each_lack():
    fs = "nodev\tproc\n\text4\nnodev\toverlay\n"
    assert rules.missing(0, fs, lambda _p: True, "/usr/bin/python3") == []
    lacks = rules.missing(1000, "nodev\tproc\n", lambda p: p != "xz", None)
    assert len(lacks) == 4
    assert lacks[0].startswith("root") and lacks[1].startswith("overlayfs")
    assert lacks[2].startswith("xz") and lacks[3].startswith("python3")
    # a loadable module is as good as a registered filesystem
    assert rules.missing(0, "nodev\tproc\n", lambda _p: True, "/usr/bin/python3",
                         overlay_module=True) == []


def test_sandbox_argv_is_the_documented_docker_run():
    argv = rules.sandbox_argv("/w/overlay", "/w/example", "/w/log", "/w/uncaught")
    assert argv[:5] == ["/", "--layer", "/w/overlay", "--layer", "/w/example"]
    assert argv[argv.index("--network") + 1] == "none"
    assert "/w/log:/var/log" in argv and "/w/uncaught:/run/uncaught-logs" in argv
    for k, v in example.ENV.items():
        assert f"{k}={v}" in argv
    assert argv[argv.index("--") + 1:] == example.CMD


def test_summary_wraps_long_paths():
    out = rules.summary([("short", "a"), ("x" * 50, "b")], width=10)
    assert out == ["   short       a", "   " + "x" * 50, "   " + " " * 10 + "  b"]


TREE = ["     PID  USER     COMMAND", "       1  root     /init python3 /app/cmd.py  <- PID 1"]


def test_checks_judge_a_run_from_its_exit_and_stdout():
    assert rules.checks(Session(0, 0, TREE, [], True)) == []
    assert rules.checks(Session(1, 1, TREE, [], True)) == [
        "the CMD's checks failed (exit code 1)"]
    assert rules.checks(Session(137, 0, TREE, [], True)) == [
        "exit code 137, but the CMD exited 0"]
    assert rules.checks(Session(0, None, ["   7  root  sh"], [], False)) == [
        "the CMD never said it waits for docker stop",
        "the process tree does not show /init as PID 1",
        "the CMD did not report its exit code"]
