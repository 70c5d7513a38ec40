"""s6-rc-compile [-v verbosity] [-h fdholder_user] [-b] compiled source...

``--s6-overlay[=SCRIPTS]`` (s6py extension) adds s6-overlay's built-in
sources (base, fix-attrs, legacy-cont-init, legacy-services, top, and empty
user/user2 bundles unless a source defines them).
"""
from __future__ import annotations

import os
import sys

from init.rc.errors import CompileError

USAGE = "s6-rc-compile: usage: s6-rc-compile [ -v verbosity ] [ -h fdholder_user ] [ -b ] compiled source...\n"


def compile_sources(compiled: str, sources: list[str], verbosity: int = 1,
                    builtin_scripts: str | None = None,
                    extra_contents: dict[str, list[str]] | None = None) -> list[tuple[str, str]]:
    """Read, check, resolve and write; CompileError on any mistake.

    extra_contents: bundle -> names to add to it when they are defined (PID 1's
    compatibility mode, see init/pid1/rcinit_rules.py); returns the (bundle,
    name) pairs added."""
    from init.rc import builtin, compiler, source
    from init.rc import compiled as _compiled

    def warn(text: str) -> None:
        if verbosity >= 1:
            sys.stderr.write(f"s6-rc-compile: warning: {text}\n")

    from init.rc.loggers import expand
    root = os.geteuid() == 0
    per_source = [(s, expand(source.read_source(s, warn), root)) for s in sources]
    defaults = []
    if builtin_scripts is not None:
        per_source.append((builtin.SOURCE, builtin.builtin_definitions(builtin_scripts)))
        defaults = builtin.default_definitions()
    added = _add_contents(per_source, defaults, extra_contents or {})
    db = compiler.compile_definitions(per_source, defaults, warn)
    defs = {d.name: d for _, items in per_source for d in items}
    _compiled.write_compiled(db, defs, compiled)
    return added


def _add_contents(per_source, defaults, extra: dict[str, list[str]]) -> list[tuple[str, str]]:
    """Append each defined, not yet listed name of extra[bundle] to that bundle's contents."""
    defs = {d.name: d for _, items in per_source for d in items}
    defined = set(defs) | {d.name for d in defaults}
    added = []
    for bundle, names in extra.items():
        target = defs.get(bundle)
        if target is None or target.type != "bundle":
            continue
        for name in names:
            if name in defined and name not in target.contents and name != bundle:
                target.contents.append(name)
                added.append((bundle, name))
    return added


def main(argv: list[str]) -> int:
    verbosity, scripts, args = 1, None, []
    i = 0
    while i < len(argv):
        a = argv[i]
        if a == "--":
            args += argv[i + 1:]
            break
        if a.startswith("--s6-overlay"):
            from init.rc.builtin import SCRIPTS
            scripts = a.split("=", 1)[1] if "=" in a else SCRIPTS
        elif a in ("-v", "-h"):
            if i + 1 >= len(argv):
                sys.stderr.write(USAGE)
                return 100
            if a == "-v":
                if not argv[i + 1].isdigit():
                    sys.stderr.write(USAGE)
                    return 100
                verbosity = int(argv[i + 1])
            i += 1
        elif a.startswith("-v") and a[2:].isdigit():
            verbosity = int(a[2:])
        elif a == "-b" or a.startswith("-h"):
            pass
        elif a.startswith("-") and len(a) > 1:
            sys.stderr.write(USAGE)
            return 100
        else:
            args.append(a)
        i += 1
    if len(args) < 2:
        sys.stderr.write(USAGE)
        return 100
    try:
        compile_sources(args[0], args[1:], verbosity, scripts)
    except CompileError as e:
        sys.stderr.write(f"s6-rc-compile: fatal: {e.message}\n")
        return e.code
    return 0
