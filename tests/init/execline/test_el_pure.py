"""Direct tests of the pure modules: lexer, substitution, options, blocks, frames, ERE."""
from __future__ import annotations

import pytest

from init.execline import posenv
from init.execline.blocks import get_block, quote_block
from init.execline.errors import Exit
from init.execline.lexer import ParseError, parse
from init.execline.options import OptionError, getopt, uint
from init.execline.subst import NetstringError, substitute, transform
from logd.ere import EREError, compile_ere


@pytest.mark.parametrize("text,argv", [
    ("echo a b", ["echo", "a", "b"]),
    ("echo a#b #c d\necho next", ["echo", "a#b", "echo", "next"]),
    ('printf "" x""y "a b"', ["printf", "", "xy", "a b"]),
    ('"\\0x41\\065\\101"', ["A5e"]),
    ('"\\a\\b\\t\\n\\v\\f\\r"', ["\a\b\t\n\v\f\r"]),
    ('"a\\\nb"', ["ab"]),
    ("a\\\nb", ["a\nb"]),
    ("x \\\ny", ["x", "y"]),
    ("x \\", ["x"]),
    ('"\\1234"', ["{4"]),
    ('"\\0x4', ["\x04"]),
    ("\\{ \\}", ["{", "}"]),
    ("a\rb\x0bc\x0cd", ["a", "b", "c", "d"]),
    ("f { a { b } \"\" } z", ["f", " a", "  b", " ", " ", "", "z"]),
    ("{}", ["{}"]),
])
def test_lexer(text: str, argv: list[str]) -> None:
    assert parse(text) == argv


@pytest.mark.parametrize("text,msg", [
    ("echo {", "syntax error"),
    ("echo { ", "unmatched {"),
    ("echo }", "unmatched }"),
    ('echo "abc', "syntax error"),
    ("c\\", "syntax error"),
    ('"\\00"', "syntax error"),
    ('"\\0777"', "syntax error"),
    ('"\\256"', "syntax error"),
    ('"\\0xg"', "syntax error"),
    ('"\\09"', "syntax error"),
])
def test_lexer_errors(text: str, msg: str) -> None:
    with pytest.raises(ParseError, match=msg):
        parse(text)


def test_substitute_forms() -> None:
    t = {"F": ["v"]}
    words = ["$F-x", "${F}x", "$F$F", "$F}", "${F", "$$F", "${F${F}}", "\\$F", "\\\\$F"]
    assert substitute(words, t) == ["$F-x", "vx", "vv", "v}", "${F", "$v", "${Fv}", "$F", "\\v"]


def test_substitute_lists() -> None:
    assert substitute(["x${A}y"], {"A": []}) == []
    assert substitute(["${A}x${B}"], {"A": ["a", "b"], "B": ["1", "2"]}) == ["ax1", "ax2", "bx1", "bx2"]
    assert substitute([" ${A}"], {"A": ["p", "q"]}) == [" p", " q"]   # block prefix kept
    assert substitute(["${A}"], {"A": ["$B"], "B": ["no"]}) == ["$B"]  # never rescanned


@pytest.mark.parametrize("value,kw,words", [
    ("a  b c", {"split": True}, ["a", "", "b", "c"]),
    ("a  b c", {"split": True, "crunch": True}, ["a", "b", "c"]),
    ("a b", {"split": True, "chomp": True}, ["a"]),
    ("a b ", {"split": True, "chomp": True}, ["a", "b"]),
    ("", {"split": True}, []),
    (" ", {"split": True}, [""]),
    ("a b\n", {"chomp": True}, ["a b"]),
    ("a    b", {"crunch": True}, ["a b"]),
    ("1:a,2:bb,0:,", {"split": True, "delims": ""}, ["a", "bb", ""]),
])
def test_transform(value: str, kw: dict, words: list[str]) -> None:
    assert transform(value, **kw) == words


def test_transform_bad_netstring() -> None:
    with pytest.raises(NetstringError):
        transform("1:a,x", split=True, delims="")


def test_getopt() -> None:
    assert getopt(["p", "-sCd,", "k", "v"], "sCd:") == ([("s", ""), ("C", ""), ("d", ",")], 2)
    assert getopt(["p", "-d", ":", "--", "-x"], "d:") == ([("d", ":")], 4)
    assert getopt(["p", " block", ""], "n") == ([], 1)
    assert getopt(["p", "-", "x"], "n") == ([], 1)
    with pytest.raises(OptionError):
        getopt(["p", "-q"], "n")
    with pytest.raises(OptionError):
        getopt(["p", "-d"], "d:")
    assert uint("12") == 12 and uint("") is None and uint("-1") is None and uint("٣") is None


def test_blocks() -> None:
    assert get_block([" a", "  b", " ", "", "rest"], 0, "p") == (["a", " b", ""], 4)
    assert get_block(["a", "b", "", "rest"], 0, "p") == (["a", "b"], 3)
    assert quote_block(["a", " b"]) == [" a", "  b", ""]
    with pytest.raises(Exit) as e:
        get_block([" a"], 0, "p")
    assert e.value.code == 100
    with pytest.raises(Exit):
        get_block(["a", ""], 0, "p", strict=2)


def test_frames() -> None:
    env = {"#": "5", "1": "x", "3:1": "z", "PATH": "/bin", "1a": "w"}
    pushed = posenv.push(env, posenv.is_positional)
    assert pushed == {"#:1": "5", "1:1": "x", "3:2": "z", "PATH": "/bin", "1a:1": "w"}
    assert posenv.pop(pushed, posenv.is_positional) == env
    posenv.set_frame(pushed, "s", ["a"])
    assert posenv.read_frame(pushed, "p") == ["s", "a"]
    assert posenv.read_frame({"#": "2", "0": "s", "1": "a"}, "p") is None


@pytest.mark.parametrize("pattern,text,match", [
    ("^[[:digit:]]+$", "123", True),
    ("^[[:digit:]]+$", "12a", False),
    ("b", "abc", True),
    ("[]a]", "]", True),
    ("a{2}", "aa", True),
    ("[\\d]", "\\", True),
])
def test_ere(pattern: str, text: str, match: bool) -> None:
    rx = compile_ere(pattern.encode())
    assert (rx.search(text.encode()) is not None) == match


def test_ere_invalid() -> None:
    for bad in ("[", "[[:nope:]]", "x{"):  # the real eltest refuses x{ too
        with pytest.raises(EREError):
            compile_ere(bad.encode())
