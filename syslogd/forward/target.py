"""``--to`` values: where the collector is (pure).

``tcp://HOST:PORT``, ``tls://HOST:PORT`` (default port 6514, RFC 5425) and
``udp://HOST:PORT`` (default 514); IPv6 addresses in brackets
(``tcp://[::1]:514``).  TCP's default port is 514 as well (RFC 6587 names
none; it is what rsyslog and syslog-ng use).
"""
from __future__ import annotations

from typing import NamedTuple

DEFAULT_PORTS = {"tcp": 514, "udp": 514, "tls": 6514}


class Target(NamedTuple):
    scheme: str
    host: str
    port: int

    def __str__(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"{self.scheme}://{host}:{self.port}"


def parse_target(text: str) -> Target:
    """Parse a ``--to`` URL; ValueError says what is wrong."""
    scheme, sep, rest = text.partition("://")
    scheme = scheme.lower()
    if not sep or scheme not in DEFAULT_PORTS:
        raise ValueError(f"{text!r}: expected tcp://, tls:// or udp://HOST[:PORT]")
    rest = rest.rstrip("/")
    if rest.startswith("["):
        host, bracket, after = rest[1:].partition("]")
        if not bracket:
            raise ValueError(f"{text!r}: unclosed [ in the address")
        port_text = after[1:] if after.startswith(":") else after
    else:
        host, _, port_text = rest.partition(":")
    if not host:
        raise ValueError(f"{text!r}: no host")
    if not port_text:
        return Target(scheme, host, DEFAULT_PORTS[scheme])
    if not port_text.isdigit() or not 0 < int(port_text) < 65536:
        raise ValueError(f"{text!r}: bad port {port_text!r}")
    return Target(scheme, host, int(port_text))
