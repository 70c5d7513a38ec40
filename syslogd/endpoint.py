"""``-i ip_port``: parsing s6-socklog's UDP endpoint (sans I/O).

Observed rules (reference/syslogd.md section 2): the longest leading IPv6
address wins, otherwise a dotted IPv4 address whose octets wrap modulo
256; then ``_PORT`` (or ``:PORT`` after an IPv4 address) with a port that
must be a whole 16-bit number; anything else after the address is ignored
and the port is 514.  ``::1:5514`` is therefore the IPv6 address
``::1:5514`` on port 514.
"""

from __future__ import annotations

from _socket import AF_INET, AF_INET6, inet_pton

from .scan import parse_uint16, scan_uint32

DEFAULT_PORT = 514
_V6CHARS = frozenset("0123456789abcdefABCDEF:.")


def _scan_ip6(s: str) -> tuple[str, int] | None:
    n = 0
    while n < len(s) and s[n] in _V6CHARS:
        n += 1
    while n >= 2:
        try:
            inet_pton(AF_INET6, s[:n])
        except OSError:
            n -= 1
            continue
        # as written: inet_ntop would show ::1:5514 as ::0.1.85.20
        return s[:n], n
    return None


def _scan_ip4(s: str) -> tuple[str, int] | None:
    octets = []
    i = 0
    for k in range(4):
        if k:
            if i >= len(s) or s[i] != ".":
                return None
            i += 1
        v, n = scan_uint32(s, i)
        if n == 0:
            return None
        octets.append(v & 0xFF)
        i += n
    return ".".join(map(str, octets)), i


def parse_ip_port(s: str) -> tuple[int, str, int] | None:
    """``(family, address, port)`` or None (a usage error)."""
    found = _scan_ip6(s)
    if found is not None:
        family = AF_INET6
    else:
        found = _scan_ip4(s)
        if found is None:
            return None
        family = AF_INET
    host, n = found
    rest = s[n:]
    port = DEFAULT_PORT
    if rest[:1] == "_" or (rest[:1] == ":" and family == AF_INET):
        p = parse_uint16(rest[1:])
        if p is None:
            return None
        port = p
    return family, host, port
