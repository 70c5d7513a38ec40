"""s6-rc-compile's checks and resolution, as a pure function.

Input: definitions per source, in order (``source.read_source``), plus
*default* definitions used only when no source defines that name (the empty
``user``/``user2`` bundles).  Output: a ``Database`` of atoms with their
direct atomic dependencies (implicit ones added: every oneshot needs
s6rc-oneshot-runner, pipeline members need s6rc-fdholder, a producer needs
its consumer) and bundles resolved to atoms.  Every mistake raises
``CompileError`` with s6-rc-compile's message (supervision.md §10.4).
"""
from __future__ import annotations

from init.rc.database import FDHOLDER, RUNNER, Atom, Database
from init.rc.errors import CompileError
from init.rc.source import Definition

_PIPELINE_MAX = 1000


def compile_definitions(sources: list[tuple[str, list[Definition]]],
                        defaults: list[Definition] = (), warn=lambda _m: None) -> Database:
    defs: dict[str, Definition] = {}
    for _src, items in sources:
        for d in items:
            old = defs.get(d.name)
            if old is not None:
                raise CompileError(f"duplicate service definition: {d.name} defined in "
                                   f"{d.source} is already defined and has type {old.type}")
            defs[d.name] = d
    for d in defaults:
        defs.setdefault(d.name, d)
    for internal in (RUNNER, FDHOLDER):
        defs[internal] = Definition(name=internal, type="longrun", essential=True)
    _check_pipelines(defs, warn)
    bundles = _resolve_bundles(defs)
    atoms: dict[str, Atom] = {}
    for name, d in defs.items():
        if d.type == "bundle":
            continue
        atoms[name] = Atom(name=name, type=d.type, essential=d.essential,
                           timeout_up=d.timeout_up, timeout_down=d.timeout_down,
                           up=d.up, down=d.down, up_argv=d.up_argv, down_argv=d.down_argv,
                           producer_for=d.producer_for or d.output_to,
                           consumer_for=list(d.consumer_for),
                           notification="notification-fd" in d.longrun,
                           internal=name in (RUNNER, FDHOLDER), source=d.path,
                           drain=d.drain)
    for name, d in defs.items():
        if d.type == "bundle":
            if d.essential:
                for a in bundles[name]:
                    atoms[a].essential = True
            continue
        deps: set[str] = set()
        for dep in d.deps:
            if dep in atoms:
                deps.add(dep)
            elif dep in bundles:
                deps.update(bundles[dep])
            else:
                raise CompileError(f"during dependency resolution for service {name}: "
                                   f"undefined service name {dep}")
        if d.type == "oneshot":
            deps.add(RUNNER)
        if d.producer_for or d.consumer_for or d.output_to:
            deps.add(FDHOLDER)
        if d.producer_for or d.output_to:
            deps.add(d.producer_for or d.output_to)
        atoms[name].deps = sorted(deps)
    for name, d in defs.items():
        if d.output_to:    # a oneshot's declared logger (loggers.py): fed like a consumer
            atoms[d.output_to].consumer_for.append(name)
            atoms[d.output_to].deps = sorted(set(atoms[d.output_to].deps) | {FDHOLDER})
    _check_cycles(atoms)
    return Database(atoms=atoms, bundles=bundles)


def _resolve_bundles(defs: dict[str, Definition]) -> dict[str, list[str]]:
    done: dict[str, list[str]] = {}

    def walk(root: str, name: str, stack: list[str]) -> list[str]:
        if name in done:
            return done[name]
        if name in stack:
            raise CompileError(f"cyclic bundle definition: resolution of {root} "
                               f"encountered a cycle involving {name}")
        stack.append(name)
        out: set[str] = set()
        for m in defs[name].contents:
            md = defs.get(m)
            if md is None:
                raise CompileError(f"during resolution of bundle {name}: undefined service name {m}")
            if md.type == "bundle":
                out.update(walk(root, m, stack))
            else:
                out.add(m)
        stack.pop()
        done[name] = sorted(out)
        return done[name]

    for name in sorted(defs):
        if defs[name].type == "bundle":
            walk(name, name, [])
    return done


def _check_pipelines(defs: dict[str, Definition], warn) -> None:
    for name in sorted(defs):
        d = defs[name]
        if d.producer_for:
            c = defs.get(d.producer_for)
            if c is None:
                raise CompileError(f"during pipeline resolution for service {name}: "
                                   f"undefined service name {d.producer_for}")
            if c.type != "longrun":
                raise CompileError(f"longrun service {name} declares being a producer for a "
                                   f"service named {c.name} of type {c.type}")
            if name not in c.consumer_for:
                raise CompileError(f"longrun service {name} declares being a producer for a "
                                   f"service named {c.name} that does not declare it back")
        for p in d.consumer_for:
            pd = defs.get(p)
            if pd is None:
                raise CompileError(f"during pipeline resolution for service {name}: "
                                   f"undefined service name {p}")
            if pd.type != "longrun":
                raise CompileError(f"longrun service {name} declares being the consumer for a "
                                   f"service named {p} of type {pd.type}")
            if pd.producer_for != name:
                raise CompileError(f"longrun service {name} declares being the consumer for a "
                                   f"service named {p} that does not declare it back")
    for name in sorted(defs):
        d = defs[name]
        seen = [name]
        cur = d
        while cur.producer_for:
            nxt = cur.producer_for
            if nxt in seen:
                raise CompileError(f"cyclic longrun pipeline reached from {name} and involving {nxt}")
            seen.append(nxt)
            if len(seen) > _PIPELINE_MAX:
                raise CompileError(f"pipeline {name} is too long: possible loop involving {nxt}")
            cur = defs[nxt]
        if d.pipeline_name is None:
            continue
        if d.producer_for:
            warn(f"{d.path} contains a pipeline-name file despite not being a last consumer; "
                 "this file will be ignored")
            continue
        members = _pipeline_members(defs, name)
        pn = d.pipeline_name
        if pn in defs:
            raise CompileError(f"duplicate service definition: {pn} defined in {d.source} "
                               f"is already defined and has type {defs[pn].type}")
        defs[pn] = Definition(name=pn, type="bundle", source=d.source, path=d.path,
                              contents=members)


def _pipeline_members(defs: dict[str, Definition], last: str) -> list[str]:
    out, todo = [], [last]
    while todo:
        n = todo.pop()
        if n in out:
            raise CompileError(f"longrun pipeline collision reached from {last} and involving {n}")
        out.append(n)
        todo.extend(defs[n].consumer_for)
    return sorted(out)


def _check_cycles(atoms: dict[str, Atom]) -> None:
    WHITE, GREY, BLACK = 0, 1, 2
    color = dict.fromkeys(atoms, WHITE)
    for root in sorted(atoms):
        if color[root] != WHITE:
            continue
        stack = [(root, iter(atoms[root].deps))]
        color[root] = GREY
        while stack:
            node, it = stack[-1]
            nxt = next(it, None)
            if nxt is None:
                color[node] = BLACK
                stack.pop()
            elif color[nxt] == GREY:
                raise CompileError(f"cyclic service dependency reached from {root} "
                                   f"and involving {nxt}")
            elif color[nxt] == WHITE:
                color[nxt] = GREY
                stack.append((nxt, iter(atoms[nxt].deps)))
