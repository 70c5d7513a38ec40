"""multisubstitute: several substitution directives applied in one parallel pass.

The block holds define / importas / elgetpositionals / multidefine / elglob
directives with their own options; their tables are merged and substituted
together, so a value is never rescanned for another key.
"""
from __future__ import annotations

from .blocks import get_block, strictness
from .c_subst import _define, _elgetpositionals, _elglob, _importas, _multidefine
from .errors import fatal
from .options import OptionError
from .runtime import Context
from .subst import substitute

DIRECTIVES = {
    "define": _define,
    "elgetpositionals": _elgetpositionals,
    "multidefine": _multidefine,
    "elglob": _elglob,
}


def multisubstitute(ctx: Context, argv: list[str]) -> list[str]:
    block, i = get_block(argv, 1, "multisubstitute", strictness(ctx.env))
    table: dict[str, list[str]] = {}
    unexport: list[str] = []
    prog = "multisubstitute"
    j = 0
    while j < len(block):
        name = block[j]
        if name != "importas" and name not in DIRECTIVES:
            raise fatal(prog, 100, f"syntax error: unrecognized directive {name}")
        try:
            if name == "importas":
                j = _importas(ctx, block, j + 1, table, prog, unexport)
            else:
                j = DIRECTIVES[name](ctx, block, j + 1, table, prog)
        except OptionError:
            raise fatal(prog, 100, f"syntax error at directive {name}") from None
    for var in unexport:
        ctx.env.pop(var, None)
    return substitute(argv[i:], table)
