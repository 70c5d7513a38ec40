"""ucspilogd's record -> line transformation (sans I/O).

ucspilogd runs once per stream connection (under s6-ipcserver or any UCSPI
super-server) and writes one line per record: an optional TAI64N label
kept in front, then ``VALUE: `` for each environment variable named on its
command line (the ``-D`` default, ``<undefined>`` unless given, when one is
unset), then the record with its ``<PRI>`` decoded as s6-socklog does.
Unlike s6-socklog there is no length limit and no ``~`` conversion:
records cannot contain their own terminators.
"""

from __future__ import annotations

from .pri import decode_pri

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Mapping, Sequence

DEFAULT_UNDEFINED = b"<undefined>"
LABEL_LEN = 26  # "@" + 24 hex digits + " "


def variable_prefix(names: Sequence[bytes], environ: Mapping[bytes, bytes],
                    default: bytes = DEFAULT_UNDEFINED) -> bytes:
    """``b"VALUE: "`` for each name, in order; computed once per run since
    the environment of a connection does not change."""
    return b"".join(environ.get(name, default) + b": " for name in names)


def split_label(record: bytes) -> tuple[bytes, bytes]:
    """``(label, rest)``: a leading TAI64N label is recognised the way
    ucspilogd does it (``@`` first, first space at offset 25, something
    after it); the hex digits themselves are not checked."""
    if record[:1] == b"@" and len(record) > LABEL_LEN and record.find(b" ") == LABEL_LEN - 1:
        return record[:LABEL_LEN], record[LABEL_LEN:]
    return b"", record


def make_record_formatter(prefix: bytes = b"") -> Callable[[bytes], bytes]:
    """A function turning one record (terminator removed) into its line."""

    def fmt(record: bytes) -> bytes:
        if record[:1] == b"@":
            label, rest = split_label(record)
            return label + prefix + decode_pri(rest) + b"\n"
        return prefix + decode_pri(record) + b"\n"

    return fmt
