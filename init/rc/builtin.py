"""s6-overlay's own service definitions (its ``etc/s6-rc/sources``), built
in code rather than read from files.

    fix-attrs          oneshot   up: fix-attrs
    legacy-cont-init   oneshot   needs fix-attrs; up: cont-init, down: cont-finish
    base               bundle    fix-attrs legacy-cont-init
    legacy-services    oneshot   needs base and user; up: services-up, down: services-down
    top                bundle    base legacy-services user user2
    user, user2        bundles, empty unless the image defines them (defaults)

``scripts`` is where the legacy scripts live (the PID-1 stages provide them).
"""
from __future__ import annotations

import os

from init.rc.source import Definition

SOURCE = "/package/admin/s6-overlay/etc/s6-rc/sources"
SCRIPTS = "/package/admin/s6-overlay/etc/s6-rc/scripts"


def _oneshot(name: str, up: str, down: str | None, deps: list[str], scripts: str) -> Definition:
    from init.execline.lexer import parse
    up_text = os.path.join(scripts, up) + "\n"
    d = Definition(name=name, type="oneshot", source=SOURCE, path=os.path.join(SOURCE, name),
                   deps=deps, up=up_text, up_argv=parse(up_text))
    if down:
        d.down = os.path.join(scripts, down) + "\n"
        d.down_argv = parse(d.down)
    return d


def builtin_definitions(scripts: str = SCRIPTS) -> list[Definition]:
    return [
        Definition(name="base", type="bundle", source=SOURCE, path=f"{SOURCE}/base",
                   contents=["fix-attrs", "legacy-cont-init"]),
        _oneshot("fix-attrs", "fix-attrs", None, [], scripts),
        _oneshot("legacy-cont-init", "cont-init", "cont-finish", ["fix-attrs"], scripts),
        _oneshot("legacy-services", "services-up", "services-down", ["base", "user"], scripts),
        Definition(name="top", type="bundle", source=SOURCE, path=f"{SOURCE}/top",
                   contents=["base", "legacy-services", "user", "user2"]),
    ]


def default_definitions() -> list[Definition]:
    return [Definition(name=n, type="bundle", source=SOURCE, path=f"{SOURCE}/{n}")
            for n in ("user", "user2")]
