"""What the legacy scripts share: S6_* readings, the profile, directory listings, messages.

Every value is read as the scripts read it, through printcontenv
(``init.contenv.get``), so a cont-init script that edits the container
environment changes what the later scripts see.
"""
from __future__ import annotations

import os
import sys

from init import contenv
from init.settings import digits, verbosity


def var(name: str) -> str | None:
    return contenv.get(name)


def v() -> int:
    return verbosity(var("S6_VERBOSITY"))


def behaviour() -> int:
    """S6_BEHAVIOUR_IF_STAGE2_FAILS as ``b=0$(printcontenv ...)`` reads it."""
    text = "0" + (var("S6_BEHAVIOUR_IF_STAGE2_FAILS") or "")
    return int(text) if text.isascii() and text.isdigit() else 0


def verdict(failed: bool, say: Say, what: str) -> int:
    """The legacy scripts' common ending: warn about a failure when
    S6_BEHAVIOUR_IF_STAGE2_FAILS >= 1, and fail the oneshot (exit 1)
    when >= 2."""
    b = behaviour()
    if failed and b:
        say.warning(what)
        if b >= 2:
            return 1
    return 0


def ms(name: str, default: int) -> int:
    return digits(var(name), default)


def etc() -> str:
    """/etc, or /etc/cont-profile.d/PROFILE when S6_RUNTIME_PROFILE is set (even empty)."""
    profile = var("S6_RUNTIME_PROFILE")
    return "/etc" if profile is None else f"/etc/cont-profile.d/{profile}"


def listing(path: str) -> list[str]:
    """Names not starting with a dot, sorted bytewise (s6-ls | s6-sort); [] if unreadable."""
    try:
        names = os.listdir(os.fsencode(path))
    except OSError:
        return []
    return [os.fsdecode(n) for n in sorted(n for n in names if not n.startswith(b"."))]


class Say:
    """``prog: info|warning: text`` on stderr, at the script's verbosity."""

    def __init__(self, prog: str, verbosity: int) -> None:
        self.prog = prog
        self.v = verbosity

    def _out(self, text: str) -> None:
        try:
            sys.stderr.write(text + "\n")
            sys.stderr.flush()
        except (OSError, ValueError):
            pass

    def info(self, text: str) -> None:
        if self.v >= 2:
            self._out(f"{self.prog}: info: {text}")

    def warning(self, text: str) -> None:
        if self.v >= 1:
            self._out(f"{self.prog}: warning: {text}")

    def raw(self, text: str) -> None:
        self._out(text)
