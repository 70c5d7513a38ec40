"""``s6py overlay build``: the click layer over ``overlays.build``."""
from __future__ import annotations

import os
import sys

import click


@click.group()
def overlay() -> None:
    """The overlay tarballs users extract onto their images."""


def _floor(_ctx, _param, value: str | None) -> tuple[int, int] | None:
    if value is None:
        return None
    major, _, minor = value.partition(".")
    if major != "3" or not minor.isdigit():
        raise click.BadParameter("expected 3.N")
    return (3, int(minor))


@overlay.command()
@click.option("--out", default="dist", show_default=True, type=click.Path(file_okay=False),
              help="Where the tarballs and .sha256 files go.")
@click.option("--source-date-epoch", type=int, default=None,
              help="mtime of every member (default: $SOURCE_DATE_EPOCH, else the last commit's).")
@click.option("--site", "sites", multiple=True, type=click.Path(file_okay=False, exists=True),
              help="Take the vendored dependencies from this site directory (repeatable; "
              "default: this interpreter's). See overlays/vendor-requirements.txt.")
@click.option("--python-floor", callback=_floor, default=None, metavar="3.N",
              help="Oldest python3 the tarball must run on (default: pyproject's).")
def build(out: str, source_date_epoch: int | None, sites: tuple[str, ...],
          python_floor: tuple[int, int] | None) -> None:
    """Build s6py-overlay-noarch, s6py-overlay-symlinks-noarch and syslogd-overlay-noarch."""
    from overlays.build import BuildError
    from overlays.build import build as run

    try:
        written, warnings = run(out, source_date_epoch, list(sites) or None, python_floor)
    except BuildError as e:
        sys.stderr.write(f"s6py overlay build: fatal: {e}\n")
        sys.exit(111)
    for w in warnings:
        sys.stderr.write(f"s6py overlay build: warning: {w}\n")
    for path in written:
        click.echo(f"{path}  {os.path.getsize(path)} bytes")
