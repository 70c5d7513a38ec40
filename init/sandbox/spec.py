"""The sandbox's options as data, and the parsers of their docker-style spellings.

Pure: nothing here touches the system except ``environment()``'s reading of
the host environment it is given.  Every error is a ``SpecError`` whose text
becomes ``s6py sandbox: fatal: TEXT`` (exit 125).
"""
from __future__ import annotations

import posixpath
from dataclasses import dataclass, field

DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
NETWORKS = ("none", "host")

# mount(2) flags (linux/mount.h); shared with ``plan``
MS_RDONLY = 1
MS_NOSUID = 2
MS_NODEV = 4
MS_NOEXEC = 8
MS_REMOUNT = 32
MS_BIND = 4096
MS_REC = 16384
MS_PRIVATE = 1 << 18

# --tmpfs OPTS words that are mount flags: word -> (flags to set, flags to clear)
_FLAG_WORDS = {
    "ro": (MS_RDONLY, 0), "rw": (0, MS_RDONLY),
    "nosuid": (MS_NOSUID, 0), "suid": (0, MS_NOSUID),
    "nodev": (MS_NODEV, 0), "dev": (0, MS_NODEV),
    "noexec": (MS_NOEXEC, 0), "exec": (0, MS_NOEXEC),
}
TMPFS_DEFAULT_FLAGS = MS_NOEXEC | MS_NOSUID | MS_NODEV  # docker's --tmpfs defaults


class SpecError(Exception):
    """A bad option: the message is for the user."""


@dataclass(frozen=True)
class Tmpfs:
    target: str
    flags: int = TMPFS_DEFAULT_FLAGS
    data: str = "mode=1777"


@dataclass(frozen=True)
class Bind:
    source: str
    target: str
    readonly: bool = False
    is_dir: bool = True


@dataclass
class Config:
    rootfs: str
    cmd: list[str] = field(default_factory=list)
    entrypoint: str = "/init"
    layers: list[str] = field(default_factory=list)
    env: list[tuple[str, str]] = field(default_factory=list)
    hostname: str = ""
    network: str = "none"
    user: str = ""
    workdir: str = "/"
    read_only: bool = False
    run_tmpfs: bool = True
    tmpfs: list[Tmpfs] = field(default_factory=list)
    binds: list[Bind] = field(default_factory=list)
    keep: bool = False
    interactive: bool = False
    stop_timeout: float = 10.0
    tmpdir: str | None = None

    @property
    def argv(self) -> list[str]:
        return [self.entrypoint] + list(self.cmd)


def container_path(path: str, what: str) -> str:
    """An absolute, normalised path inside the container (no ``..`` escapes)."""
    if not path.startswith("/"):
        raise SpecError(f"{what}: {path!r} is not an absolute path")
    return posixpath.normpath("/" + path.lstrip("/"))


def parse_env(specs: list[str], host: dict[str, str]) -> list[tuple[str, str]]:
    """``-e K=V`` sets, ``-e K`` copies the host's K (skipped if unset), as docker."""
    out: list[tuple[str, str]] = []
    for spec in specs:
        name, eq, value = spec.partition("=")
        if not name or "\0" in spec:
            raise SpecError(f"-e: bad variable {spec!r}")
        if eq:
            out.append((name, value))
        elif name in host:
            out.append((name, host[name]))
    return out


def parse_tmpfs(spec: str) -> Tmpfs:
    """``PATH[:OPTS]``: OPTS are mount flags (ro, noexec...) and tmpfs data (size=, mode=)."""
    path, _, opts = spec.partition(":")
    flags, data = TMPFS_DEFAULT_FLAGS, []
    for word in filter(None, opts.split(",")):
        if word in _FLAG_WORDS:
            on, off = _FLAG_WORDS[word]
            flags = (flags | on) & ~off
        else:
            data.append(word)
    if not any(d.startswith("mode=") for d in data):
        data.append("mode=1777")
    return Tmpfs(container_path(path, "--tmpfs"), flags, ",".join(data))


def parse_bind(spec: str, is_dir: bool = True) -> Bind:
    """``SRC:DST[:ro|rw]``, SRC an absolute host path."""
    parts = spec.split(":")
    if len(parts) == 3 and parts[2] in ("ro", "rw"):
        mode = parts.pop()
    elif len(parts) == 2:
        mode = "rw"
    else:
        raise SpecError(f"--bind: expected SRC:DST[:ro], got {spec!r}")
    src, dst = parts
    if not src.startswith("/"):
        raise SpecError(f"--bind: source {src!r} is not an absolute path")
    return Bind(posixpath.normpath(src), container_path(dst, "--bind"), mode == "ro", is_dir)


def check_overlay_path(path: str, what: str) -> None:
    """overlayfs option strings split on ',' and ':'; refuse rather than escape."""
    bad = set(path) & {",", ":", "\\", "\n"}
    if bad:
        raise SpecError(f"{what}: {path!r}: overlayfs cannot take a path containing "
                        + " ".join(sorted(repr(c) for c in bad)))


def environment(cfg: Config, hostname: str, home: str) -> dict[str, str]:
    """The entrypoint's whole environment: docker's defaults, then every -e."""
    env = {"PATH": DEFAULT_PATH, "HOSTNAME": hostname}
    for k, v in cfg.env:
        env[k] = v
    env.setdefault("HOME", home)
    return env
