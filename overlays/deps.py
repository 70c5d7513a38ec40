"""Which vendored dependencies a build takes, where from, and the one line that says so.

The sources, in the order ``s6py overlay build`` tries them:

* ``release`` (the default): the release wheels pinned in
  ``overlays/vendor-requirements.txt``, fetched for the floor (``fetch``) or
  found in the cache.  Where they cannot be had (no registry, no cache), the
  distributions installed with this interpreter, if they run on the floor:
  a warning says the tarball then differs from the release's.  Else the
  build fails and names the one command that gets the user there;
* ``pinned`` (``s6py overlay release``): the pinned wheels or a failure,
  never a fallback, so a release is always the same bytes;
* ``installed`` (``--installed``, ``s6py demo``): this interpreter's, no
  network;
* ``--site`` directories, when given.

Every source goes through ``vendor.collect``: the same checks (pure Python,
complete, licensed, ``Requires-Python`` admits the floor) whatever the origin.
"""
from __future__ import annotations

import os
import sys
from dataclasses import dataclass

from overlays import fetch, vendor
from overlays.requirements import MAX_MINOR

REQUIREMENTS = os.path.join("overlays", "vendor-requirements.txt")
SOURCES = ("release", "pinned", "installed")


class VendoringError(Exception):
    """What is wrong, then a last line starting with ``fix:``."""


@dataclass(frozen=True)
class Vendoring:
    deps: list[vendor.Vendored]
    source: str          # "release" | "installed" | "site": what the manifest records
    origin: str          # where from, for people
    warnings: tuple[str, ...] = ()


def summary(v: Vendoring, floor: tuple[int, int]) -> str:
    """The one line a build prints about its dependencies."""
    names = ", ".join(f"{d.name} {d.version}" for d in sorted(v.deps, key=lambda d: d.name.lower()))
    return f"vendored for Python >= {floor[0]}.{floor[1]}: {names} ({v.origin})"


def lowest_floor(floor: tuple[int, int], sites: list[str] | None = None) -> tuple[int, int] | None:
    """The oldest 3.N at or above floor that the installed (or sites') distributions all run on."""
    for minor in range(floor[1], MAX_MINOR + 1):
        try:
            vendor.collect((3, minor), sites)
            return (3, minor)
        except vendor.VendorError:
            continue
    return None


def _f(floor: tuple[int, int]) -> str:
    return f"{floor[0]}.{floor[1]}"


def _release(floor: tuple[int, int], repo: str, cache: str | None) -> Vendoring:
    """The pinned wheels; raises fetch.FetchError, or VendoringError if they do not pass."""
    site, now = fetch.fetch(floor, os.path.join(repo, REQUIREMENTS), cache)
    try:
        deps = vendor.collect(floor, [site])
    except vendor.VendorError as e:
        raise VendoringError(f"the wheels pinned in {REQUIREMENTS} do not pass:\n{e}\n"
                             f"fix: the pins in {REQUIREMENTS} (its header says how)") from None
    return Vendoring(deps, "release", f"the release wheels pinned in {REQUIREMENTS}, "
                     f"{'fetched now into' if now else 'cached in'} {site}")


def resolve(floor: tuple[int, int], project_floor: tuple[int, int], repo: str,
            source: str = "installed", sites: list[str] | None = None,
            cache: str | None = None) -> Vendoring:
    """The dependencies for floor from source (or sites); raises VendoringError."""
    head = f"vendored dependencies (Python >= {_f(floor)}): "
    if sites:
        try:
            return Vendoring(vendor.collect(floor, sites), "site",
                             f"from --site {' '.join(sites)}")
        except vendor.VendorError as e:
            raise VendoringError(f"{head}--site {' '.join(sites)}:\n{e}\nfix: s6py overlay "
                                 "build, without --site, fetches the release wheels") from None
    if source in ("release", "pinned"):
        try:
            return _release(floor, repo, cache)
        except fetch.FetchError as e:
            unfetched = str(e)
        if source == "pinned":
            raise VendoringError(f"{head}the release wheels could not be fetched: {unfetched}\n"
                                 + _fix_unfetched(floor, project_floor, None, "release"))
    try:
        deps = vendor.collect(floor)
    except vendor.VendorError as e:
        if source == "installed":
            raise VendoringError(f"{head}the installed ones (with {sys.executable}):\n{e}\n"
                                 f"fix: s6py overlay build{_floor_opt(floor, project_floor)}"
                                 " (without --installed: it fetches the release wheels)") from None
        raise VendoringError(f"{head}the release wheels could not be fetched: {unfetched}\n"
                             f"and the installed ones (with {sys.executable}) do not fit:\n{e}\n"
                             + _fix_unfetched(floor, project_floor, lowest_floor(floor),
                                              "build")) from None
    where = f"installed with {sys.executable}"
    if source == "installed":
        return Vendoring(deps, "installed", where)
    return Vendoring(deps, "installed", where, (
        f"the release wheels could not be fetched ({unfetched}): vendored the installed ones, "
        "which run on the floor; the tarballs differ from a release build's",))


def _floor_opt(floor: tuple[int, int], project_floor: tuple[int, int]) -> str:
    return "" if floor == project_floor else f" --python-floor {_f(floor)}"


def _fix_unfetched(floor: tuple[int, int], project_floor: tuple[int, int],
                   installed_floor: tuple[int, int] | None, command: str) -> str:
    """The last line of a failure to fetch: the one command that fixes it."""
    if floor < project_floor:
        return (f"fix: s6py overlay {command} (its default floor, Python {_f(project_floor)},"
                " is the oldest s6py and the pinned releases run on)")
    again = (f"fix: s6py overlay {command}{_floor_opt(floor, project_floor)} again where a "
             "package index is reachable (PyPI, or a mirror or wheel directory named by "
             "PIP_INDEX_URL or PIP_FIND_LINKS)")
    if installed_floor is None or command != "build":
        return again
    return again + (f"; or, for images with Python {_f(installed_floor)}+ only, now: "
                    f"s6py overlay build --python-floor {_f(installed_floor)}")
