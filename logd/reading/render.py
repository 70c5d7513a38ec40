"""Records to output lines: text for people, JSON for programs.

Text: ``TIME [TAG: ]REST`` where TIME is the line's own stamp printed in
the chosen style, TAG the logdir's name (when several are shown), REST
the line after its stamps.  A line with no stamp prints without a time;
``raw`` style prints lines exactly as written.

JSON (one object per line): ``time`` (RFC 3339, or null), ``logdir`` (as
given), ``service`` (its name), ``file`` (``current`` or the archive),
``stream`` (``syslog`` for lines the syslogd pipeline wrote, else
``output``: s6-log keeps one stream per logdir, the service's stdout and
whatever it sent there), ``message`` (the line after its stamps), plus
``facility``/``severity`` and the sender's RFC 5424 / 3164 header fields
for syslog lines.  Bytes that are not UTF-8 become U+FFFD in JSON.
"""
from __future__ import annotations

import json
import os

from logd.reading.records import Record
from logd.reading.timefmt import LOCAL, RFC3339, format_instant

RAW = "raw"


def service_name(logdir: str) -> str:
    """A logdir's service: its basename, or its parent's for ``.../NAME/log``."""
    parts = [p for p in os.path.normpath(os.path.abspath(logdir)).split(os.sep) if p]
    if not parts:
        return "/"
    if parts[-1] == "log" and len(parts) > 1:
        return parts[-2]
    return parts[-1]


class TextRenderer:
    def __init__(self, style: str = LOCAL, utc: bool = False, tags: dict | None = None) -> None:
        self.style, self.utc = style, utc
        self.tags = {k: v.encode("utf-8", "surrogateescape") + b": " for k, v in (tags or {}).items()}

    def __call__(self, r: Record) -> bytes:
        tag = self.tags.get(r.source, b"")
        if self.style == RAW:
            return tag + r.raw + b"\n"
        if r.instant is None:
            return tag + r.rest + b"\n"
        if self.style == LOCAL and not self.utc and r.iso is not None and r.iso[17:19] != b"60" \
                and r.raw[:1] != b"@" and r.iso[10:11] == b" ":
            stamp = r.iso  # written in local time already: print it as written
        else:
            stamp = format_instant(r.instant[0], r.instant[1], self.style, self.utc).encode()
        return stamp + b" " + tag + r.rest + b"\n"


class JsonRenderer:
    def __init__(self, utc: bool = False) -> None:
        self.utc = utc
        self.services: dict[str, str] = {}

    def __call__(self, r: Record) -> bytes:
        from logd.reading.syslogline import parse

        svc = self.services.get(r.source)
        if svc is None:
            svc = self.services[r.source] = service_name(r.source)
        obj = {"time": None if r.instant is None else
               format_instant(r.instant[0], r.instant[1], RFC3339, self.utc),
               "logdir": r.source, "service": svc, "file": r.file}
        fields = parse(r.rest)
        if fields is None:
            obj["stream"] = "output"
            obj["message"] = r.rest.decode("utf-8", "replace")
        else:
            obj["stream"] = "syslog"
            obj.update(fields)
        return json.dumps(obj, ensure_ascii=False).encode("utf-8", "surrogateescape") + b"\n"
