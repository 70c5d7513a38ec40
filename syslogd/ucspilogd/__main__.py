"""``python3 -m syslogd.ucspilogd [ -D default ] [ var... ]``: ucspilogd.

Meant to run once per connection under a UCSPI super-server, e.g.
``s6-ipcserver /dev/log fdmove -c 1 3 ucspilogd IPCREMOTEEUID``.  Reads
records ended by NUL or newline until end of input (a last unterminated
record counts), writes one line per record (see ``syslogd.ucspi``) and
exits 0.

Like the real program: only ``-D`` exists (its 2.11 manual page says
``-d``, the binary refuses it), SIGPIPE keeps its default action (a vanished
reader kills the process), and every I/O error, on either side, is
reported as ``unable to read from stdin`` with exit 111.
"""

from __future__ import annotations

import os
import sys

from ..cmdline import UsageError, getopt
from ..diag import fatal, oserror_text, usage

PROG = "ucspilogd"
USAGE = "ucspilogd [ -D default ] [ var... ]"
READ_SIZE = 65536


def _args(argv: list[str]) -> tuple[bytes, list[bytes]]:
    """``(default, variable names)``."""
    default = b"<undefined>"
    opts, first = getopt(argv, frozenset(), frozenset("D"))
    for _c, arg in opts:
        default = os.fsencode(arg)
    return default, [os.fsencode(w) for w in argv[first:]]


def main(argv: list[str] | None = None) -> int:
    if argv is None:
        argv = sys.argv[1:]
    try:
        default, names = _args(argv)
    except UsageError:
        usage(PROG, USAGE)
        return 100

    import _signal

    from ..records import RecordSplitter
    from ..ucspi import make_record_formatter, variable_prefix

    _signal.signal(_signal.SIGPIPE, _signal.SIG_DFL)
    fmt = make_record_formatter(variable_prefix(names, os.environb, default))
    splitter = RecordSplitter()
    read = os.read
    write = os.write
    try:
        while True:
            data = read(0, READ_SIZE)
            if data:
                records = splitter.feed(data)
            else:
                records = splitter.finish()
            if records:
                out = b"".join([fmt(r) for r in records])
                view = memoryview(out)
                while view:
                    view = view[write(1, view):]
            if not data:
                return 0
    except OSError as e:
        fatal(PROG, "unable to read from stdin: " + oserror_text(e))
        return 111


if __name__ == "__main__":
    code = main()
    sys.stdout = None
    os._exit(code)
