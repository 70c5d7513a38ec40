"""An Alpine-like root: busybox as /bin/sh and every command, python3, nothing else.

Why: Alpine images (a busybox userland, a python3 package) are a common
base for s6-overlay, but an Alpine minirootfs and Alpine's packages are not
reachable from here, and neither is musl.  What can be built is the same
shape on glibc: debootstrap a bullseye root with ``busybox`` and ``python3``,
then copy out only the files of those two packages and of what they depend
on (dpkg's own status and file lists say which), and link every busybox
applet where ``busybox --install -s`` would.  The result has no dash, bash,
coreutils, util-linux, findutils, sed or grep of its own: a shim or a
script that assumes any of them fails there.  What it does not cover: musl
itself (the loader, its libc's behaviour) and Alpine's own python3 build.

``python3``, not ``python3-minimal``: the latter lacks modules s6py and its
dependencies import (json, shutil, dataclasses, gettext for click, ctypes
for watchdog...), as no Alpine python3 does.

Cached like the Debian roots (``debian.cached``); ``closure`` and ``parse``
are pure and tested directly (test_busybox_pure).
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess

from tests.e2e import debian

SUITE = "bullseye"           # python3.9: the overlay's floor
WANTED = ("busybox", "python3")
# Needed only by maintainer scripts (python3's postinsts run dpkg, debconf and perl), not
# at run time.
SKIP = frozenset({"dpkg", "debconf", "perl-base"})
RECIPE = "1"  # bump when the way the root is carved changes
# Copied from the full root: accounts, the loader's cache, the resolver's switch.
ETC = ("etc/passwd", "etc/group", "etc/shadow", "etc/ld.so.cache", "etc/nsswitch.conf",
       "etc/host.conf")
OS_RELEASE = ('PRETTY_NAME="busybox + python3-minimal on Debian bullseye (s6py tests)"\n'
              "ID=s6py-busybox\nVERSION_CODENAME=busybox\n")


def parse(status: str) -> dict[str, dict[str, str]]:
    """dpkg's status file -> installed package name -> its fields (continuations joined)."""
    out = {}
    for para in status.split("\n\n"):
        fields: dict[str, str] = {}
        key = ""
        for line in para.splitlines():
            if line[:1] in (" ", "\t") and key:
                fields[key] += "\n" + line.strip()
            elif ":" in line:
                key, _, value = line.partition(":")
                fields[key] = value.strip()
        if fields.get("Package") and fields.get("Status", "").endswith(" installed"):
            out[fields["Package"]] = fields
    return out


def _names(field: str) -> list[list[str]]:
    """``a (>= 1), b:any | c`` -> [["a"], ["b", "c"]]."""
    return [[re.split(r"[\s:(]", alt.strip(), maxsplit=1)[0] for alt in group.split("|")]
            for group in field.split(",") if group.strip()]


def closure(packages: dict[str, dict[str, str]], wanted: tuple[str, ...],
            skip: frozenset[str] = SKIP) -> list[str]:
    """wanted and everything they Depend/Pre-Depend on, in sorted order (the first installed
    alternative of each group, a virtual package through what Provides it)."""
    provides: dict[str, str] = {}
    for name, fields in sorted(packages.items()):
        for group in _names(fields.get("Provides", "")):
            provides.setdefault(group[0], name)
    seen: set[str] = set()
    queue = list(wanted)
    while queue:
        name = queue.pop()
        name = name if name in packages else provides.get(name, name)
        if name in seen or name in skip:
            continue
        if name not in packages:
            raise ValueError(f"{name}: not installed")
        seen.add(name)
        for field in ("Pre-Depends", "Depends"):
            for group in _names(packages[name].get(field, "")):
                found = [a for a in group if a in packages or a in provides]
                if not found:
                    raise ValueError(f"{name}: none of {' | '.join(group)} is installed")
                queue.append(found[0])
    return sorted(seen)


def _file_list(full: str, package: str) -> list[str]:
    info = os.path.join(full, "var/lib/dpkg/info")
    for name in (f"{package}.list", f"{package}:amd64.list", f"{package}:arm64.list"):
        if os.path.exists(os.path.join(info, name)):
            with open(os.path.join(info, name)) as f:
                return [line.strip() for line in f if line.strip() not in ("", "/.")]
    raise ValueError(f"{package}: no file list in {info}")


def _copy(full: str, root: str, rel: str) -> None:
    src, dst = os.path.join(full, rel), os.path.join(root, rel)
    if os.path.lexists(dst):
        return
    os.makedirs(os.path.realpath(os.path.dirname(dst)), exist_ok=True)  # through bin -> usr/bin
    if os.path.islink(src):
        os.symlink(os.readlink(src), dst)
    elif os.path.isdir(src):
        os.mkdir(dst, os.stat(src).st_mode & 0o7777)
    elif os.path.isfile(src):
        shutil.copy2(src, dst)


def carve(full: str, root: str) -> list[str]:
    """The files of WANTED's closure from full into root, plus busybox's applet links;
    returns the packages copied."""
    with open(os.path.join(full, "var/lib/dpkg/status")) as f:
        packages = closure(parse(f.read()), WANTED)
    os.makedirs(root)
    for top in ("bin", "sbin", "lib", "lib32", "lib64", "libx32"):  # merged-/usr links first
        if os.path.islink(os.path.join(full, top)):
            _copy(full, root, top)
    for package in packages:
        for path in _file_list(full, package):
            _copy(full, root, path.lstrip("/"))
    for rel in ETC:
        if os.path.exists(os.path.join(full, rel)):
            _copy(full, root, rel)
    with open(os.path.join(root, "etc/os-release"), "w") as f:
        f.write(OS_RELEASE)
    for d, mode in (("tmp", 0o1777), ("proc", 0o555), ("sys", 0o555), ("dev", 0o755),
                    ("run", 0o755), ("root", 0o700), ("var/log", 0o755), ("var/tmp", 0o1777)):
        os.makedirs(os.path.join(root, d), exist_ok=True)
        os.chmod(os.path.join(root, d), mode)
    applets = subprocess.run(["chroot", root, "/bin/busybox", "--list-full"], check=True,
                             capture_output=True, text=True, timeout=60).stdout.split()
    for applet in applets:   # e.g. bin/sh, usr/bin/env: as `busybox --install -s` would
        path = os.path.join(root, applet)
        if not os.path.lexists(path):
            os.makedirs(os.path.realpath(os.path.dirname(path)), exist_ok=True)
            os.symlink("/bin/busybox", path)
    return packages


def busybox_root() -> tuple[str, float]:
    """(the carved root, seconds spent building it now)."""
    name = f"busybox-{SUITE}-{debian.key(SUITE, *WANTED, *sorted(SKIP), RECIPE)}"

    def make(dest: str) -> None:
        debian.debootstrap(dest, SUITE, WANTED)
        packages = carve(os.path.join(dest, "root"), os.path.join(dest, "busybox"))
        with open(os.path.join(dest, "packages"), "w") as f:
            f.write("".join(p + "\n" for p in packages))
        shutil.rmtree(os.path.join(dest, "root"))

    path, spent = debian.cached(name, make)
    return os.path.join(path, "busybox"), spent
