"""RFC 3164 and RFC 5424 message parsing helpers (sans I/O).

s6-socklog parses nothing after the ``<PRI>`` and neither does the line
path of this package: the lines must stay byte for byte what the real
program prints.  These helpers are for the code that wants to look inside
a message (tests checking what real clients sent, a forwarder choosing a
format): they split a message into the fields of either RFC and never
raise on malformed input (RFC 3164 parsing always succeeds, with absent
fields set to None; RFC 5424 parsing returns None for what is not one).
"""

from __future__ import annotations

from typing import NamedTuple

from .pri import parse_pri

MONTHS = (b"Jan", b"Feb", b"Mar", b"Apr", b"May", b"Jun",
          b"Jul", b"Aug", b"Sep", b"Oct", b"Nov", b"Dec")
BOM = b"\xef\xbb\xbf"


class Rfc3164(NamedTuple):
    """A BSD syslog message body (what follows the PRI)."""

    timestamp: bytes | None   # "Mmm dd hh:mm:ss", day space-padded
    hostname: bytes | None
    tag: bytes | None         # program name, without the pid
    pid: bytes | None
    msg: bytes


class Rfc5424(NamedTuple):
    """An RFC 5424 message body; nil values (``-``) are None."""

    version: int
    timestamp: bytes | None
    hostname: bytes | None
    app_name: bytes | None
    procid: bytes | None
    msgid: bytes | None
    structured_data: bytes | None   # the raw SD elements, brackets included
    msg: bytes                      # a leading UTF-8 BOM is removed
    bom: bool


def split_pri(message: bytes) -> tuple[int | None, bytes]:
    """``(PRI value or None, the rest)`` by s6-socklog's PRI rules."""
    found = parse_pri(message)
    if found is None:
        return None, message
    return found[0], message[found[1]:]


def is_rfc3164_timestamp(b: bytes) -> bool:
    """``Mmm dd hh:mm:ss`` (15 bytes; day ``[ 1-3]d``)."""
    if len(b) != 15 or b[:3] not in MONTHS or b[3:4] != b" " or b[6:7] != b" ":
        return False
    day = b[4:6]
    if not (day[:1] in b" 0123" and day[1:2].isdigit()):
        return False
    t = b[7:]
    return (t[2:3] == b":" and t[5:6] == b":"
            and t[0:2].isdigit() and t[3:5].isdigit() and t[6:8].isdigit())


def _split_tag(word: bytes) -> tuple[bytes, bytes | None]:
    if word.endswith(b"]") and b"[" in word:
        i = word.index(b"[")
        return word[:i], word[i + 1:-1]
    return word, None


def parse_rfc3164(body: bytes) -> Rfc3164:
    """Fields of an RFC 3164 body.  The hostname is optional in practice
    (glibc and logger's default leave it out), so the word after the
    timestamp is a hostname only if the next word is the one that ends in
    ``:``.  A tag containing a space (glibc allows any ident) is read as
    hostname + tag: the format is ambiguous there."""
    ts = None
    rest = body
    if is_rfc3164_timestamp(body[:15]) and body[15:16] in (b" ", b""):
        ts = body[:15]
        rest = body[16:]
    host = None
    head, sep, tail = rest.partition(b": ")
    if not sep:
        if rest.endswith(b":") and b" " not in rest:
            head, tail, sep = rest[:-1], b"", b":"
        else:
            return Rfc3164(ts, None, None, None, rest)
    words = head.split(b" ")
    if len(words) == 1:
        tag_word = words[0]
    elif len(words) == 2 and ts is not None:
        host, tag_word = words
    else:
        return Rfc3164(ts, None, None, None, rest)
    if not tag_word:
        return Rfc3164(ts, None, None, None, rest)
    tag, pid = _split_tag(tag_word)
    return Rfc3164(ts, host, tag, pid, tail)


def _field(rest: bytes) -> tuple[bytes | None, bytes] | None:
    word, sep, tail = rest.partition(b" ")
    if not word or not sep:
        return None
    return (None if word == b"-" else word), tail


def _structured_data(rest: bytes) -> tuple[bytes | None, bytes] | None:
    if rest[:1] == b"-":
        if rest[1:2] not in (b"", b" "):
            return None
        return None, rest[2:]
    i = 0
    n = len(rest)
    while i < n and rest[i:i + 1] == b"[":
        i += 1
        quoted = False
        while i < n:
            c = rest[i:i + 1]
            if quoted:
                if c == b"\\":
                    i += 1
                elif c == b'"':
                    quoted = False
            elif c == b'"':
                quoted = True
            elif c == b"]":
                break
            i += 1
        if i >= n:
            return None
        i += 1
    if i == 0 or rest[i:i + 1] not in (b"", b" "):
        return None
    return rest[:i], rest[i + 1:]


def parse_rfc5424(body: bytes) -> Rfc5424 | None:
    """Fields of an RFC 5424 body (``VERSION SP TIMESTAMP SP HOSTNAME SP
    APP-NAME SP PROCID SP MSGID SP STRUCTURED-DATA [SP MSG]``), or None."""
    version, sep, rest = body.partition(b" ")
    if not sep or not version.isdigit() or version[:1] == b"0" or len(version) > 2:
        return None
    fields = []
    for _ in range(5):
        f = _field(rest)
        if f is None:
            return None
        value, rest = f
        fields.append(value)
    sd = _structured_data(rest)
    if sd is None:
        return None
    data, msg = sd
    bom = msg.startswith(BOM)
    if bom:
        msg = msg[3:]
    return Rfc5424(int(version), fields[0], fields[1], fields[2], fields[3],
                   fields[4], data, msg, bom)


def parse_message(message: bytes) -> tuple[int | None, Rfc5424 | Rfc3164]:
    """PRI value and the fields of whichever format the message is in."""
    pri, body = split_pri(message)
    parsed = parse_rfc5424(body) if pri is not None else None
    if parsed is None:
        return pri, parse_rfc3164(body)
    return pri, parsed
