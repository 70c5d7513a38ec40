"""Reading s6-rc source definition directories (the I/O side of compiling).

Each subdirectory of a source is one service named after it (dot entries and
non-directories ignored, symlinks followed, names sorted).  Per-file syntax
is checked here, with s6-rc-compile's messages; cross-service rules are the
compiler's (pure) job.
"""
from __future__ import annotations

import os
import stat

from init.rc.errors import CompileError
from init.rc.record import factory, record

TYPES = ("oneshot", "longrun", "bundle")
RESERVED = ("s6rc-", "s6-rc-")
LONGRUN_UINTS = ("notification-fd", "lock-fd", "timeout-kill", "timeout-finish",
                 "max-death-tally")
LONGRUN_COPIED = ("down-signal", "reload-signal", "flag-timeout-killpg", "flag-newpidns")
LONGRUN_DIRS = ("data", "env", "template")


@record
class Definition:
    """One service as written in a source (names unresolved)."""

    name: str
    type: str
    source: str = ""
    path: str = ""                      # SRC/NAME, for messages and copying
    essential: bool = False
    recommended: bool = False
    deps: list[str] = factory(list)
    contents: list[str] = factory(list)
    timeout_up: int = 0
    timeout_down: int = 0
    up: str | None = None               # oneshot command lines (raw text)
    down: str | None = None
    up_argv: list[str] | None = None    # ... and lexed (checked at compile time)
    down_argv: list[str] | None = None
    longrun: dict[str, int] = factory(dict)   # notification-fd, ...
    copied: list[str] = factory(list)         # files/dirs copied as is
    producer_for: str | None = None
    consumer_for: list[str] = factory(list)
    pipeline_name: str | None = None
    log: list[str] | None = None        # a ``log`` file's script words (loggers.py)
    log_user: str | None = None
    output_to: str | None = None        # oneshot -> its declared logger (loggers.py)
    generated: dict[str, str] = factory(dict)  # servicedir files written, not copied
    drain: bool = False                 # a declared logger (loggers.py)


def _read(path: str, missing_code: int | None = None) -> bytes | None:
    try:
        with open(path, "rb") as f:
            return f.read()
    except FileNotFoundError:
        if missing_code is None:
            return None
        raise CompileError(f"unable to open {path}: No such file or directory", missing_code) from None
    except OSError as e:
        raise CompileError(f"unable to read {path}: {e.strerror}", 111) from None


def _names_from(d: str, fname: str, listdir: str) -> list[str] | None:
    """Entries of listdir (contents.d/dependencies.d), else lines of fname."""
    p = os.path.join(d, listdir)
    if os.path.isdir(p):
        return sorted(n for n in os.listdir(p) if not n.startswith("."))
    data = _read(os.path.join(d, fname))
    if data is None:
        return None
    out = []
    for line in data.decode("utf-8", "surrogateescape").split("\n"):
        line = line.lstrip(" \t")
        if line and not line.startswith("#"):
            out.append(line)
    return out


def _uint(path: str, data: bytes) -> int:
    text = data.rstrip(b"\n")
    if not text.isdigit() or int(text) >= 2 ** 32:
        raise CompileError(f"invalid {path}")
    return int(text)


def _lines(data: bytes) -> list[str]:
    return [x for x in data.decode("utf-8", "surrogateescape").split("\n") if x.strip()]


def lex(path: str, text: str) -> list[str]:
    from init.execline.lexer import ParseError, parse
    try:
        return parse(text)
    except ParseError as e:
        detail = str(e)
        if detail.startswith("unmatched"):
            raise CompileError(f"syntax error in {path}: {detail}") from None
        raise CompileError(f"syntax error in {path}") from None


def read_definition(src: str, name: str, warn) -> Definition:
    d = os.path.join(src, name)
    tpath = os.path.join(d, "type")
    data = _read(tpath)
    if data is None:
        raise CompileError(f"unable to read {tpath}: No such file or directory", 111)
    t = data[:-1] if data.endswith(b"\n") else data
    if t.decode("utf-8", "replace") not in TYPES:
        raise CompileError(f"invalid {tpath}: must be oneshot, longrun, or bundle")
    df = Definition(name=name, type=t.decode(), source=src, path=d)
    df.essential = os.path.exists(os.path.join(d, "flag-essential"))
    df.recommended = os.path.exists(os.path.join(d, "flag-recommended"))
    _read_log(df, d)
    if df.type == "bundle":
        contents = _names_from(d, "contents", "contents.d")
        if contents is None:
            raise CompileError(f"unable to open {d}/contents: No such file or directory", 111)
        df.contents = contents
        return df
    df.deps = _names_from(d, "dependencies", "dependencies.d") or []
    for fname in ("timeout-up", "timeout-down"):
        raw = _read(os.path.join(d, fname))
        if raw is not None:
            setattr(df, fname.replace("-", "_"), _uint(os.path.join(d, fname), raw))
    if df.type == "oneshot":
        df.up = _read(os.path.join(d, "up"), 111).decode("utf-8", "surrogateescape")
        df.up_argv = lex(os.path.join(d, "up"), df.up)
        raw = _read(os.path.join(d, "down"))
        if raw is not None:
            df.down = raw.decode("utf-8", "surrogateescape")
            df.down_argv = lex(os.path.join(d, "down"), df.down)
        return df
    _read_longrun(df, d, warn)
    return df


def _read_log(df: Definition, d: str) -> None:
    """A regular file ``log`` (s6py: loggers.py); a ``log/`` directory stays ignored."""
    path = os.path.join(d, "log")
    if not os.path.isfile(path):
        return
    from init.rc.loggers import script_words
    df.log = script_words(_read(path).decode("utf-8", "surrogateescape"))
    raw = _read(os.path.join(d, "log-user"))
    if raw is not None:
        users = _lines(raw)
        if len(users) != 1:
            raise CompileError(f"{d}/log-user should only contain one user name")
        df.log_user = users[0].strip()


def _read_longrun(df: Definition, d: str, warn) -> None:
    run = os.path.join(d, "run")
    try:
        st = os.stat(run)
    except OSError:
        raise CompileError(f"unable to find a run script in {run}") from None
    if not stat.S_ISREG(st.st_mode):
        raise CompileError(f"{run} is not a regular file")
    df.copied.append("run")
    fin = os.path.join(d, "finish")
    if os.path.exists(fin):
        if not os.path.isfile(fin):
            raise CompileError(f"{fin} is not a regular file")
        df.copied.append("finish")
    for fname in LONGRUN_UINTS:
        raw = _read(os.path.join(d, fname))
        if raw is not None:
            df.longrun[fname] = _uint(os.path.join(d, fname), raw)
    nfd, lfd = df.longrun.get("notification-fd"), df.longrun.get("lock-fd")
    for fname, v in (("notification-fd", nfd), ("lock-fd", lfd)):
        if v is not None and v < 3:
            warn(f"longrun {df.name} has a {fname} of {v}")
    if nfd is not None and nfd == lfd:
        raise CompileError(f"longrun {df.name} has the same value for notification-fd and lock-fd")
    df.copied += [f for f in LONGRUN_COPIED if os.path.exists(os.path.join(d, f))]
    df.copied += [f for f in LONGRUN_DIRS if os.path.isdir(os.path.join(d, f))]
    raw = _read(os.path.join(d, "producer-for"))
    if raw is not None:
        names = _lines(raw)
        if len(names) != 1:
            raise CompileError(f"{d}/producer-for should only contain one service name")
        df.producer_for = names[0]
    raw = _read(os.path.join(d, "consumer-for"))
    if raw is not None:
        df.consumer_for = _lines(raw)
    raw = _read(os.path.join(d, "pipeline-name"))
    if raw is not None:
        names = _lines(raw)
        if len(names) != 1:
            raise CompileError(f"{d}/pipeline-name should only contain one name")
        df.pipeline_name = names[0]


def read_source(src: str, warn) -> list[Definition]:
    """Every definition of one source directory, sorted by name."""
    try:
        names = sorted(os.listdir(src))
    except FileNotFoundError:
        raise CompileError(f"unable to opendir {src}: No such file or directory", 111) from None
    except OSError as e:
        raise CompileError(f"unable to opendir {src}: {e.strerror}", 111) from None
    out = []
    for name in names:
        if name.startswith(".") or not os.path.isdir(os.path.join(src, name)):
            continue
        if "\n" in name:
            raise CompileError(f"subdirectory of {src} contains a newline character")
        if name.startswith(RESERVED):
            raise CompileError(f"in {src}: identifier {name} starts with reserved prefix")
        out.append(read_definition(src, name, warn))
    if not out:
        warn(f"source {src} is empty")
    return out
