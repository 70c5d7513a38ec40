"""The logging-script compiler: words in, selection groups and actions out.

s6-log parses the script twice.  The first pass looks only at the first
byte of each word and rejects the script before anything exists on disk;
the second pass parses numbers and regexes and *sets up each logdir the
moment its word is reached*, so an error after a logdir leaves that
logdir created.  ``compile_script`` reproduces that by calling
``open_logdir`` in the middle of the second pass; it does no I/O itself.

The compiled form follows structlog's lesson: settle everything once
(regexes compiled, sticky controls frozen into each action) so the read
loop only applies it.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

from logd.options import UINT32_MAX, parse_number

_FIRST_BYTES = set("+-fnsSlrRE^p!?tT12=./")
_SINGLE = set("tTf12")
_SELECTION = set("+-f")
_ACTION = set("12=./")


class ScriptError(Exception):
    """A script error: ``s6-log: fatal: <text>``, exit 100."""


@dataclass
class Controls:
    """The sticky control directives in force at one point of the script."""

    n: int = 10
    s: int = 99999
    S: int = 0
    l: int = 2000  # noqa: E741 (the directive's own name)
    r: int = 2000
    R: int = 0
    E: int = 200
    status_size: int = 1001
    prefix: bytes | None = None
    processor: tuple[str, str] | None = None  # ("!" execline | "?" sh, text)


@dataclass
class Action:
    """One action with everything it needs frozen at compile time.

    ``kind`` is "1" (stdout), "2" (alert), "=" (status file) or "d" (logdir).
    ``target`` is the status file path or the object ``open_logdir`` made.
    """

    kind: str
    tai: bool
    iso: bool
    controls: Controls
    target: Any = None


@dataclass
class Selector:
    op: str  # "+", "-" or "f"
    regex: Any = None  # compiled bytes pattern; None = matches every line
    source: bytes = b""


@dataclass
class Group:
    selectors: list[Selector] = field(default_factory=list)
    actions: list[Action] = field(default_factory=list)


@dataclass
class Script:
    groups: list[Group]
    extraneous: bool  # trailing selection directives were ignored (warn)

    @property
    def actions(self) -> list[Action]:
        return [a for g in self.groups for a in g.actions]


def check_first_pass(words: list[str]) -> tuple[int, bool]:
    """Reject what the first pass rejects; return (words to keep, warn)."""
    last_action = -1
    for i, word in enumerate(words):
        head = word[:1]
        if head not in _FIRST_BYTES:
            raise ScriptError(f"unrecognized directive: {word}")
        if (head in _SINGLE and len(word) > 1) or word == "=":
            raise ScriptError(f"syntax error at directive: {word}")
        if head in _ACTION:
            last_action = i
    if last_action < 0:
        raise ScriptError("no action directive specified")
    trailing = words[last_action + 1:]
    return last_action + 1, any(w[:1] in _SELECTION for w in trailing)


def _number(word: str, limit: int = UINT32_MAX) -> int:
    value = parse_number(word[1:], limit)
    if value is None:
        raise ScriptError(f"unrecognized directive: {word}")
    return value


def compile_script(
    words: list[str],
    compile_regex: Callable[[bytes], Any],
    open_logdir: Callable[[str, Controls], Any],
) -> Script:
    """Run both passes.  ``compile_regex`` raises ValueError on a bad RE."""
    keep, extraneous = check_first_pass(words)
    ctl = Controls()
    tai = iso = False
    groups: list[Group] = [Group()]
    for word in words[:keep]:
        head, rest = word[:1], word[1:]
        if head in _SELECTION:
            if groups[-1].actions:
                groups.append(Group())
            if head == "f":
                groups[-1].selectors.append(Selector("f"))
                continue
            raw = rest.encode("utf-8", "surrogateescape")
            try:
                regex = compile_regex(raw) if raw else None
            except ValueError:
                raise ScriptError(f"unrecognized directive: {word}") from None
            groups[-1].selectors.append(Selector(head, regex, raw))
        elif head == "t":
            tai = True
        elif head == "T":
            iso = True
        elif head in _ACTION:
            frozen = Controls(**vars(ctl))
            action = Action("d" if head in "./" else head, tai, iso, frozen)
            if head == "=":
                action.target = rest
            elif action.kind == "d":
                action.target = open_logdir(word, frozen)
            groups[-1].actions.append(action)
            tai = iso = False
        else:
            _control(ctl, word)
    return Script([g for g in groups if g.actions], extraneous)


def _control(ctl: Controls, word: str) -> None:
    head, rest = word[:1], word[1:]
    if head == "n":
        ctl.n = _number(word)
    elif head == "s":
        ctl.s = min(max(_number(word), 4096), 268435455)
    elif head == "S":
        ctl.S = _number(word, 18446744073709551615)
    elif head == "l":
        value = _number(word)
        if value > ctl.s // 2:
            raise ScriptError(f"directive {word} conflicts with previous s directive")
        ctl.l = value
    elif head == "r":
        ctl.r = _number(word, 2147483647)
    elif head == "R":
        ctl.R = _number(word)
    elif head == "E":
        ctl.E = _number(word)
    elif head == "^":
        ctl.status_size = _number(word)
    elif head == "p":
        ctl.prefix = rest.encode("utf-8", "surrogateescape") if rest else None
    else:  # "!" or "?"
        ctl.processor = (head, rest) if rest else None
