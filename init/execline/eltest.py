"""eltest: test(1) with execline's extensions and argument disambiguation.

A word that looks like an operator is always an operator; a word starting
with a backslash is always data (the backslash is removed).  The expression
is parsed first (syntax errors exit 100 ``parse error at argument N``) then
evaluated with short-circuit -a/-o, so a bad integer in a branch that is not
evaluated is not an error.  Precedence: -o < -a < ! < primaries.
"""
from __future__ import annotations

import os
import re
import stat

from .errors import Exit, fatal
from .runtime import Context

UNARY = set("bcdefghkLnNOGprsStuUvwxz")
BINARY = {"=", "!=", "<", ">", "-eq", "-ne", "-gt", "-ge", "-lt", "-le",
          "-nt", "-ot", "-ef", "=~"}
_INT = re.compile(r"[+-]?[0-9]+")
PROG = "eltest"


class _Parser:
    def __init__(self, args: list[str]) -> None:
        self.args, self.i = args, 0

    def _is_op(self, w: str) -> bool:
        return w in BINARY or w in ("!", "-a", "-o", "(", ")") or (
            len(w) == 2 and w[0] == "-" and w[1] in UNARY)

    def _err(self, at: int | None = None) -> Exit:
        return fatal(PROG, 100, f"parse error at argument {self.i if at is None else at}")

    def _peek(self) -> str | None:
        return self.args[self.i] if self.i < len(self.args) else None

    def _data(self) -> str:
        w = self._peek()
        if w is None or self._is_op(w):
            raise self._err()
        self.i += 1
        return w[1:] if w.startswith("\\") else w

    def parse(self):
        if not self.args:
            return ("str", "")
        tree = self._or()
        if self.i < len(self.args):
            if self.args[self.i] == ")":
                raise fatal(PROG, 100, f"parse error: bad right parenthesis at argument {self.i + 1}")
            raise self._err()
        return tree

    def _or(self):
        left = self._and()
        while self._peek() == "-o":
            self.i += 1
            left = ("or", left, self._and())
        return left

    def _and(self):
        left = self._not()
        while self._peek() == "-a":
            self.i += 1
            left = ("and", left, self._not())
        return left

    def _not(self):
        if self._peek() == "!":
            self.i += 1
            return ("not", self._not())
        return self._primary()

    def _primary(self):
        w = self._peek()
        if w is None:
            raise self._err()
        if w == "(":
            self.i += 1
            if self._peek() is None:
                raise self._err()
            inner = self._or()
            if self._peek() != ")":
                if self._peek() is None:
                    raise fatal(PROG, 100, "parse error: too many left parentheses")
                raise self._err()
            self.i += 1
            return inner
        if len(w) == 2 and w[0] == "-" and w[1] in UNARY:
            self.i += 1
            return ("unary", w[1], self._data())
        left = self._data()
        op = self._peek()
        if op in BINARY:
            self.i += 1
            return ("binary", op, left, self._data())
        return ("str", left)


def _int(a: str, op: str) -> int:
    m = _INT.match(a)
    if m is None:
        raise fatal(PROG, 100, f"{op} requires integer arguments")
    return int(m.group())


def _stat(path: str, link: bool = False):
    try:
        return os.lstat(path) if link else os.stat(path)
    except (OSError, ValueError):
        return None


def _unary(op: str, a: str, env: dict[str, str]) -> bool:
    if op == "n":
        return a != ""
    if op == "z":
        return a == ""
    if op == "v":
        return a in env
    if op == "t":
        return os.isatty(_int(a, "-t"))
    if op in "rwx":
        return os.access(a, {"r": os.R_OK, "w": os.W_OK, "x": os.X_OK}[op])
    st = _stat(a, op in "hL")
    if st is None:
        return False
    m = st.st_mode
    return {
        "e": True, "f": stat.S_ISREG(m), "d": stat.S_ISDIR(m), "h": stat.S_ISLNK(m),
        "L": stat.S_ISLNK(m), "b": stat.S_ISBLK(m), "c": stat.S_ISCHR(m),
        "p": stat.S_ISFIFO(m), "S": stat.S_ISSOCK(m), "s": st.st_size > 0,
        "u": bool(m & stat.S_ISUID), "g": bool(m & stat.S_ISGID), "k": bool(m & stat.S_ISVTX),
        "O": st.st_uid == os.geteuid(), "U": st.st_uid == os.geteuid(),
        "G": st.st_gid == os.getegid(), "N": int(st.st_mtime) > int(st.st_atime),
    }[op]


def _binary(op: str, a: str, b: str) -> bool:
    if op == "=":
        return a == b
    if op == "!=":
        return a != b
    if op in ("<", ">"):
        x, y = os.fsencode(a), os.fsencode(b)
        return x < y if op == "<" else x > y
    if op == "=~":
        from logd.ere import EREError, compile_matcher  # glibc's ERE dialect, exactly
        try:
            # one C string, without REG_NEWLINE: a newline is an ordinary byte
            rx = compile_matcher(os.fsencode(b), lines=False)
        except EREError:
            raise fatal(PROG, 100, f": unable to compile {b} into a regular expression: "
                                   "Invalid regular expression") from None
        return rx.search(os.fsencode(a))
    if op in ("-nt", "-ot", "-ef"):
        sa, sb = _stat(a), _stat(b)
        if op == "-ef":
            return bool(sa and sb and (sa.st_dev, sa.st_ino) == (sb.st_dev, sb.st_ino))
        if op == "-ot":
            sa, sb = sb, sa
        if sa is None:
            return False
        return sb is None or sa.st_mtime_ns > sb.st_mtime_ns
    x, y = _int(a, op), _int(b, op)
    return {"-eq": x == y, "-ne": x != y, "-gt": x > y, "-ge": x >= y,
            "-lt": x < y, "-le": x <= y}[op]


def evaluate(tree, env: dict[str, str]) -> bool:
    """Evaluate a parsed expression (short-circuit -a / -o)."""
    kind = tree[0]
    if kind == "str":
        return tree[1] != ""
    if kind == "not":
        return not evaluate(tree[1], env)
    if kind == "and":
        return evaluate(tree[1], env) and evaluate(tree[2], env)
    if kind == "or":
        return evaluate(tree[1], env) or evaluate(tree[2], env)
    if kind == "unary":
        return _unary(tree[1], tree[2], env)
    return _binary(tree[1], tree[2], tree[3])


def eltest(ctx: Context, argv: list[str]) -> list[str]:
    tree = _Parser(argv[1:]).parse()
    raise Exit(0 if evaluate(tree, ctx.env) else 1)
