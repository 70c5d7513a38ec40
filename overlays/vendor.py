"""Our pure-Python dependencies, copied from installed distributions into the image's lib dir.

Found with importlib.metadata, in the running interpreter's path or in the
site directories given (``fetch`` fills one with the pinned release wheels;
``deps`` decides which).
What is vendored is the closure of our direct dependencies (``ROOTS``) under
the ``Requires-Dist`` lines that may apply on Linux at or above the floor:
the installed releases decide (python-dateutil 2.x needs six, 4.x needs
tzdata), so a fresh ``pip install`` of s6py can always build the overlay
for its own interpreter.  The build fails, listing every problem, if a
distribution is missing, is not pure Python (an extension module would tie
the noarch tarball to one Python and one libc), lacks a file its RECORD
lists, carries no license file, or cannot run on every Python from the
floor on (``Requires-Python``).

What is copied: the distribution's import packages and modules (every file
under them but bytecode), and from its ``.dist-info`` the METADATA and the
license files, so ``importlib.metadata`` works in the image and the licenses
travel with the code.
"""
from __future__ import annotations

import importlib.metadata as md
import re
from dataclasses import dataclass

from overlays.requirements import admits_from, normalise, requirement_applies, requirement_name

ROOTS = ("click", "python-dateutil", "watchdog", "aiofiles")  # pyproject's dependencies
_NATIVE = (".so", ".pyd", ".dylib", ".dll")
_LICENSE = re.compile(r"(LICEN[CS]E|COPYING|NOTICE|AUTHORS)", re.I)


class VendorError(Exception):
    """Every problem found, one per line."""


@dataclass(frozen=True)
class Vendored:
    name: str
    version: str
    files: dict[str, bytes]  # path under the lib dir -> content


def find(name: str, sites: list[str] | None) -> md.Distribution | None:
    dists = md.distributions(path=sites) if sites else md.distributions()
    return next((d for d in dists if normalise(d.metadata["Name"] or "") == normalise(name)), None)


def _problems(dist: md.Distribution, floor: tuple[int, int]) -> list[str]:
    label = f"{dist.metadata['Name']} {dist.version}"
    out = []
    files = [str(f) for f in dist.files or []]
    if not files:
        out.append(f"{label}: no RECORD (not installed from a wheel?)")
    native = [f for f in files if f.endswith(_NATIVE)]
    if native or (dist.read_text("WHEEL") or "").find("Root-Is-Purelib: false") >= 0:
        out.append(f"{label}: not pure Python ({', '.join(native) or 'Root-Is-Purelib: false'})")
    missing = [f for f in files if "__pycache__" not in f and not f.startswith("..")
               and not dist.locate_file(f).exists()]
    if missing:
        out.append(f"{label}: files listed in RECORD are missing: {', '.join(missing[:5])}")
    if not any(_LICENSE.search(f.rsplit("/", 1)[-1]) for f in files if ".dist-info/" in f):
        out.append(f"{label}: no license file in its .dist-info")
    spec = dist.metadata["Requires-Python"]
    if not admits_from(spec, floor):
        out.append(f"{label}: Requires-Python {spec} excludes Python {floor[0]}.{floor[1]}+")
    return out


def needs(dist: md.Distribution, floor: tuple[int, int]) -> list[str]:
    """The distributions dist may need at run time on Linux, floor and later (no extras)."""
    return [requirement_name(r) for r in dist.requires or [] if requirement_applies(r, floor)]


def _top_levels(files: list[str]) -> set[str]:
    """Import packages and modules: first components of the .py files (not .dist-info, bin/...)."""
    return {f.split("/")[0] for f in files if f.endswith(".py") and not f.startswith("..")
            and ".dist-info/" not in f}


def _copy(dist: md.Distribution) -> dict[str, bytes]:
    files = [str(f) for f in dist.files or []]
    tops = _top_levels(files)
    out = {}
    for f in files:
        parts = f.split("/")
        bytecode = "__pycache__" in parts or f.endswith((".pyc", ".pyo"))
        meta = ".dist-info/" in f and (parts[-1] == "METADATA" or _LICENSE.search(parts[-1]))
        if not bytecode and (parts[0] in tops or meta):
            out[f] = dist.locate_file(f).read_bytes()
    return out


def collect(floor: tuple[int, int], sites: list[str] | None = None,
            names: tuple[str, ...] = ROOTS) -> list[Vendored]:
    """names and everything they need, vetted; raises VendorError listing all problems."""
    problems, found, seen = [], [], set()
    queue = [(name, None) for name in names]
    while queue:
        name, wanted_by = queue.pop(0)
        if normalise(name) in seen:
            continue
        seen.add(normalise(name))
        dist = find(name, sites)
        if dist is None:
            where = f" in {', '.join(sites)}" if sites else ""
            problems.append(f"{name}: not installed{where}"
                            + (f" (needed by {wanted_by})" if wanted_by else ""))
            continue
        problems += _problems(dist, floor)
        found.append(dist)
        label = f"{dist.metadata['Name']} {dist.version}"
        queue += [(n, label) for n in needs(dist, floor)]
    if problems:
        raise VendorError("\n".join(problems))
    return [Vendored(d.metadata["Name"], d.version, _copy(d)) for d in found]
