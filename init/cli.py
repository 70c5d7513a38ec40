"""``s6py``: the umbrella command for people.

Subcommands live next to the code they drive (``logd``, ``init``,
``overlays``...) and are imported only when invoked, so ``s6py --help``
stays fast and one broken subsystem cannot take the others down.
"""
from __future__ import annotations

import importlib

import click

# name -> "module:attribute" of a click command; later issues add entries.
SUBCOMMANDS: dict[str, str] = {
    "demo": "overlays.demo.cli:demo",
    "health": "init.health.cli:health",
    "logs": "logd.cli:logs",
    "overlay": "overlays.cli:overlay",
    "sandbox": "init.sandbox.cli:sandbox",
}


class LazyGroup(click.Group):
    """A click group that imports a subcommand's module on first use."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(set(super().list_commands(ctx)) | set(SUBCOMMANDS))

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        target = SUBCOMMANDS.get(name)
        if target is None:
            return super().get_command(ctx, name)
        module_name, attr = target.split(":")
        return getattr(importlib.import_module(module_name), attr)


@click.group(cls=LazyGroup)
@click.version_option(package_name="s6py")
def main() -> None:
    """s6py: s6-overlay's logging core and container init, in Python."""


if __name__ == "__main__":
    main()
