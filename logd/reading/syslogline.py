"""What a syslogd line says: facility, severity and the sender's header (pure).

The syslogd pipeline writes ``[client ": "] facility.severity ": " body``
(reference/syslogd.md §4, §7) with s6-socklog's names (``warn``, ``err``,
``unknown``, ``mark``).  The body is what the client sent, unparsed by the
daemon: an RFC 5424 message (``1 TIMESTAMP HOST APP PROCID MSGID SD MSG``)
or an RFC 3164 one (``Mmm dd hh:mm:ss [HOST] TAG[PID]: MSG``), whose fields
are returned when they are there, so JSON output and the forwarder can use
them.  Nil values (``-``) are left out.
"""
from __future__ import annotations

import re

from syslogd.names import FACILITIES, SEVERITIES, UNKNOWN

FACILITY_CODES: dict[str, int] = {name: code for code, name in FACILITIES.items()}
SEVERITY_CODES: dict[str, int] = {name: code for code, name in enumerate(SEVERITIES)}
# spellings people type that s6-socklog never prints
SEVERITY_ALIASES = {"warning": 4, "error": 3, "panic": 0}

_names = "|".join(sorted(set(FACILITY_CODES) | {UNKNOWN}, key=len, reverse=True))
_PREFIX = re.compile(
    rb"(?:([0-9A-Fa-f.:]+_\d+): )?(" + _names.encode() + rb")\.("
    + "|".join(SEVERITIES).encode() + rb"): ")
_R5424 = re.compile(rb"([1-9]\d{0,2}) (\S+) (\S+) (\S+) (\S+) (\S+) ")
_R3164 = re.compile(
    rb"([A-Z][a-z]{2} [ 0-9]\d \d\d:\d\d:\d\d) (?:(\S+) )?([^\s:\[\]]+)(?:\[([^\]\s]*)\])?: ?")
_BOM = b"\xef\xbb\xbf"


def parse_prefix(rest: bytes) -> tuple[dict, bytes] | None:
    """``({"facility", "severity", ["client"]}, body)`` or None when the
    line has no ``facility.severity: `` prefix."""
    m = _PREFIX.match(rest)
    if m is None:
        return None
    fields = {"facility": m.group(2).decode(), "severity": m.group(3).decode()}
    if m.group(1):
        fields["client"] = m.group(1).decode()
    return fields, rest[m.end():]


def _structured_data(body: bytes, pos: int) -> int:
    """End of the STRUCTURED-DATA starting at ``pos`` (``-`` or ``[..]...``),
    or -1 if it is malformed.  ``\\]`` inside a value does not close it."""
    if body[pos:pos + 1] == b"-":
        return pos + 1
    n = len(body)
    while pos < n and body[pos:pos + 1] == b"[":
        pos += 1
        quoted = False
        while pos < n:
            c = body[pos]
            if c == 0x5C and quoted:  # backslash escapes the next byte
                pos += 2
                continue
            if c == 0x22:
                quoted = not quoted
            elif c == 0x5D and not quoted:
                break
            pos += 1
        if pos >= n:
            return -1
        pos += 1
    return pos


def parse_body(body: bytes) -> dict:
    """Header fields of an RFC 5424 or RFC 3164 body (``message`` included);
    ``{}`` if neither."""
    fields, msg = split_body(body)
    if fields:
        fields["message"] = msg.decode("utf-8", "replace")
    return fields


def split_body(body: bytes) -> tuple[dict, bytes]:
    """``(header fields, message bytes)``; ``({}, body)`` for a body that
    is neither RFC 5424 nor RFC 3164.  The message is kept as bytes so a
    forwarder can pass it on unchanged (a UTF-8 BOM is dropped)."""
    m = _R5424.match(body)
    if m is not None and (m.group(2) == b"-" or m.group(2)[:1].isdigit()):
        end = _structured_data(body, m.end())
        if end > 0 and (end == len(body) or body[end:end + 1] == b" "):
            out: dict = {"version": int(m.group(1))}
            for key, val in zip(("timestamp", "hostname", "app_name", "procid", "msgid"),
                                m.groups()[1:]):
                if val != b"-":
                    out[key] = val.decode("utf-8", "replace")
            sd = body[m.end():end]
            if sd != b"-":
                out["structured_data"] = sd.decode("utf-8", "replace")
            msg = body[end + 1:]
            if msg.startswith(_BOM):
                msg = msg[3:]
            return out, msg
    m = _R3164.match(body)
    if m is not None:
        out = {"timestamp": m.group(1).decode()}
        if m.group(2):
            out["hostname"] = m.group(2).decode("utf-8", "replace")
        out["app_name"] = m.group(3).decode("utf-8", "replace")
        if m.group(4):
            out["procid"] = m.group(4).decode("utf-8", "replace")
        return out, body[m.end():]
    return {}, body


def parse(rest: bytes) -> dict | None:
    """Everything :func:`parse_prefix` and :func:`parse_body` find, or None
    for a line that is not a syslogd line."""
    found = parse_prefix(rest)
    if found is None:
        return None
    fields, body = found
    fields.update(parse_body(body))
    fields.setdefault("message", body.decode("utf-8", "replace"))
    return fields


def severity_code(name: str) -> int:
    """Code of a severity name (``warn``, ``warning``, ``4``...); ValueError if none."""
    low = name.strip().lower()
    if low.isdigit() and int(low) < 8:
        return int(low)
    if low in SEVERITY_CODES:
        return SEVERITY_CODES[low]
    if low in SEVERITY_ALIASES:
        return SEVERITY_ALIASES[low]
    raise ValueError(f"unknown severity {name!r} (one of {', '.join(SEVERITIES)})")


def severity_range(spec: str) -> tuple[int, int]:
    """``--priority`` values: ``err`` means err and more urgent (codes 0-3),
    as journalctl reads it; ``warn..err`` is an explicit range."""
    if ".." in spec:
        a, b = spec.split("..", 1)
        lo, hi = sorted((severity_code(a), severity_code(b)))
        return lo, hi
    return 0, severity_code(spec)


def facility_names(specs: list[str]) -> frozenset[str]:
    """``--facility`` values (repeatable, comma-separated), checked."""
    known = set(FACILITY_CODES) | {UNKNOWN}
    out = set()
    for spec in specs:
        for name in filter(None, (s.strip().lower() for s in spec.split(","))):
            if name not in known:
                raise ValueError(f"unknown facility {name!r} (one of {', '.join(sorted(known))})")
            out.add(name)
    return frozenset(out)
