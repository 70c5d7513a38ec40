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

from logd.extensions import ExtensionError, apply_join, rfc3339_mode
from logd.options import UINT32_MAX, parse_number

TYPE_CHECKING = False  # typing costs milliseconds at start-up; annotations are lazy
if TYPE_CHECKING:
    from typing import Any, Callable

_FIRST_BYTES = set("+-fnsSlrRE^p!?tT12=./%")  # %: s6py's own (extensions.py)
_SINGLE = set("tTf12")
_SELECTION = set("+-f")
_ACTION = set("12=./")


class ScriptError(Exception):
    """A script error: ``s6-log: fatal: <text>``, exit 100."""


class Controls:
    """The sticky control directives in force at one point of the script.

    ``processor`` is ("!" for execline or "?" for sh, text) or None.
    """

    __slots__ = ("n", "s", "S", "l", "r", "R", "E", "status_size", "prefix", "processor")

    def __init__(self, n: int = 10, s: int = 99999, S: int = 0, l: int = 2000,  # noqa: E741
                 r: int = 2000, R: int = 0, E: int = 200, status_size: int = 1001,
                 prefix: bytes | None = None, processor: tuple[str, str] | None = None) -> None:
        self.n, self.s, self.S, self.l, self.r, self.R = n, s, S, l, r, R
        self.E, self.status_size, self.prefix, self.processor = E, status_size, prefix, processor

    def copy(self) -> Controls:
        return Controls(**{name: getattr(self, name) for name in self.__slots__})


class Action:
    """One action with everything it needs frozen at compile time.

    ``kind`` is "1" (stdout), "2" (alert), "=" (status file) or "d" (logdir).
    ``target`` is the status file path or the object ``open_logdir`` made.
    """

    __slots__ = ("kind", "tai", "iso", "controls", "target", "rfc")

    def __init__(self, kind: str, tai: bool, iso: bool, controls: Controls,
                 target: Any = None, rfc: str | None = None) -> None:
        self.kind, self.tai, self.iso, self.controls, self.target = (
            kind, tai, iso, controls, target)
        self.rfc = rfc  # "local" / "utc": an RFC 3339 stamp (%rfc3339)


class Selector:
    """``op`` is "+", "-" or "f"; ``regex`` None matches every line."""

    __slots__ = ("op", "regex", "source")

    def __init__(self, op: str, regex: Any = None, source: bytes = b"") -> None:
        self.op, self.regex, self.source = op, regex, source

    def __repr__(self) -> str:
        return f"Selector({self.op!r}, {self.source!r})"


class Group:
    __slots__ = ("selectors", "actions")

    def __init__(self, selectors: list[Selector] | None = None,
                 actions: list[Action] | None = None) -> None:
        self.selectors = [] if selectors is None else selectors
        self.actions = [] if actions is None else actions


class Script:
    """``extraneous``: trailing selection directives were ignored (warn);
    ``join``: how lines make records (%join, extensions.py), None: one line each."""

    __slots__ = ("groups", "extraneous", "join")

    def __init__(self, groups: list[Group], extraneous: bool, join: Any = None) -> None:
        self.groups, self.extraneous, self.join = groups, extraneous, join

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
    rfc: str | None = None
    join = None
    groups: list[Group] = [Group()]
    for i, word in enumerate(words):
        head, rest = word[:1], word[1:]
        if head == "%":
            try:
                mode = rfc3339_mode(word)
                if mode is None:
                    join = apply_join(join, word, compile_regex)
                elif i < keep:
                    rfc = mode
            except ExtensionError:
                raise ScriptError(f"unrecognized directive: {word}") from None
            continue
        if i >= keep:
            continue  # after the last action: only the global %join words count
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
            frozen = ctl.copy()
            action = Action("d" if head in "./" else head, tai, iso, frozen, rfc=rfc)
            if head == "=":
                action.target = rest
            elif action.kind == "d":
                action.target = open_logdir(word, frozen)
            groups[-1].actions.append(action)
            tai = iso = False
            rfc = None
        else:
            _control(ctl, word)
    return Script([g for g in groups if g.actions], extraneous, join)


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
