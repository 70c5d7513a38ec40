"""The lifecycle's pure rules, checked against init.md's tables and DECISIONS.md."""
from __future__ import annotations

import os
import signal

import pytest

from init import contenv, settings
from init.helpers.hpr import delay_of
from init.legacy import accounts
from init.legacy.fixattrs_parse import mode, parse, read_fields
from init.pid1 import exitcode, killall, preinit_rules, rcinit_rules
from init.pid1 import signals as sigs
from init.pid1.catchall import logger_args
from init.pid1.legacy_table import SCRIPTS, TARGETS, inproc
from overlays.shims import render

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))


# ------------------------------------------------------------------ PATH and the environment

@pytest.mark.parametrize("given,expected", [
    (None, "/command:/usr/bin:/bin"),
    ("", "/command:/usr/bin:/bin"),
    ("/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
     "/command:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"),
    ("/opt/bin", "/command:/usr/bin:/bin:/opt/bin"),
    ("/command:/usr/bin:/bin", "/command:/usr/bin:/bin"),
    ("/bin:/command", "/usr/bin:/bin:/command"),
])
def test_path_defaults(given, expected):
    assert contenv.fix_path(given) == expected


def test_contenv_get_follows_printcontenv(tmp_path):
    contenv.dump({"A": "x y", "E": "", "NL": "a\nb"}, str(tmp_path))
    assert oct(os.stat(tmp_path).st_mode & 0o777) == "0o700"
    assert (tmp_path / "A").read_bytes() == b"x y\n"
    assert (tmp_path / "E").read_bytes() == b"\n"
    assert contenv.get("A", {}, str(tmp_path)) == "x y"
    assert contenv.get("E", {}, str(tmp_path)) == ""        # present, even empty
    assert contenv.get("MISSING", {}, str(tmp_path)) is None
    assert contenv.get("NL", {}, str(tmp_path)) == "a\nb"
    keep = {"S6_KEEP_ENV": "1", "A": "own", "E": ""}
    assert contenv.get("A", keep, str(tmp_path)) == "own"
    assert contenv.get("E", keep, str(tmp_path)) is None     # printcontenv fails on empty


# ------------------------------------------------------------------ S6_* readings

def test_variable_table_covers_the_reference():
    names = {"S6_KEEP_ENV", "S6_LOGGING", "S6_CATCHALL_USER", "S6_LOGGING_SCRIPT",
             "S6_BEHAVIOUR_IF_STAGE2_FAILS", "S6_CMD_ARG0", "S6_CMD_USE_TERMINAL",
             "S6_CMD_RECEIVE_SIGNALS", "S6_CMD_WAIT_FOR_SERVICES",
             "S6_CMD_WAIT_FOR_SERVICES_MAXTIME", "S6_SERVICES_READYTIME",
             "S6_SERVICES_GRACETIME", "S6_KILL_FINISH_MAXTIME", "S6_KILL_GRACETIME",
             "S6_SYNC_DISKS", "S6_FIX_ATTRS_HIDDEN", "S6_READ_ONLY_ROOT", "S6_STAGE2_HOOK",
             "S6_VERBOSITY", "S6_YES_I_WANT_A_WORLD_WRITABLE_RUN_BECAUSE_KUBERNETES",
             "S6_WAIT_FOR_CLOSING_FD", "S6_RUNTIME_PROFILE", "S6_RUNTIME_BUNDLEDIR"}
    assert names <= set(settings.VARIABLES)
    assert settings.VARIABLES["S6_KILL_FINISH_MAXTIME"][0] == "5000"     # DECISIONS #5


@pytest.mark.parametrize("value,expected", [
    (None, 0), ("", 0), ("0", 0), ("1", 1), ("2", 2), ("7", 2), ("yes", 2), ("01", 1),
])
def test_logging_mode(value, expected):
    assert settings.logging_mode(value) == expected


@pytest.mark.parametrize("value,expected", [
    (None, False), ("", False), ("0", False), ("1", True), ("00", False), ("yes", False),
    ("-1", False), ("12", True),
])
def test_nonzero_is_the_shells_test(value, expected):
    assert settings.nonzero(value) is expected


def test_digits_verbosity_and_caps():
    assert settings.digits("250", 3000) == 250
    assert settings.digits("2.5", 3000) == 3000
    assert settings.digits("-1", 50) == 50
    assert settings.verbosity("x") == 2 and settings.verbosity("0") == 0
    assert settings.preinit_verbosity(None) == 2
    assert settings.preinit_verbosity("x") < 1          # non-numeric silences preinit
    assert settings.kill_gracetime("999999") == 300000
    assert settings.kill_gracetime("") == 3000
    assert settings.closing_fd("2") is None and settings.closing_fd("5") == 5


def test_logging_script_words_and_stamps():
    assert settings.script_words(None) == ["n20", "s1000000", "T"]
    assert settings.script_words("n3 s2000\nt\n") == ["n3", "s2000", "t"]   # DECISIONS #4
    assert settings.catchall_stamps(None) == ["T"]                           # DECISIONS #2
    assert settings.catchall_stamps("n2 t") == ["t"]
    assert settings.catchall_stamps("t T") == ["t", "T"]
    assert settings.catchall_stamps("n20") == []


def test_stage0_snapshot():
    s = settings.Stage0({"S6_LOGGING": "1", "S6_KEEP_ENV": "1", "S6_CATCHALL_USER": "nobody",
                         "S6_KILL_GRACETIME": "10", "S6_SYNC_DISKS": "1",
                         "S6_WAIT_FOR_CLOSING_FD": "4", "S6_READ_ONLY_ROOT": "1"})
    assert (s.logging, s.keep_env, s.catchall_user, s.kill_grace_ms, s.sync_disks,
            s.closing_fd, s.read_only_root) == (1, True, "nobody", 10, True, 4, True)
    d = settings.Stage0({})
    assert (d.logging, d.keep_env, d.kill_grace_ms, d.stamps, d.require_pid1) == \
        (0, False, 3000, ["T"], False)


def test_catchall_logger_command_line():
    assert logger_args(1, ["T"]) == ["-bpd3", "--", "1", "T", "/run/uncaught-logs"]
    assert logger_args(2, ["t", "T"]) == ["-bpd3", "--", "t", "T", "/run/uncaught-logs"]
    assert logger_args(2, []) == ["-bpd3", "--", "/run/uncaught-logs"]


# ------------------------------------------------------------------ exit codes

@pytest.mark.parametrize("data,expected", [
    (None, 0), (b"", 0), (b"0\n", 0), (b"42\n", 42), (b"256", 0), (b"300\n", 44),
    (b"1000", 232), (b"abc\n", 100), (b" 12\n", 100), (b"12 \t\nxx", 12), (b"\n5\n", 0),
    (b"-1\n", 100),
])
def test_exitcode_file(data, expected):
    assert exitcode.parse_exitcode(data) == expected


def test_shell_status_and_halt_kinds():
    assert exitcode.shell_status(3 << 8) == 3
    assert exitcode.shell_status(signal.SIGTERM) == 143
    assert exitcode.shell_status(signal.SIGKILL | 0x80) == 137     # core flag ignored
    assert exitcode.halt_status("h", 7, True) == 7
    assert exitcode.halt_status("r", 7, False) == 111
    assert exitcode.halt_status("p", 7, False) == 111
    assert exitcode.halt_status("r", 7, True) == 129
    assert exitcode.halt_status("p", 7, True) == 130
    assert exitcode.has_cap_sys_boot("CapEff:\t000001ffffffffff\n")
    assert not exitcode.has_cap_sys_boot("CapEff:\t00000000a80425fb\n")   # docker's default


# ------------------------------------------------------------------ preinit

@pytest.mark.parametrize("m,expected", [
    (0o755, "oxorgxgruxuwur"), (0o1777, "oxoworgxgwgruxuwuros"), (0o2750, "gxgruxuwurgs"),
    (0o4000, "us"), (0, ""),
])
def test_perms_tokens(m, expected):
    assert preinit_rules.perms(m) == expected


def test_run_ownership_matrix():
    own = preinit_rules.ownership
    assert own(1000, 1000, 0o755, 1000, 1000, 1000, 1000, False) == ("", "")
    assert own(0, 0, 0o755, 1000, 1000, 0, 0, False)[0] == "fix"           # root fixes
    assert own(0, 0, 0o775, 1000, 0, 1000, 0, False) == ("info", "using /run with gid 0")
    assert own(0, 0, 0o777, 1000, 0, 1000, 0, False)[0] == "fatal"         # o+w with gid 0
    assert own(0, 0, 0o1777, 1000, 1000, 1000, 1000, False)[0] == "warning"  # single-uid
    assert own(0, 1000, 0o3770, 1000, 1000, 1000, 1000, False)[0] == "warning"
    assert own(0, 1000, 0o1770, 1000, 1000, 1000, 1000, False)[0] == "fatal"  # g needs setgid
    assert own(0, 0, 0o777, 1000, 1000, 1000, 1000, False)[0] == "fatal"
    kind, text = own(0, 0, 0o777, 1000, 1000, 1000, 1000, True)
    assert kind == "warning" and "IS WORLD WRITABLE" in text
    kind, text = own(0, 0, 0o770, 1000, 1000, 1000, 1000, True)
    assert kind == "warning" and "IS GROUP WRITABLE" in text
    kind, text = own(0, 0, 0o755, 1000, 1000, 1000, 1000, False)
    assert kind == "fatal" and "lacking the privileges" in text
    assert "uid=1000,gid=1001" in preinit_rules.run_help(1000, 1001)


def test_remount_flags_keep_nosuid_drop_noexec():
    f = preinit_rules.remount_rw_exec_flags("rw,nosuid,nodev,noexec,relatime")
    assert f & preinit_rules.MS_REMOUNT and f & 2 and f & 4 and not f & 8
    assert preinit_rules.has_noexec("rw,noexec") and not preinit_rules.has_noexec("rw,exec")


# ------------------------------------------------------------------ fix-attrs

USERS = {"daemon": (1, 1), "nobody": (65534, 65534), "root": (0, 0), "mysql": (999, 998)}
GROUPS = {"daemon": 1, "nogroup": 65534, "root": 0}


def _resolve(entry):
    return accounts.resolve(entry, USERS.get, GROUPS.get)


@pytest.mark.parametrize("entry,expected", [
    # init.md §12.2's observed table
    ("daemon", (1, 1)), ("daemon:", (1, 0)), ("daemon,3:4:", (1, 1)), ("2:2,3:4:", (2, 2)),
    ("daemon:11111,3:4:", (1, 11111)), ("11111:daemon,3:4:", (11111, 1)),
    ("daemon:daemon,3:4:", (1, 1)), ("daemon:unexisting,3:4:", (1, 4)),
    ("unexisting:daemon,3:4:", (3, 1)), ("11111:11111,3:4:", (11111, 11111)),
    ("nobody,32768:32768", (65534, 65534)), ("unexisting,32768:32768", (32768, 32768)),
    ("unexisting,3", (3, 0)), (":daemon", (0, 1)), ("0:0", (0, 0)), ("root", (0, 0)),
    ("mysql", (999, 998)),
])
def test_fix_attrs_accounts(entry, expected):
    assert _resolve(entry) == expected


@pytest.mark.parametrize("entry", ["unexisting", "unexisting:daemon", "daemon:nogrp",
                                   "1000", "x,abc:1"])
def test_fix_attrs_account_errors(entry):
    with pytest.raises(accounts.AccountError):
        _resolve(entry)


def test_fix_attrs_lines():
    text = ("# a comment\n#notacomment true root 0644 0755\n\n"
            "/var/lib/mysql true mysql 0600 0700\n"
            "/var/log/a\\ b  false nobody,32768:32768 0644 2700 trailing words\n"
            "/x true \\\n root 0644 0755\n   \n/only-path\n")
    rules = parse(text)
    assert [r.paths for r in rules] == [["#notacomment"], ["/var/lib/mysql"],
                                        ["/var/log/a", "b"], ["/x"], ["/only-path"]]
    r = rules[1]
    assert (r.recurse, r.account, r.fmode, r.dmode, r.lineno) == (True, "mysql", "0600", "0700", 4)
    assert rules[2].dmode == "2700 trailing words" and rules[2].recurse is False
    assert rules[3].account == "root" and rules[3].dmode == "0755"
    assert (rules[4].account, rules[4].fmode) == ("", "")
    assert read_fields("  a   b  ") == ["a", "b", "", "", ""]
    assert mode("0644") == 0o644 and mode("2700") == 0o2700
    assert mode("") is None and mode("0x1") is None and mode("rwx") is None


# ------------------------------------------------------------------ rc.init, signals, killall

def test_sources_and_compat_mode():
    assert rcinit_rules.sources(None, None, False) == ["/etc/s6-overlay/s6-rc.d",
                                                       "/etc/s6-overlay/user-bundles.d"]
    assert rcinit_rules.sources("dev", None, False) == [
        "/etc/cont-profile.d/dev/s6-overlay/s6-rc.d",
        "/etc/cont-profile.d/dev/s6-overlay/user-bundles.d"]
    assert rcinit_rules.sources(None, "/b", False)[1] == "/b"
    assert rcinit_rules.sources(None, "/b", True) == ["/etc/s6-overlay/s6-rc.d"]
    assert "user-bundles.d instead" in rcinit_rules.compat_warning(None)
    assert rcinit_rules.cmd_argv("/bin/sh -c", ["echo a b"]) == ["/bin/sh", "-c", "echo a b"]
    assert rcinit_rules.cmd_argv(None, ["x", ""]) == ["x", ""]
    assert rcinit_rules.compile_verbosity(0) == 0 and rcinit_rules.compile_verbosity(3) == 2


def test_signal_table():
    a = sigs.action
    assert a(signal.SIGTERM, False) == "h" and a(signal.SIGUSR2, False) == "h"
    assert a(signal.SIGINT, False) == "r"
    assert a(signal.SIGUSR1, False) == "p" and a(sigs.SIGPWR, False) == "p"
    assert a(signal.SIGQUIT, False) == "ignore" and a(signal.SIGWINCH, False) == "ignore"
    assert a(signal.SIGHUP, False) == "rescan"
    for s in sigs.FORWARDED:
        assert a(s, True) == "forward"
    assert a(signal.SIGHUP, True) == "rescan"
    assert sigs.svscanctl_kind("t") == "h" and sigs.svscanctl_kind("i") == "r"
    assert sigs.svscanctl_kind("a") is None


def test_killall_targets():
    procs = {1: (0, "S"), 5: (1, "S"), 6: (5, "S"), 7: (1, "Z"), 8: (0, "S"), 9: (1, "S"),
             20: (8, "S")}
    # PID 1: everything but itself, zombies and the spared logger
    assert killall.targets(procs, 1, False, {9}) == [5, 6, 8, 20]
    # subreaper (we are 5): only our descendants
    assert killall.targets(procs, 5, True, set()) == [6]
    assert killall.targets(procs, 8, True, {20}) == []


def test_shutdown_times():
    assert delay_of("now", 0) == 0
    assert delay_of("+2", 0) == 120
    assert delay_of("x", 0) is None and delay_of("25:00", 0) is None
    d = delay_of("00:00", 1_700_000_000)
    assert d is not None and 0 <= d <= 86400


# ------------------------------------------------------------------ the legacy scripts' files

def test_legacy_script_files_are_the_table():
    d = os.path.join(ROOT, "overlays", "rootfs") + SCRIPTS
    assert sorted(os.listdir(d)) == sorted(TARGETS)
    for name, target in TARGETS.items():
        with open(os.path.join(d, name)) as f:
            text = f.read()
        expected = render(name, target).replace("(overlays/commands.py)",
                                                "(init/pid1/legacy_table.py)")
        assert text == expected, name
        assert os.stat(os.path.join(d, name)).st_mode & 0o111
    assert inproc()[f"{SCRIPTS}/cont-init"] == "init.legacy.contdirs:cont_init"


def test_legacy_targets_resolve():
    import importlib
    for target in TARGETS.values():
        module, _, func = target.partition(":")
        assert callable(getattr(importlib.import_module(module), func))
