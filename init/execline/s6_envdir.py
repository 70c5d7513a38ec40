"""s6-envdir and s6-overlay's with-contenv.

An envdir holds one file per variable: an empty file unsets it, otherwise the
first line (trailing blanks removed) or, with -f, the whole file (last newline
removed) is the value; NUL bytes become newlines.  with-contenv (init.md §6.3)
empties the environment but PATH and loads the container environment with
``s6-envdir -Lf`` unless S6_KEEP_ENV is non-zero.  Its directory is
``S6PY_CONTAINER_ENV_DIR`` when set (for tests), else
/run/s6/container_environment.
"""
from __future__ import annotations

import errno
import os
import re

from .errors import syserr, usage
from .options import OptionError, getopt
from .runtime import Context

USAGE = "s6-envdir [ -I | -i ] [ -n ] [ -f ] [ -L ] [ -c nullchar ] dir prog..."
CONTAINER_ENV = "/run/s6/container_environment"


CLAMP = 4095
_BLANKS = b" \t\r"


def value_of(data: bytes, whole: bool, nochomp: bool, nullis: str, clamp: bool) -> str | None:
    """The value an envdir file gives (None: unset the variable).

    data is what was read: at most CLAMP bytes without -L.  Without -f the
    value is the first line, trailing blanks (space, tab, CR) removed unless
    -n.  With -L and without -f, a first line that has no newline gives the
    empty value unless -n: s6's own rule, kept.
    """
    if not data:
        return None
    if whole:
        if not nochomp and data.endswith(b"\n"):
            data = data[:-1]
    else:
        line, nl, _ = data.partition(b"\n")
        if not clamp and not nl and not nochomp:
            line = b""
        elif not nochomp:
            line = line.rstrip(_BLANKS)
        data = line
    text = os.fsdecode(data)
    return text.replace("\0", nullis) if "\0" in text else text


def _read(path: str, clamp: bool, whole: bool) -> bytes:
    """The bytes s6-envdir looks at: CLAMP at most, or (-L) the file / first line."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC)
    except FileNotFoundError:
        raise OSError(errno.EIDRM, os.strerror(errno.EIDRM)) from None
    try:
        chunks, size = [], 0
        while True:
            chunk = os.read(fd, CLAMP - size if clamp else 65536)
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
            if clamp and size >= CLAMP:
                break
            if not clamp and not whole and b"\n" in chunk:
                break
        return b"".join(chunks)
    finally:
        os.close(fd)


def load(env: dict[str, str], path: str, whole: bool = False, nochomp: bool = False,
         nullis: str = "\n", clamp: bool = True) -> None:
    """Apply the envdir at path to env (OSError on failure; nothing applied then).

    A file that vanishes between the listing and its opening (or a dangling
    symlink) fails with EIDRM, as skalibs reports it.
    """
    if nullis == "\0":
        raise OSError(errno.EINVAL, os.strerror(errno.EINVAL))
    with os.scandir(path) as it:
        names = [e.name for e in it]
    changes: list[tuple[str, str | None]] = []
    for name in names:
        if name.startswith(".") or "=" in name:
            continue
        data = _read(os.path.join(path, name), clamp, whole)
        changes.append((name, value_of(data, whole, nochomp, nullis, clamp)))
    for name, value in changes:
        if value is None:
            env.pop(name, None)
        else:
            env[name] = value


def envdir(ctx: Context, argv: list[str]) -> list[str]:
    try:
        opts, i = getopt(argv, "IinfLc:")
    except OptionError:
        raise usage("s6-envdir", USAGE) from None
    loose = whole = nochomp = False
    clamp, nullis = True, "\n"
    for c, a in opts:
        if c in "Ii":
            loose = c == "I"
        elif c == "n":
            nochomp = True
        elif c == "f":
            whole = True
        elif c == "L":
            clamp = False
        else:
            nullis = a[:1] or "\0"  # -c "": an invalid NUL, as in C
    if len(argv) - i < 2:
        raise usage("s6-envdir", USAGE)
    path = argv[i]
    new = dict(ctx.env)
    try:
        load(new, path, whole, nochomp, nullis, clamp)
    except OSError as e:
        if not (loose and e.errno == 2):
            raise syserr("s6-envdir", f"unable to envdir {path}", e) from None
        return argv[i + 1:]
    ctx.env.clear()
    ctx.env.update(new)
    return argv[i + 1:]


def keep_env(value: str | None) -> bool:
    """S6_KEEP_ENV as with-contenv's ``eltest 0${S6_KEEP_ENV} -eq 0`` reads it."""
    m = re.match(r"[+-]?[0-9]+", "0" + (value or ""))
    return m is not None and int(m.group()) != 0


def with_contenv(ctx: Context, argv: list[str]) -> list[str]:
    rest = argv[1:]
    if keep_env(ctx.env.get("S6_KEEP_ENV", "0")):
        ctx.prog = "ifelse"
        return rest
    path = ctx.env.get("S6PY_CONTAINER_ENV_DIR") or CONTAINER_ENV
    keep = ctx.env.get("PATH")
    ctx.env.clear()
    if keep is not None:
        ctx.env["PATH"] = keep
    ctx.prog = "s6-envdir"
    try:
        load(ctx.env, path, whole=True, clamp=False)
    except OSError as e:
        raise syserr("s6-envdir", f"unable to envdir {path}", e) from None
    if not rest:
        raise usage("exec", "exec [ -c ] [ -l ] [ -a argv0 ] prog...")
    ctx.prog = "exec"
    return rest
