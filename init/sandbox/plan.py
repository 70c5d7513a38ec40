"""The sandbox's mounts as data: what PID 1 does once it stands in the new root.

Pure.  ``plan(cfg)`` lists steps in container paths, in order; ``setup``
carries them out after ``pivot_root``, while the host's root is still
reachable under ``OLDROOT`` (bind sources are host paths, read through it).
Symlinks in the image therefore resolve inside the container, never on the
host.  ``optional`` steps may fail (``/sys`` cannot be mounted everywhere).
"""
from __future__ import annotations

from dataclasses import dataclass

from init.sandbox.spec import (
    MS_BIND,
    MS_NODEV,
    MS_NOEXEC,
    MS_NOSUID,
    MS_RDONLY,
    MS_REC,
    Config,
)

OLDROOT = "/.s6py-sandbox-oldroot"
DEV_NODES = ("null", "zero", "full", "random", "urandom", "tty")
DEV_LINKS = (("/proc/self/fd", "/dev/fd"), ("/proc/self/fd/0", "/dev/stdin"),
             ("/proc/self/fd/1", "/dev/stdout"), ("/proc/self/fd/2", "/dev/stderr"),
             ("pts/ptmx", "/dev/ptmx"))
NOSUID_NODEV_NOEXEC = MS_NOSUID | MS_NODEV | MS_NOEXEC


@dataclass(frozen=True)
class Step:
    """op: mkdir | touch | symlink | mount | bind | remount-ro.

    mount: ``mount(source, path, fstype, flags, data)``; bind: the host's
    ``source`` bound (recursively) on ``path``; remount-ro: ``path``'s mount
    made read-only, keeping its other per-mount flags.
    """
    op: str
    path: str
    source: str = ""
    fstype: str = ""
    flags: int = 0
    data: str = ""
    mode: int = 0o755
    optional: bool = False


def overlay_options(lowers: list[str], upper: str, work: str, userxattr: bool = False) -> str:
    """lowers bottom first (ROOTFS, then each --layer); overlayfs wants the top first.

    ``userxattr``: inside a user namespace overlayfs may not use trusted.*
    xattrs and needs this option (Linux >= 5.11).
    """
    opts = f"lowerdir={':'.join(reversed(lowers))},upperdir={upper},workdir={work}"
    return opts + ",userxattr" if userxattr else opts


def nested_layers(lowers: list[str]) -> list[int]:
    """Indices of the layers that lie inside another one (e.g. any --layer when ROOTFS is /).

    overlayfs refuses a lower directory below another lower directory
    (ELOOP, "overlapping lowerdir path"), so these are copied into the
    sandbox's state directory first.
    """
    def inside(a: str, b: str) -> bool:
        return a != b and (b == "/" or a.startswith(b.rstrip("/") + "/"))
    return [i for i, a in enumerate(lowers) if any(inside(a, b) for b in lowers)]


def _mount(path: str, fstype: str, flags: int, data: str = "", optional: bool = False):
    return [Step("mkdir", path), Step("mount", path, fstype, fstype, flags, data,
                                       optional=optional)]


def _dev() -> list[Step]:
    steps = _mount("/dev", "tmpfs", MS_NOSUID, "mode=755,size=65536k")
    for name in DEV_NODES:
        steps += [Step("touch", f"/dev/{name}", mode=0o666),
                  Step("bind", f"/dev/{name}", source=f"/dev/{name}")]
    steps += _mount("/dev/pts", "devpts", MS_NOSUID | MS_NOEXEC,
                    "newinstance,ptmxmode=0666,mode=0620,gid=5")
    steps += _mount("/dev/shm", "tmpfs", NOSUID_NODEV_NOEXEC, "mode=1777,size=65536k")
    steps += _mount("/dev/mqueue", "mqueue", NOSUID_NODEV_NOEXEC, optional=True)
    steps += [Step("symlink", path, source=target) for target, path in DEV_LINKS]
    return steps


def _depth(path: str) -> int:
    return len([p for p in path.split("/") if p])


def plan(cfg: Config) -> list[Step]:
    """Every step after pivot_root, before the switch to read-only and the exec."""
    steps = _mount("/proc", "proc", NOSUID_NODEV_NOEXEC)
    steps += _mount("/sys", "sysfs", NOSUID_NODEV_NOEXEC | MS_RDONLY, optional=True)
    steps += _dev()
    if cfg.run_tmpfs:
        steps += _mount("/run", "tmpfs", MS_NOSUID | MS_NODEV, "mode=755")
    # parents before children, whatever order the options came in
    user = sorted([(t.target, 0, t) for t in cfg.tmpfs] + [(b.target, 1, b) for b in cfg.binds],
                  key=lambda e: _depth(e[0]))
    for target, kind, m in user:
        if kind == 0:
            steps += _mount(target, "tmpfs", m.flags, m.data)
            continue
        steps.append(Step("mkdir" if m.is_dir else "touch", target, mode=0o755))
        steps.append(Step("bind", target, source=m.source, flags=MS_BIND | MS_REC))
        if m.readonly:
            steps.append(Step("remount-ro", target))
    steps.append(Step("mkdir", cfg.workdir))
    return steps
