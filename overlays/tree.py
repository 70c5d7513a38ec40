"""A tarball's contents as data: paths, kinds, normalised modes, bytes.

Pure apart from ``from_dir`` / ``from_packages``, which read source trees.
Modes are normalised (directories and executables 0755, other files 0644,
symlinks kept as links), so what is in git, not the builder's umask, decides.
Parent directories are added for every entry; two sources giving different
contents for one path is an error.
"""
from __future__ import annotations

import os
import stat
from dataclasses import dataclass

SKIP_DIRS = frozenset({"__pycache__", ".git", ".pytest_cache", ".ruff_cache", ".mypy_cache"})
PLACEHOLDER = ".empty"  # keeps an empty directory in git; not shipped (as in s6-overlay)


@dataclass(frozen=True)
class Entry:
    path: str          # relative, "/"-separated, no leading "./" or "/"
    kind: str          # "dir" | "file" | "symlink"
    mode: int = 0o644
    data: bytes = b""
    link: str = ""


def file(path: str, data: bytes, executable: bool = False) -> Entry:
    return Entry(path, "file", 0o755 if executable else 0o644, data)


def _skip(name: str) -> bool:
    return name == PLACEHOLDER or name.endswith((".pyc", ".pyo", "~", ".swp")) or \
        name.startswith(".#")


def from_dir(src: str, prefix: str = "") -> list[Entry]:
    """Every directory, file and symlink under src (not src itself), at prefix/REL."""
    out = []
    for dirpath, dirnames, filenames in os.walk(src):
        dirnames[:] = sorted(d for d in dirnames if d not in SKIP_DIRS)
        rel = os.path.relpath(dirpath, src)
        for name in dirnames + sorted(filenames):
            if _skip(name):
                continue
            full = os.path.join(dirpath, name)
            path = "/".join(p for p in (prefix, rel, name) if p and p != ".")
            st = os.lstat(full)
            if stat.S_ISLNK(st.st_mode):
                out.append(Entry(path, "symlink", 0o777, link=os.readlink(full)))
            elif stat.S_ISDIR(st.st_mode):
                out.append(Entry(path, "dir", 0o755))
            elif stat.S_ISREG(st.st_mode):
                with open(full, "rb") as f:
                    out.append(file(path, f.read(), bool(st.st_mode & 0o111)))
            else:
                raise ValueError(f"{full}: not a file, directory or symlink")
    return out


def from_packages(repo: str, packages: tuple[str, ...], prefix: str) -> list[Entry]:
    """Our import packages, sources only."""
    out = []
    for pkg in packages:
        if not os.path.isfile(os.path.join(repo, pkg, "__init__.py")):
            raise ValueError(f"{pkg}: not a package in {repo}")
        out.append(Entry(f"{prefix}/{pkg}", "dir", 0o755))
        out += from_dir(os.path.join(repo, pkg), f"{prefix}/{pkg}")
    return out


def merge(*groups: list[Entry]) -> list[Entry]:
    """One entry per path, parents included, sorted; conflicting duplicates are errors."""
    by_path: dict[str, Entry] = {}
    for entry in (e for g in groups for e in g):
        parts = entry.path.split("/")
        for i in range(1, len(parts)):
            parent = "/".join(parts[:i])
            have = by_path.setdefault(parent, Entry(parent, "dir", 0o755))
            if have.kind != "dir":
                raise ValueError(f"{parent}: both a {have.kind} and a directory")
        have = by_path.get(entry.path)
        if have is not None and have != entry:
            raise ValueError(f"{entry.path}: two different contents")
        by_path[entry.path] = entry
    return [by_path[p] for p in sorted(by_path)]


def write(entries: list[Entry], root: str) -> None:
    """Materialise entries under root (which may exist), as ``tar -x`` would, minus owners."""
    for e in sorted(entries, key=lambda e: e.path):
        path = os.path.join(root, *e.path.split("/"))
        if e.kind == "dir":
            os.makedirs(path, exist_ok=True)
            os.chmod(path, e.mode)
        elif e.kind == "symlink":
            if os.path.lexists(path):
                os.unlink(path)
            os.symlink(e.link, path)
        else:
            with open(path, "wb") as f:
                f.write(e.data)
            os.chmod(path, e.mode)
