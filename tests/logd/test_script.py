import re

import pytest

from logd.script import ScriptError, check_first_pass, compile_script


def compile_(words, opened=None):
    opened = [] if opened is None else opened

    def open_logdir(path, ctl):
        opened.append((path, ctl))
        return path
    return compile_script(words, lambda raw: re.compile(raw), open_logdir)


@pytest.mark.parametrize("words,text", [
    (["tx", "1"], "syntax error at directive: tx"),
    (["1x"], "syntax error at directive: 1x"),
    (["="], "syntax error at directive: ="),
    (["fo", "1"], "syntax error at directive: fo"),
    (["x", "1"], "unrecognized directive: x"),
    (["", "1"], "unrecognized directive: "),
    (["n5", "t"], "no action directive specified"),
])
def test_first_pass_errors(words, text):
    with pytest.raises(ScriptError, match=f"^{re.escape(text)}$"):
        check_first_pass(words)


def test_extraneous_selection_warns_controls_do_not():
    assert check_first_pass(["1", "+foo"]) == (1, True)
    assert check_first_pass(["1", "n5", "t"]) == (1, False)


def test_second_pass_errors_after_logdir_setup():
    opened = []
    with pytest.raises(ScriptError, match="unrecognized directive: n5x"):
        compile_(["./a", "n5x", "./b"], opened)
    assert [p for p, _ in opened] == ["./a"]
    with pytest.raises(ScriptError, match=r"directive l50000 conflicts with previous s"):
        compile_(["l50000", "1"])
    with pytest.raises(ScriptError, match="unrecognized directive: r2147483648"):
        compile_(["r2147483648", "1"])


def test_tolerance_only_checked_against_s_in_force():
    script = compile_(["l3000", "s4096", "1"])
    assert (script.actions[0].controls.l, script.actions[0].controls.s) == (3000, 4096)


def test_s_is_clamped():
    assert compile_(["s100", "1"]).actions[0].controls.s == 4096
    assert compile_(["s999999999", "1"]).actions[0].controls.s == 268435455


def test_stamps_apply_to_next_action_only_and_controls_are_sticky():
    script = compile_(["t", "T", "pX", "n3", "1", "2", "p", "!gzip", "?cat", "./d"])
    one, two, d = script.actions
    assert (one.tai, one.iso, two.tai, two.iso) == (True, True, False, False)
    assert one.controls.prefix == b"X" and two.controls.prefix == b"X"
    assert d.controls.prefix is None and d.controls.n == 3
    assert d.controls.processor == ("?", "cat")
    assert d.target == "./d"


def test_groups_split_at_selection_after_action():
    script = compile_(["-", "+foo", "1", "t", "./log", "+bar", "2", "f", "=st"])
    assert [[s.op for s in g.selectors] for g in script.groups] == [["-", "+"], ["+"], ["f"]]
    assert [[a.kind for a in g.actions] for g in script.groups] == [["1", "d"], ["2"], ["="]]
    assert script.groups[0].selectors[0].regex is None
    assert script.groups[2].actions[0].target == "st"


def test_dot_alone_and_R_accepted():
    script = compile_(["R60", "."])
    assert script.actions[0].controls.R == 60 and script.actions[0].kind == "d"
