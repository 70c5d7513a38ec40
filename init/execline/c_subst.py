"""Substitution commands: define, importas, multisubstitute, multidefine,
elgetpositionals, elglob.

Each computes a table key -> list of words and rewrites the rest of its argv
with subst.substitute.  multisubstitute parses the same directives from its
block and applies all of them in one parallel pass.
"""
from __future__ import annotations

from . import posenv
from .blocks import scan_block, strictness
from .errors import fatal, usage, warn
from .options import OptionError, getopt, uint
from .runtime import Context
from .subst import DEFAULT_DELIMS, NetstringError, substitute, transform

DEFINE_USAGE = "define [ -N | -n ] [ -s ] [ -C | -c ] [ -d delim ] key value prog..."
IMPORTAS_USAGE = ("importas [ -i | -D default ] [ -u ] [ -N | -n ] [ -s ] [ -C | -c ] "
                  "[ -d delim ] key var prog...")
MULTIDEFINE_USAGE = ("multidefine [ -0 ] [ -r ] [ -N | -n ] [ -C | -c ] [ -d delim ] "
                     "value { vars... } prog...")
ELGLOB_USAGE = "elglob [ -v ] [ -w ] [ -s ] [ -m ] [ -e ] [ -0 ] key pattern prog..."


class _Opts:
    __slots__ = ("split", "delims", "crunch", "chomp", "flags", "default", "names")

    def __init__(self) -> None:
        self.split = self.crunch = self.chomp = False
        self.delims = DEFAULT_DELIMS
        self.flags: set[str] = set()
        self.default: str | None = None
        self.names: list[str] = []


def _parse(argv: list[str], i: int, spec: str) -> tuple[_Opts, int]:
    o = _Opts()
    opts, i = getopt(argv, spec, i)
    for c, a in opts:
        if c == "s":
            o.split = True
        elif c in "Cc":
            o.crunch = c == "C"
        elif c in "Nn":
            o.chomp = c == "n"
        elif c == "d":
            o.delims = a
        elif c == "D":
            o.default = a
            o.flags.discard("i")
        elif c == "S":
            o.names.append(a)
        else:
            o.flags.add(c)
    return o, i


def _words(prog: str, value: str, o: _Opts) -> list[str]:
    try:
        return transform(value, o.split, o.delims, o.crunch, o.chomp)
    except NetstringError:
        raise fatal(prog, 111, "unable to complete exlsn function: Invalid argument") from None


def _define(ctx: Context, argv: list[str], i: int, table: dict, prog: str) -> int:
    o, i = _parse(argv, i, "NnsCcd:")
    if len(argv) - i < 2:
        raise OptionError("define")
    table[argv[i]] = _words(prog, argv[i + 1], o)
    return i + 2


def _importas(ctx: Context, argv: list[str], i: int, table: dict, prog: str,
              unexport: list[str]) -> int:
    o, i = _parse(argv, i, "iD:uNnsCcd:S:")
    pairs = [(a, a) for a in o.names]
    if not pairs:
        if len(argv) - i < 2:
            raise OptionError("importas")
        pairs = [(argv[i], argv[i + 1])]
        i += 2
    for key, var in pairs:
        value = ctx.env.get(var)
        if value is None:
            if "i" in o.flags:
                raise fatal(prog, 100, f"{var} not set")
            table[key] = [] if o.default is None else _words(prog, o.default, o)
        else:
            table[key] = _words(prog, value, o)
        if "u" in o.flags:
            unexport.append(var)
    return i


def define(ctx: Context, argv: list[str]) -> list[str]:
    table: dict[str, list[str]] = {}
    try:
        i = _define(ctx, argv, 1, table, "define")
    except OptionError:
        raise usage("define", DEFINE_USAGE) from None
    return substitute(argv[i:], table)


def importas(ctx: Context, argv: list[str]) -> list[str]:
    table: dict[str, list[str]] = {}
    unexport: list[str] = []
    try:
        i = _importas(ctx, argv, 1, table, "importas", unexport)
    except OptionError:
        raise usage("importas", IMPORTAS_USAGE) from None
    for var in unexport:
        ctx.env.pop(var, None)
    return substitute(argv[i:], table)


def _multidefine(ctx: Context, argv: list[str], i: int, table: dict, prog: str) -> int:
    o, i = _parse(argv, i, "0rNnCcd:")
    if len(argv) - i < 2:
        raise OptionError("multidefine")
    value = argv[i]
    names, i, ended = scan_block(argv, i + 1, prog, strictness(ctx.env))
    if not names:
        raise fatal(prog, 100, "empty block")
    if not ended:
        raise OptionError("multidefine")
    o.split = True
    words = _words(prog, value, o)
    for k, name in enumerate(names):
        last = k == len(names) - 1
        if "r" in o.flags and last:
            val = words[k:]
        elif k < len(words):
            val = [words[k]]
        else:
            val = [] if "0" in o.flags else [""]
        if name:
            table[name] = val
    return i


def multidefine(ctx: Context, argv: list[str]) -> list[str]:
    table: dict[str, list[str]] = {}
    try:
        i = _multidefine(ctx, argv, 1, table, "multidefine")
    except OptionError:
        raise usage("multidefine", MULTIDEFINE_USAGE) from None
    return substitute(argv[i:], table)


def positional_values(ctx: Context, prog: str, sharp: int) -> dict[str, list[str]]:
    """The table elgetpositionals substitutes, from the environment frame."""
    n = uint(ctx.env.get("#", ""))
    frame = posenv.read_frame(ctx.env, prog) if n is not None else None
    if n is not None and n < sharp:
        strict = strictness(ctx.env)
        if strict:
            msg = f"too few arguments: expected at least {sharp} but got {n}"
            if strict > 1:
                raise fatal(prog, 100, msg)
            warn(prog, msg)
    if frame is None:
        raise fatal(prog, 111, "bad substitution key")
    args = frame[1:]
    table: dict[str, list[str]] = {"#": [str(len(args))], "0": [frame[0]]}
    for k in range(1, max(len(args), sharp) + 1):
        table[str(k)] = [args[k - 1] if k <= len(args) else ""]
    table["@"] = args
    return table


def _elgetpositionals(ctx: Context, argv: list[str], i: int, table: dict, prog: str) -> int:
    opts, i = getopt(argv, "P:", i)
    sharp = 0
    for _, a in opts:
        v = uint(a)
        if v is None:
            raise OptionError("P")
        sharp = v
    table.update(positional_values(ctx, prog, sharp))
    return i


def elgetpositionals(ctx: Context, argv: list[str]) -> list[str]:
    table: dict[str, list[str]] = {}
    try:
        i = _elgetpositionals(ctx, argv, 1, table, "elgetpositionals")
    except OptionError:
        raise usage("elgetpositionals", "elgetpositionals [ -P num ] prog...") from None
    return substitute(argv[i:], table)


def _elglob(ctx: Context, argv: list[str], i: int, table: dict, prog: str) -> int:
    o, i = _parse(argv, i, "vwsme0")
    if len(argv) - i < 2:
        raise OptionError("elglob")
    from .globbing import glob_words
    table[argv[i]] = glob_words(argv[i + 1], o.flags | ({"s"} if o.split else set()), prog)
    return i + 2


def elglob(ctx: Context, argv: list[str]) -> list[str]:
    table: dict[str, list[str]] = {}
    try:
        i = _elglob(ctx, argv, 1, table, "elglob")
    except OptionError:
        raise usage("elglob", ELGLOB_USAGE) from None
    return substitute(argv[i:], table)
