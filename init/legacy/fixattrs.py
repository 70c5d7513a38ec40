"""fix-attrs (deprecated): ownership and modes from ``fix-attrs.d`` files (init.md §12).

For each file (sorted): ``applying PATH``; its lines are applied in order
and the first failure abandons the rest of that file.  Recursion walks the
whole tree (DECISIONS #10: s6-overlay's walk is broken for directories
with other than one entry), dotfiles only with S6_FIX_ATTRS_HIDDEN.
Afterwards the deprecation warning, and with S6_BEHAVIOUR_IF_STAGE2_FAILS
a failure warning (1) or exit 1 (2).
"""
from __future__ import annotations

import os

from init.legacy import accounts, common
from init.legacy.fixattrs_parse import mode as parse_mode
from init.legacy.fixattrs_parse import parse
from init.settings import nonzero


class Failed(Exception):
    pass


def _expand(pattern: str) -> list[str]:
    """The shell's globbing: sorted matches, or the word itself when nothing matches."""
    if not any(c in pattern for c in "*?["):
        return [pattern]
    import glob
    found = sorted(glob.glob(pattern))
    return found or [pattern]


def _apply(path: str, recurse: bool, uid: int, gid: int, fmode: str, dmode: str,
           hidden: bool) -> None:
    try:
        os.chown(path, uid, gid)
    except OSError as e:
        raise Failed(f"s6-chown: fatal: unable to chown {path}: {e.strerror}") from None
    isdir = os.path.isdir(path)
    text = dmode if isdir else fmode
    m = parse_mode(text)
    if m is None:
        raise Failed(f"s6-chmod: usage: s6-chmod mode file (invalid mode {text!r} for {path})")
    try:
        os.chmod(path, m)
    except OSError as e:
        raise Failed(f"s6-chmod: fatal: unable to change mode of {path}: {e.strerror}") from None
    if isdir and recurse and not os.path.islink(path):
        try:
            names = sorted(os.listdir(path))
        except OSError as e:
            raise Failed(f"s6-ls: fatal: unable to list {path}: {e.strerror}") from None
        for name in names:
            if hidden or not name.startswith("."):
                _apply(os.path.join(path, name), recurse, uid, gid, fmode, dmode, hidden)


def apply_file(path: str, hidden: bool, say: common.Say) -> bool:
    """Apply one fix-attrs file; False (after a message) at its first failure."""
    try:
        with open(path, encoding="utf-8", errors="surrogateescape") as f:
            text = f.read()
    except OSError as e:
        say.raw(f"fix-attrs: warning: unable to read {path}: {e.strerror}")
        return False
    try:
        for rule in parse(text):
            uid, gid = accounts.resolve(rule.account, accounts.system_user,
                                        accounts.system_group)
            for pattern in rule.paths:
                for p in _expand(pattern):
                    _apply(p, rule.recurse, uid, gid, rule.fmode, rule.dmode, hidden)
    except (Failed, accounts.AccountError) as e:
        say.raw(str(e))
        return False
    return True


def main(argv: list[str]) -> int:
    say = common.Say("fix-attrs", common.v())
    d = os.path.join(common.etc(), "fix-attrs.d")
    hidden = nonzero(common.var("S6_FIX_ATTRS_HIDDEN"))
    names = common.listing(d)
    failed = False
    for name in names:
        path = os.path.join(d, name)
        say.info(f"applying {path}")
        if not apply_file(path, hidden, say):
            failed = True
    if names:
        say.warning("fix-attrs is deprecated, please fix volume permissions in your container "
                    "manager instead")
    return common.verdict(failed, say, "some fix files failed to apply")
