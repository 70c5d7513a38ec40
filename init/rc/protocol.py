"""The s6-rc socket's wire format (pure): no JSON, so PID 1 need not import
json (and re) to listen.

Request: one line, fields separated by NUL (names cannot contain NUL or
newline): ``op``, then ``key=value`` fields; ``name=`` may repeat.
Replies: ``say TEXT`` lines, then ``exit N``.
"""
from __future__ import annotations


def encode_request(op: str, fields: dict, names: list[str] = ()) -> bytes:
    parts = [op] + [f"{k}={v}" for k, v in fields.items()] + [f"name={n}" for n in names]
    return "\0".join(parts).encode("utf-8", "surrogateescape") + b"\n"


def decode_request(line: bytes) -> tuple[str, dict[str, str], list[str]]:
    parts = line.decode("utf-8", "surrogateescape").split("\0")
    fields: dict[str, str] = {}
    names: list[str] = []
    for p in parts[1:]:
        k, sep, v = p.partition("=")
        if not sep:
            raise ValueError(f"bad field {p!r}")
        if k == "name":
            names.append(v)
        else:
            fields[k] = v
    return parts[0], fields, names


def say(text: str) -> bytes:
    return b"say " + text.replace("\n", " ").encode("utf-8", "surrogateescape") + b"\n"


def exit_line(code: int) -> bytes:
    return b"exit %d\n" % code


def decode_reply(line: bytes) -> tuple[str, str]:
    """('say', text) or ('exit', code-as-text)."""
    kind, _, rest = line.rstrip(b"\n").partition(b" ")
    return kind.decode(), rest.decode("utf-8", "surrogateescape")
