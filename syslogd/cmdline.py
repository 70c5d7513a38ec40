"""s6-socklog's command line (sans I/O apart from reading the environment
mapping it is given).

Options are parsed the skalibs way (``-d3`` and ``-d 3`` alike, clustered
flags, ``--`` ends them, the first non-option ends them, leftovers are
ignored) and in order, so later options override earlier ones: ``-U``
reads ``UID``/``GID``/``GIDLIST`` at the point where it appears and a
later ``-u`` still wins.  ``-x`` and ``-i`` replace each other.

One option is ours: ``-S path`` also listens for stream clients on a unix
stream socket at ``path`` (s6-socklog itself refuses them); without it
the program behaves exactly as s6-socklog.
"""

from __future__ import annotations

from .datagram import DEFAULT_LINELEN, clamp_linelen
from .endpoint import parse_ip_port
from .scan import parse_gidlist, parse_uint32

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

PROG = "s6-socklog"
USAGE = ("s6-socklog [ -d notif ] [ -r ] [ -U | -u uid -g gid -G gidlist ] "
         "[ -l linelen ] [ -t lameducktimeout ] [ -x socket | -i ip_port ]")
DEFAULT_SOCKET = "/dev/log"

_WITH_ARG = frozenset("dugGltxiS")
_FLAGS = frozenset("rU")


class UsageError(Exception):
    """Bad command line: exit 100 with the usage line."""


class StartupError(Exception):
    """A fatal start-up problem: ``s6-socklog: fatal: MSG``, given exit code."""

    def __init__(self, msg: str, code: int = 100) -> None:
        super().__init__(msg)
        self.msg = msg
        self.code = code


class Options:
    """What the command line asks for."""

    __slots__ = ("notif", "raw", "uid", "gid", "gids", "linelen", "lameduck",
                 "unix_path", "udp", "stream_path")

    def __init__(self) -> None:
        self.notif: int | None = None
        self.raw = False
        self.uid = 0          # 0: leave unchanged
        self.gid = 0          # 0: leave unchanged
        self.gids: list[int] | None = None   # None: leave the list alone
        self.linelen = DEFAULT_LINELEN
        self.lameduck = 0     # ms, 0: wait forever
        self.unix_path: str | None = DEFAULT_SOCKET
        self.udp: tuple[int, str, int] | None = None
        self.stream_path: str | None = None


def getopt(argv: Sequence[str], flags: frozenset[str],
           with_arg: frozenset[str]) -> tuple[list[tuple[str, str | None]], int]:
    """``([(letter, argument or None), ...], index of the first operand)``,
    skalibs-style.  Raises UsageError on an unknown option or a missing
    argument."""
    opts: list[tuple[str, str | None]] = []
    i = 0
    while i < len(argv):
        word = argv[i]
        if word == "--":
            return opts, i + 1
        if len(word) < 2 or word[0] != "-":
            return opts, i
        j = 1
        while j < len(word):
            c = word[j]
            if c in flags:
                opts.append((c, None))
                j += 1
            elif c in with_arg:
                if j + 1 < len(word):
                    arg = word[j + 1:]
                else:
                    i += 1
                    if i >= len(argv):
                        raise UsageError()
                    arg = argv[i]
                opts.append((c, arg))
                break
            else:
                raise UsageError()
        i += 1
    return opts, i


def _uint(arg: str) -> int:
    v = parse_uint32(arg)
    if v is None:
        raise UsageError()
    return v


def _env_uint(environ: Mapping[str, str], name: str) -> int:
    value = environ.get(name)
    if value is None:
        raise StartupError("%s not set" % name)
    v = parse_uint32(value)
    if v is None:
        raise StartupError("invalid $%s" % name)
    return v


def parse_args(argv: Sequence[str], environ: Mapping[str, str]) -> Options:
    """Options for ``argv`` (without the program name)."""
    o = Options()
    for c, arg in getopt(argv, _FLAGS, _WITH_ARG)[0]:
        if c == "r":
            o.raw = True
        elif c == "U":
            o.uid = _env_uint(environ, "UID")
            o.gid = _env_uint(environ, "GID")
            value = environ.get("GIDLIST")
            if value is None:
                raise StartupError("GIDLIST not set")
            gids = parse_gidlist(value)
            if gids is None:
                raise StartupError("invalid $GIDLIST")
            o.gids = gids
        elif c == "d":
            o.notif = _uint(arg)
        elif c == "u":
            o.uid = _uint(arg)
        elif c == "g":
            o.gid = _uint(arg)
        elif c == "G":
            gids = parse_gidlist(arg)
            if gids is None:
                raise UsageError()
            o.gids = gids
        elif c == "l":
            o.linelen = clamp_linelen(_uint(arg))
        elif c == "t":
            o.lameduck = _uint(arg)
        elif c == "x":
            o.unix_path = arg
            o.udp = None
        elif c == "i":
            ep = parse_ip_port(arg)
            if ep is None:
                raise UsageError()
            o.udp = ep
            o.unix_path = None
        elif c == "S":
            o.stream_path = arg
    if o.notif is not None and o.notif < 3:
        raise StartupError("notification fd must be 3 or more")
    return o
