"""Declared loggers: a ``log`` file in a definition becomes the definitions it stands for.

Why: a logged s6-rc service takes three hand-written definitions (README,
"Writing a service"): a NAME-log-prepare oneshot making the logdir, a
NAME-log longrun with consumer-for and pipeline-name, and producer-for in
the service.  With a ``log`` file (and optionally ``log-user``) in the
service's directory, the compile writes exactly those, as if they were in
the source: ``s6-rc listall`` shows them, the pipeline bundle NAME-pipeline
is made, the live directory has NAME-log's ``run``.

``log``: the logger's s6-log script, words separated by blanks and newlines,
lines starting with ``#`` left out.  Empty: ``logutil-service`` with
S6_LOGGING_SCRIPT (default ``n20 s1000000 T``) into /var/log/NAME.  With
words: that script; /var/log/NAME is added at its end unless it names a
logdir (an absolute path) itself.  ``log-user``: who the logger runs as and
owns the logdirs (default nobody, 65534:65534 where there is no such user;
a name or ``uid:gid``).  Logdirs are made mode 02755 with parents as
needed; in a non-root container they stay the container user's.

A oneshot has no pipeline in s6-rc (producer-for is longrun-only), so its
route is PID 1's own: the compiled oneshot is marked as NAME-log's producer
(``Atom.producer_for``) and PID 1 gives its ``up``/``down`` the write end
of the pipe it holds for NAME-log, as for a longrun producer.  NAME depends
on NAME-log, so the logger is up first and goes down last.

Pure: definitions in, definitions out; CompileError with s6-rc-compile's
prefix for what cannot be expanded.
"""
from __future__ import annotations

from init.pyexec import quote
from init.rc.errors import CompileError
from init.rc.source import Definition, lex

DEFAULT_DIR = "/var/log/"
NOBODY = "nobody"
MODE = "02755"


def names(service: str) -> tuple[str, str, str]:
    """(logger, prepare oneshot, pipeline bundle)."""
    return f"{service}-log", f"{service}-log-prepare", f"{service}-pipeline"


def script_words(text: str) -> list[str]:
    """The words of a ``log`` file (``#`` lines are comments)."""
    lines = [ln for ln in text.split("\n") if not ln.lstrip(" \t").startswith("#")]
    return " ".join(lines).split()


def logdirs(words: list[str], where: str) -> list[str]:
    """The logdir actions of a script (s6-log: words starting with / or .)."""
    dirs = [w for w in words if w[:1] in ("/", ".")]
    for d in dirs:
        if d[:1] == ".":
            raise CompileError(f"{where}: logdir {d} must be an absolute path")
    return dirs


def run_script(service: str, words: list[str] | None, user: str | None) -> str:
    """NAME-log's ``run``: logutil-service with what the files said."""
    args = ["-n", service]
    if user:
        args += ["-u", user]
    if words:
        args += ["-S", " ".join(words)]
    else:
        args.append(DEFAULT_DIR + service)
    return "#!/bin/sh\nexec logutil-service " + " ".join(_sh(a) for a in args) + "\n"


_PLAIN = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789@%+=:,./-_")


def _plain(word: str) -> bool:
    return bool(word) and all(c in _PLAIN for c in word)


def _sh(word: str) -> str:
    """A /bin/sh word: as is when nothing in it is special, else single-quoted."""
    return word if _plain(word) else quote(word)


def _el(word: str) -> str:
    """An execline word: as is, or quoted (the lexer unquotes ``"..."`` with backslash escapes)."""
    if _plain(word):
        return word
    return '"' + word.replace("\\", "\\\\").replace('"', '\\"') + '"'


def prepare_up(dirs: list[str], user: str, root: bool) -> str:
    """The prepare oneshot's ``up``: one execline command line (s6-portable-utils only)."""
    steps = []
    for d in dirs:
        q = _el(d)
        steps.append(f"if {{ s6-mkdir -p {q} }}")
        if root:
            u, sep, g = user.partition(":")
            if sep and u.isdigit() and g.isdigit():
                steps.append(f"if {{ s6-chown -u {u} -g {g} {q} }}")
            else:
                dflt = "-D 65534:65534 " if user == NOBODY else ""
                steps.append(f"if {{ s6-envuidgid {dflt}{_el(user)} s6-chown -U {q} }}")
        steps.append(f"if {{ s6-chmod {MODE} {q} }}")
    steps[-1] = steps[-1][len("if { "):-len(" }")]
    return "\n".join(steps) + "\n"


def expand(defs: list[Definition], root: bool) -> list[Definition]:
    """defs of one source with every ``log`` file turned into its definitions."""
    taken = {d.name: d for d in defs}
    out = []
    for d in defs:
        if d.log is None:
            out.append(d)
            continue
        import copy  # (here: the compile at every boot need not import it)
        d = copy.copy(d)       # the service gains producer-for: the input stays as read
        out.append(d)
        where = f"{d.path}/log"
        if d.type == "bundle":
            raise CompileError(f"{where}: only a longrun or a oneshot can have a logger")
        logger, prepare, pipeline = names(d.name)
        for n in (logger, prepare) + ((pipeline,) if d.type == "longrun" else ()):
            if n in taken:
                raise CompileError(f"{where} declares {n}, which {taken[n].path} already defines")
        user = d.log_user or NOBODY
        words = d.log
        dirs = logdirs(words, where)
        if words and not dirs:
            words = words + [DEFAULT_DIR + d.name]
        dirs = dirs or [DEFAULT_DIR + d.name]
        up = prepare_up(dirs, user, root)
        prep = Definition(name=prepare, type="oneshot", source=d.source, path=where,
                          deps=["base"] if "base" in d.deps else [], up=up,
                          up_argv=lex(where, up))
        log = Definition(name=logger, type="longrun", source=d.source, path=where,
                         deps=[prepare], drain=True,
                         generated={"run": run_script(d.name, words, d.log_user)})
        if d.type == "longrun":
            if d.producer_for:
                raise CompileError(f"{where}: {d.name} already has a producer-for file")
            d.producer_for = logger
            log.consumer_for = [d.name]
            log.pipeline_name, d.pipeline_name = d.pipeline_name or pipeline, None
        else:
            d.output_to = logger
        out += [prep, log]
        taken.update({prepare: prep, logger: log})
    return out
