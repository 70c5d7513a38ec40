"""The demo's pure parts: the CMD's process tree, the web routes, the log views, the CLI's exits.

(The run's own decisions are tested in test_demo_rules.py.)
"""
from __future__ import annotations

import signal

from init.supervise.status import Status
from logd.reading.line import InstantDecoder
from logd.reading.reader import Batch
from logd.reading.records import to_records
from logd.stamps import tai64n_label
from overlays.demo import logview, prepare, rules
from overlays.demo.app import cmd, web

SHIM = ["/usr/bin/python3", "-I", "-S", "-c", "import sys; ...; from logd.main import main"]


def test_display_argv_shows_shims_by_their_command_name():
    assert cmd.display_argv(SHIM + ["/command/s6-log", "-d3", "t", "/var/log/x"]) == \
        ["s6-log", "-d3", "t", "/var/log/x"]
    assert cmd.display_argv(SHIM + ["/init", "python3", "/app/cmd.py"]) == \
        ["/init", "python3", "/app/cmd.py"]
    written = ["/usr/bin/python3", "-I", "-S", "-c",
               "import sys; sys.path.insert(0, '/x'); del sys.argv[0]; "
               "from init.helpers.catchall_logger import main; sys.exit(main(sys.argv[1:]))",
               "./run", "--", "-bpd3"]
    assert cmd.display_argv(written) == ["./run [init.helpers.catchall_logger]", "--", "-bpd3"]
    assert cmd.display_argv(["sleep", "2"]) == ["sleep", "2"]
    assert cmd.display_argv([]) == []


def test_tree_nests_children_and_names_services():
    procs = {
        1: (0, "root", SHIM + ["/init", "python3", "/app/cmd.py"]),
        7: (1, "nobody", ["python3", "/app/web.py"]),
        9: (1, "root", ["/bin/sh", "./run"]),
        12: (9, "root", ["sleep", "2"]),
        10: (1, "root", ["python3", "/app/cmd.py"]),
    }
    lines = cmd.tree(procs, {7: "web", 9: "heartbeat"}, me=10)
    assert lines[0].split() == ["PID", "USER", "COMMAND"]
    body = [ln.rstrip() for ln in lines[1:]]
    assert body == [
        "    1  root     /init python3 /app/cmd.py  <- PID 1: supervisor, s6-rc, reaper",
        "    7  nobody   ├─ python3 /app/web.py  <- service web",
        "    9  root     ├─ /bin/sh ./run  <- service heartbeat",
        "   12  root     │  └─ sleep 2",
        "   10  root     └─ python3 /app/cmd.py  <- this CMD",
    ]
    assert rules.PID1_RE.match(body[0]) and not rules.PID1_RE.match(body[1])


def test_tree_cuts_long_command_lines():
    procs = {1: (0, "root", ["x" * 100])}
    (line,) = cmd.tree(procs, {}, me=2, width=20)[1:]
    assert line.endswith("x" * 17 + "...  <- PID 1: supervisor, s6-rc, reaper")


def test_status_pid_reads_s6_status_files():
    assert cmd.status_pid(Status(stamp=1.0, pid=4242, flags=1).pack()) == 4242
    assert cmd.status_pid(Status(stamp=1.0).pack()) == 0
    assert cmd.status_pid(b"short") == 0


def test_web_routes():
    assert web.answer("/", 5, "nobody") == (200, "hello from web (pid 5, user nobody)\n")
    assert web.answer("/health", 5, "nobody") == (200, "ok\n")
    assert web.answer("/x", 5, "nobody")[0] == 404


def _records(logdir: str, lines: list[bytes]):
    return to_records(logdir, [Batch(lines, "current")], InstantDecoder())


def test_lines_decode_tai64n_stamps():
    stamp = tai64n_label(1_700_000_000_123_456_789)
    (ln,) = logview.lines("/x/web", _records("/x/web", [stamp + b" web: GET /"]))
    assert ln.logdir == "web" and ln.stamped and ln.text == "web: GET /"
    assert ln.raw == stamp.decode() + " web: GET /"
    assert ln.shown.endswith(".123456789 web: GET /") and not ln.shown.startswith("@")
    (bare,) = logview.lines("/x/web", _records("/x/web", [b"no stamp"]))
    assert not bare.stamped and bare.shown == "no stamp"


def _line(name: str, shown: str, time: int) -> logview.Line:
    return logview.Line(name, shown, shown, shown, True, time)


def test_routed_folds_one_message_over_its_logdirs():
    per = {"user": [_line("user", "2 b", 2)],
           "everything": [_line("everything", "1 a", 1), _line("everything", "2 b", 2)],
           "daemon": [_line("daemon", "1 a", 1)]}
    assert logview.routed(per) == [("1 a", ["daemon", "everything"]),
                                   ("2 b", ["everything", "user"])]
    assert logview.routed({}) == []


def test_routed_keeps_the_order_of_lines_sharing_a_stamp():
    # one read of the logger stamped both; "z" was sent first, "a" second
    per = {"aaa": [_line("aaa", "5 a", 5)], "zzz": [_line("zzz", "5 z", 5)],
           "everything": [_line("everything", "0 old", 0), _line("everything", "5 z", 5),
                          _line("everything", "5 a", 5)]}
    assert [k for k, _ in logview.routed(per)] == ["0 old", "5 z", "5 a"]


def test_a_machine_that_cannot_run_it_gets_111_naming_what_is_missing(monkeypatch, tmp_path):
    from click.testing import CliRunner

    from overlays.demo.cli import demo

    monkeypatch.setattr(prepare.os, "geteuid", lambda: 1000)
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    handlers = [signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)]
    r = CliRunner().invoke(demo, [])
    assert r.exit_code == 111
    assert r.output.startswith("s6py demo: fatal: this machine lacks: root (the sandbox creates "
                               "namespaces and mounts overlayfs)")
    assert list(tmp_path.iterdir()) == []  # checked before anything is created
    # its SIGINT/SIGTERM/SIGHUP handlers are gone again: the caller (here pytest) keeps its own
    assert [signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)] == handlers


def test_usage_errors_exit_100():
    from click.testing import CliRunner

    from overlays.demo.cli import demo

    r = CliRunner().invoke(demo, ["--timeout", "0"])
    assert r.exit_code == 100 and "--timeout" in r.output
