"""A logdir line as an RFC 5424 message, and its framing (pure).

Header mapping, from the line when it says so, else from the defaults:

* PRI: the ``facility.severity: `` prefix the syslogd pipeline wrote
  (``unknown`` facility: the default), else the configured default;
* TIMESTAMP: the sender's own RFC 5424 timestamp when the body has one,
  else the logdir's stamp (TAI64N or ``T``) in UTC, else ``-``;
* HOSTNAME, APP-NAME, PROCID, MSGID, STRUCTURED-DATA: the sender's header
  (RFC 5424, or an RFC 3164 ``host tag[pid]:``) when present, else the
  configured hostname and app-name (the service) and ``-``;
* MSG: the rest of the line, bytes unchanged (no BOM is added).

Header fields are cut to RFC 5424's lengths and their bytes limited to
printable US-ASCII (others become ``_``), as the grammar requires.
"""
from __future__ import annotations

from logd.reading.line import InstantDecoder, split_stamps
from logd.reading.syslogline import FACILITY_CODES, SEVERITY_CODES, parse_prefix, split_body
from logd.reading.timefmt import rfc5424_timestamp

_PRINTABLE = bytes(c if 33 <= c <= 126 else 0x5F for c in range(256))


def header_field(value: str | bytes | None, limit: int) -> bytes:
    """A header field: NILVALUE if empty, printable ASCII, at most ``limit``."""
    if not value:
        return b"-"
    raw = value.encode("utf-8", "replace") if isinstance(value, str) else value
    return raw[:limit].translate(_PRINTABLE)


class Builder:
    """Builds messages for one logdir; ``facility``/``severity`` are codes.

    Per-line work is what limits throughput, so the common parts are
    prepared once: the header after the timestamp for lines without a
    sender's header, and the timestamp's date and time per second.
    """

    def __init__(self, hostname: str, app_name: str, facility: int = 1, severity: int = 5) -> None:
        self.hostname = header_field(hostname, 255)
        self.app_name = header_field(app_name, 48)
        self.facility = facility
        self.severity = severity
        self.decoder = InstantDecoder()
        self._own = b" %s %s - - - " % (self.hostname, self.app_name)
        self._sec = -1
        self._head = b""

    def _stamp(self, ns: int) -> bytes:
        sec, nanos = divmod(ns, 1_000_000_000)
        if sec != self._sec:
            self._sec = sec
            self._head = rfc5424_timestamp(sec * 1_000_000_000, utc=True)[:19].encode()
        return b"%s.%06dZ" % (self._head, nanos // 1000)

    def __call__(self, line: bytes) -> bytes:
        label, iso, rest = split_stamps(line)
        stamp = b"-"
        if label is not None or iso is not None:
            instant = self.decoder.instant(label, iso)
            if instant is not None:
                stamp = self._stamp(instant[0])
        found = parse_prefix(rest)
        if found is None:
            return b"<%d>1 %s%s%s" % (self.facility * 8 + self.severity, stamp, self._own, rest)
        pfx, body = found
        facility = FACILITY_CODES.get(pfx["facility"], self.facility)
        severity = SEVERITY_CODES[pfx["severity"]]
        fields, msg = split_body(body)
        if "version" in fields and "timestamp" in fields:
            stamp = header_field(fields["timestamp"], 64)
        return b"<%d>1 %s %s %s %s %s %s %s" % (
            facility * 8 + severity, stamp,
            header_field(fields.get("hostname"), 255) if "hostname" in fields else self.hostname,
            header_field(fields.get("app_name"), 48) if "app_name" in fields else self.app_name,
            header_field(fields.get("procid"), 128),
            header_field(fields.get("msgid"), 32),
            fields.get("structured_data", "-").encode("utf-8", "replace"),
            msg)


def octet_counted(messages: list[bytes]) -> bytes:
    """RFC 6587 octet-counting framing: ``LEN SP MSG`` for each, joined."""
    return b"".join(b"%d %s" % (len(m), m) for m in messages)
