"""``s6py overlay build``: the three tarballs and their ``.sha256`` files.

* ``s6py-overlay-noarch.tar.xz``: ``/init``, ``/command/*`` (shims, see
  ``shims``), the ``/etc/s6-overlay`` skeleton (``overlays/rootfs``, as
  s6-overlay's: an empty ``s6-rc.d`` and the ``user``/``user2`` bundles in
  ``user-bundles.d``), and under ``/package/admin/s6py/lib/python`` our
  packages (logd, syslogd, init), the vendored dependencies (``vendor``)
  and an ``s6py-VERSION.dist-info/METADATA``;
* ``s6py-overlay-symlinks-noarch.tar.xz``: ``/usr/bin/NAME ->
  ../../command/NAME`` for every command, for old ``#!/usr/bin/with-contenv``
  or ``#!/usr/bin/execlineb`` shebangs (s6-overlay's two symlinks tarballs in
  one, since all our commands are noarch);
* ``syslogd-overlay-noarch.tar.xz``: ``overlays/syslogd`` as it is;
* ``s6py-overlay-manifest.json`` (``manifest``): versions, floor, sha256s.

The vendored dependencies come from ``deps`` (the pinned release wheels
for ``s6py overlay build``, the installed ones for the library's callers
such as ``s6py demo``, unless told otherwise).

No bytecode is shipped: a ``.pyc`` only serves one Python minor version and
the tarball is for any python3 >= 3.9.  Python writes ``__pycache__`` at first
use where it may (root, writable root); a read-only root or a USER image
compiles at every start (measured: +13 ms per s6-log start, +6 ms per
execlineb or s6-svstat start, +48 ms per ``s6py`` start): such images
should ``RUN python3 -m compileall -q /package/admin/s6py/lib/python``.

Reproducible: every member has one mtime, ``SOURCE_DATE_EPOCH`` if set
(or ``--source-date-epoch``), else the repository's last commit time (a new
release gets new mtimes, so a ``__pycache__`` compiled for an older one is
never taken for current), else 1980-01-01.
"""
from __future__ import annotations

import importlib
import importlib.util
import os
import re
import subprocess
import sys
from dataclasses import dataclass

from overlays import commands as cmds
from overlays import deps, manifest, shims, tarball, tree, vendor

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PACKAGES = ("logd", "syslogd", "init")
LIB_REL = shims.LIB.lstrip("/")
MAIN, SYMLINKS, SYSLOGD = ("s6py-overlay-noarch.tar.xz", "s6py-overlay-symlinks-noarch.tar.xz",
                           "syslogd-overlay-noarch.tar.xz")
FALLBACK_EPOCH = 315532800  # 1980-01-01T00:00:00Z


class BuildError(Exception):
    """What is wrong, for the user."""


def default_epoch(repo: str = REPO, environ: dict | None = None) -> int:
    env = os.environ if environ is None else environ
    if env.get("SOURCE_DATE_EPOCH", "").isdigit():
        return int(env["SOURCE_DATE_EPOCH"])
    try:
        out = subprocess.run(["git", "-C", repo, "log", "-1", "--format=%ct"],
                             capture_output=True, text=True, timeout=30).stdout.strip()
        return int(out) if out.isdigit() else FALLBACK_EPOCH
    except (OSError, subprocess.SubprocessError):
        return FALLBACK_EPOCH


def project(repo: str = REPO) -> tuple[str, tuple[int, int]]:
    """(version, python floor) from pyproject.toml."""
    with open(os.path.join(repo, "pyproject.toml")) as f:
        text = f.read()
    version = re.search(r'(?m)^version\s*=\s*"([^"]+)"', text)
    floor = re.search(r'(?m)^requires-python\s*=\s*">=\s*3\.(\d+)', text)
    if not version or not floor:
        raise BuildError("pyproject.toml: no version or requires-python \">=3.N\"")
    return version.group(1), (3, int(floor.group(1)))


def check_targets(table: dict[str, str], repo: str = REPO) -> list[str]:
    """Import every target (raise BuildError listing the broken ones); return warnings."""
    if importlib.util.find_spec(PACKAGES[-1]) is None and repo not in sys.path:
        sys.path.insert(0, repo)  # building from a checkout that is not on the path
    errors, warnings = [], []
    for name, target in sorted(table.items()):
        module, _, func = target.partition(":")
        try:
            if func:
                if not callable(getattr(importlib.import_module(module), func, None)):
                    errors.append(f"{name}: {module} has no function {func}")
            elif importlib.util.find_spec(module) is None:
                errors.append(f"{name}: no module {module}")
            elif importlib.util.find_spec(module).submodule_search_locations is not None \
                    and importlib.util.find_spec(module + ".__main__") is None:
                warnings.append(f"{name}: {module}/__main__.py does not exist yet (placeholder)")
        except Exception as e:  # noqa: BLE001 - any import failure is a broken table entry
            errors.append(f"{name}: {target}: {type(e).__name__}: {e}")
    if errors:
        raise BuildError("shim table (overlays/commands.py):\n" + "\n".join(errors))
    return warnings


def main_entries(repo: str, table: dict[str, str], vendored: list[vendor.Vendored],
                 version: str, floor: tuple[int, int]) -> list[tree.Entry]:
    metadata = (f"Metadata-Version: 2.1\nName: s6py\nVersion: {version}\n"
                f"Requires-Python: >={floor[0]}.{floor[1]}\n")
    return tree.merge(
        tree.from_dir(os.path.join(repo, "overlays", "rootfs")),
        tree.from_packages(repo, PACKAGES, LIB_REL),
        [tree.file(f"{LIB_REL}/{path}", data) for d in vendored for path, data in d.files.items()],
        [tree.file(f"{LIB_REL}/s6py-{version}.dist-info/METADATA", metadata.encode())],
        [tree.file(cmds.image_path(name),
                   shims.render(name.rsplit("/", 1)[-1], target, target in cmds.MULTICALL).encode(),
                   executable=True) for name, target in table.items()])


def symlink_entries(table: dict[str, str]) -> list[tree.Entry]:
    return tree.merge([tree.Entry(f"usr/bin/{n}", "symlink", 0o777, link=f"../../command/{n}")
                       for n in table if not n.startswith("/")])


@dataclass(frozen=True)
class Built:
    written: list[str]            # the tarballs, their .sha256 files, the manifest
    warnings: list[str]
    summary: str                  # the one line about the vendored dependencies


def archives(sites: list[str] | None = None, floor: tuple[int, int] | None = None,
             repo: str = REPO, table: dict[str, str] | None = None, source: str = "installed",
             cache: str | None = None
             ) -> tuple[dict[str, list[tree.Entry]], list[str], deps.Vendoring]:
    """Each tarball's entries, the warnings, the vendoring; raises BuildError.  source:
    ``deps.SOURCES`` (the library's default, "installed", never touches the network)."""
    table = cmds.COMMANDS if table is None else table
    if not os.path.isfile(os.path.join(repo, "pyproject.toml")) or \
            not os.path.isdir(os.path.join(repo, "overlays", "rootfs")):
        raise BuildError(f"{repo} is not an s6py source checkout (no pyproject.toml or "
                         "overlays/rootfs): build from a clone, installed with pip install -e .")
    version, project_floor = project(repo)
    floor = floor or project_floor
    warnings = check_targets(table, repo)
    warnings += [f"{n}: not implemented yet, left out (overlays/commands.py PENDING)"
                 for n in cmds.PENDING]
    try:
        vendoring = deps.resolve(floor, project_floor, repo, source, sites, cache)
    except deps.VendoringError as e:
        raise BuildError(str(e)) from None
    return {MAIN: main_entries(repo, table, vendoring.deps, version, floor),
            SYMLINKS: symlink_entries(table),
            SYSLOGD: tree.merge(tree.from_dir(os.path.join(repo, "overlays", "syslogd")))
            }, warnings + list(vendoring.warnings), vendoring


def stage(root: str, sites: list[str] | None = None, floor: tuple[int, int] | None = None,
          names: tuple[str, ...] = (MAIN, SYMLINKS, SYSLOGD), repo: str = REPO,
          source: str = "installed") -> list[str]:
    """The tarballs' contents written straight into root (a ``s6py sandbox --layer`` for
    end-to-end tests, without tar); returns the warnings."""
    contents, warnings, _ = archives(sites, floor, repo, source=source)
    for name in names:
        tree.write(contents[name], root)
    return warnings


def _write(path: str, content: bytes) -> str:
    with open(path + ".tmp", "wb") as f:
        f.write(content)
    os.replace(path + ".tmp", path)
    return path


def build(out: str, epoch: int | None = None, sites: list[str] | None = None,
          floor: tuple[int, int] | None = None, repo: str = REPO,
          table: dict[str, str] | None = None, source: str = "installed",
          cache: str | None = None, commit: str | None = None) -> Built:
    """Write the tarballs, their .sha256 files and the manifest into out."""
    contents, warnings, vendoring = archives(sites, floor, repo, table, source, cache)
    version, project_floor = project(repo)
    floor = floor or project_floor
    epoch = default_epoch(repo) if epoch is None else epoch
    os.makedirs(out, exist_ok=True)
    written, datas = [], {}
    for name, entries in contents.items():
        datas[name] = data = tarball.tar_xz(entries, epoch)
        written.append(_write(os.path.join(out, name), data))
        written.append(_write(os.path.join(out, name + ".sha256"),
                              tarball.sha256_line(data, name).encode()))
    text = manifest.render(version, floor, epoch, vendoring.source,
                           {d.name: d.version for d in vendoring.deps}, datas, commit)
    written.append(_write(os.path.join(out, manifest.NAME), text))
    return Built(written, warnings, deps.summary(vendoring, floor))
