"""One datagram -> one log line, exactly as s6-socklog writes it.

The steps (reference/syslogd.md section 4) are, in order: keep at most
``linelen + 1`` bytes (the kernel cuts the rest: s6-socklog's receive
buffer is that big) and remember whether the cut happened; strip trailing
NULs and newlines; turn the remaining ones into ``~``; decode a leading
``<PRI>`` (unless raw); append ``...`` if the datagram was cut, then the
newline.  An empty datagram gives no line at all (DECISIONS.md #13).

The formatter is built once per program run as a closure, so the per-line
path is a handful of C-level bytes operations and no attribute lookups.
"""

from __future__ import annotations

from .names import PREFIXES

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable

#: s6-socklog's limits for ``-l``
MIN_LINELEN = 76
MAX_LINELEN = 1048576
DEFAULT_LINELEN = 1024


def clamp_linelen(n: int) -> int:
    """``-l`` values below 76 are raised to 76, values above 1 MiB lowered."""
    if n < MIN_LINELEN:
        return MIN_LINELEN
    if n > MAX_LINELEN:
        return MAX_LINELEN
    return n


def make_formatter(linelen: int = DEFAULT_LINELEN, raw: bool = False) -> Callable[[bytes], bytes]:
    """A function turning one datagram into its output line (with the
    trailing newline), or ``b""`` for an empty datagram.

    The datagram may be longer than ``linelen + 1`` (it is cut here the way
    the kernel cuts it for a ``linelen + 1`` receive buffer).
    """
    cut = linelen + 1
    prefixes = PREFIXES
    # the usual PRIs ("<0>" to "<1023>", no leading zeros) by dict lookup;
    # anything else (leading zeros, big values, junk) takes the full scan
    canonical = {b"%d" % v: prefixes[v] for v in range(1024)}.get

    def scan(data: bytes) -> bytes:
        end = data.find(b">", 1)
        if end > 1:
            digits = data[1:end]
            # bytes.isdigit() is ASCII-only: no sign, space, "_" or hex
            if digits.isdigit():
                value = int(digits)
                if value <= 0xFFFFFFFF:
                    return prefixes[value & 0x3FF] + data[end + 1:]
        return data

    def fmt(data: bytes) -> bytes:
        if len(data) > linelen:
            if len(data) > cut:
                data = data[:cut]
            tail = b"...\n"
        elif data:
            tail = b"\n"
        else:
            return b""
        data = data.rstrip(b"\0\n")
        # int membership is a bare memchr; b"\0" in data costs 7 times more
        if 0 in data:
            data = data.replace(b"\0", b"~")
        if 10 in data:
            data = data.replace(b"\n", b"~")
        if raw or data[:1] != b"<":
            return data + tail
        end = data.find(62, 2, 6)  # ">"
        if end > 0:
            prefix = canonical(data[1:end])
            if prefix is not None:
                return prefix + data[end + 1:] + tail
        return scan(data) + tail

    return fmt


def format_datagram(data: bytes, linelen: int = DEFAULT_LINELEN, raw: bool = False) -> bytes:
    """Convenience wrapper around :func:`make_formatter` for one datagram."""
    return make_formatter(linelen, raw)(data)


def client_prefix(host: str, port: int) -> bytes:
    """The UDP-mode prefix ``IP_PORT: `` (upstream s6 2.15's form,
    DECISIONS.md #15; Debian's 2.11 garbles it)."""
    return ("%s_%d: " % (host, port)).encode("ascii")
