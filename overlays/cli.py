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
              help="Where the tarballs, .sha256 files and manifest go.")
@click.option("--source-date-epoch", type=int, default=None,
              help="mtime of every member (default: $SOURCE_DATE_EPOCH, else the last commit's).")
@click.option("--site", "sites", multiple=True, type=click.Path(file_okay=False, exists=True),
              help="Take the vendored dependencies from this site directory (repeatable).")
@click.option("--installed", is_flag=True,
              help="Vendor this interpreter's installed dependencies; never fetch.")
@click.option("--python-floor", callback=_floor, default=None, metavar="3.N",
              help="Oldest python3 the tarball must run on (default: pyproject's).")
def build(out: str, source_date_epoch: int | None, sites: tuple[str, ...], installed: bool,
          python_floor: tuple[int, int] | None) -> None:
    """Build s6py-overlay-noarch, s6py-overlay-symlinks-noarch and syslogd-overlay-noarch.

    The vendored dependencies are the release wheels pinned in
    overlays/vendor-requirements.txt, fetched with pip for the floor and cached
    (~/.cache/s6py, or $S6PY_CACHE); without a registry or a cache, the installed
    ones if they run on the floor."""
    from overlays.build import build as run

    _report(lambda: run(out, source_date_epoch, list(sites) or None, python_floor,
                        source="installed" if installed else "release"), "build")


@overlay.command()
@click.option("--out", default="dist", show_default=True, type=click.Path(file_okay=False),
              help="Where the tarballs, .sha256 files and manifest go.")
@click.option("--rev", default="HEAD", show_default=True,
              help="The commit to release (its files as committed, not the working tree).")
def release(out: str, rev: str) -> None:
    """Build the release tarballs of a commit: reproducibly, from the pinned wheels only.

    Two runs on the same commit write the same bytes (mtimes: the commit's time,
    or $SOURCE_DATE_EPOCH)."""
    from overlays.release import release as run

    _report(lambda: run(out, rev), "release")


def _report(run, name: str) -> None:
    from overlays.build import BuildError

    try:
        built = run()
    except BuildError as e:
        sys.stderr.write(f"s6py overlay {name}: fatal: {e}\n")
        sys.exit(111)
    for w in built.warnings:
        sys.stderr.write(f"s6py overlay {name}: warning: {w}\n")
    sys.stderr.write(f"s6py overlay {name}: info: {built.summary}\n")
    for path in built.written:
        click.echo(f"{path}  {os.path.getsize(path)} bytes")
