"""s6py's own script directives: words starting with ``%`` (pure).

Why a sigil of its own: s6-log refuses any word whose first byte it does
not know, so ``%`` words can never change the meaning of a script s6-log
accepts: a script without them is read exactly as s6-log reads it (every
s6-log directive keeps its one-byte head), and one with them is refused by
the real s6-log instead of being misread.  The directives:

* ``%rfc3339``, ``%rfc3339=local``, ``%rfc3339=utc``: the next action's
  lines get an RFC 3339 stamp with an explicit offset (like ``t``/``T``,
  for the next action only; after them, before the prefix);
* ``%join`` (indented lines continue a record), ``%join+RE`` (lines
  matching RE continue it), ``%join-RE`` (lines *not* matching RE continue
  it: RE marks where records start): multi-line records, read before
  selection and stamping (``records.py`` in logd says how they are written);
* ``%joinms=N``: a record is complete once N ms pass with no continuation
  (default 200); ``%joinmax=N``: records longer than N bytes are cut
  (default 65536, at least 256).

The ``%join*`` words apply to the whole input wherever they stand (the
last of each kind wins).  Anything else after ``%`` is an unrecognized
directive, as s6-log would say.
"""
from __future__ import annotations

from logd.options import parse_number

TYPE_CHECKING = False  # typing costs milliseconds at start-up; annotations are lazy
if TYPE_CHECKING:
    from typing import Any, Callable

JOIN_MS = 200
JOIN_MAX = 65536
JOIN_MAX_MIN = 256


class JoinSpec:
    """How lines make records: ``mode`` is "indent", "+" or "-"."""

    __slots__ = ("mode", "regex", "source", "ms", "max")

    def __init__(self, mode: str = "indent", regex: Any = None, source: bytes = b"",
                 ms: int = JOIN_MS, max: int = JOIN_MAX) -> None:  # noqa: A002
        self.mode, self.regex, self.source, self.ms, self.max = mode, regex, source, ms, max


class ExtensionError(Exception):
    """An unknown or malformed ``%`` word: ``unrecognized directive: WORD``."""


def rfc3339_mode(word: str) -> str | None:
    """"local"/"utc" for a ``%rfc3339`` word, None for another ``%`` word."""
    if word == "%rfc3339" or word == "%rfc3339=local":
        return "local"
    if word == "%rfc3339=utc":
        return "utc"
    if word.startswith("%rfc3339"):
        raise ExtensionError(word)
    return None


def apply_join(spec: JoinSpec | None, word: str,
               compile_regex: Callable[[bytes], Any]) -> JoinSpec:
    """``spec`` updated by one ``%join...`` word; ExtensionError if malformed."""
    spec = spec or JoinSpec()
    rest = word[len("%join"):]
    if not word.startswith("%join"):
        raise ExtensionError(word)
    if rest == "":
        spec.mode, spec.regex, spec.source = "indent", None, b""
    elif rest[:1] in "+-":
        raw = rest[1:].encode("utf-8", "surrogateescape")
        if not raw:
            raise ExtensionError(word)
        try:
            spec.regex = compile_regex(raw)
        except ValueError:
            raise ExtensionError(word) from None
        spec.mode, spec.source = rest[:1], raw
    elif rest.startswith("ms="):
        value = parse_number(rest[3:], 3600_000)
        if value is None:
            raise ExtensionError(word)
        spec.ms = value
    elif rest.startswith("max="):
        value = parse_number(rest[4:], 1 << 24)
        if value is None:
            raise ExtensionError(word)
        spec.max = max(value, JOIN_MAX_MIN)
    else:
        raise ExtensionError(word)
    return spec
