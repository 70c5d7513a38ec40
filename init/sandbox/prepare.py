"""Everything decided before the fork: checks, user lookup, environment, mount plan.

Runs in the runner, so every error here (a ``SpecError``) is reported
before any namespace or mount exists.  ``Prepared`` is what PID 1 gets.
"""
from __future__ import annotations

import os
import secrets
import sys
import tempfile
from dataclasses import dataclass, field

from init.sandbox.plan import Step, nested_layers, plan
from init.sandbox.spec import Config, SpecError, check_overlay_path, container_path, environment
from init.sandbox.users import User, resolve_user

CAP_SYS_ADMIN = 21


@dataclass
class Prepared:
    """Everything PID 1 needs, resolved by the runner before the fork."""
    state: str
    lowers: list[str]
    upper_on_tmpfs: bool
    steps: list[Step]
    argv: list[str]
    env: dict[str, str]
    user: User
    hostname: str
    workdir: str = "/"
    read_only: bool = False
    network: str = "none"
    interactive: bool = False
    userxattr: bool = False
    copy_layers: list[int] = field(default_factory=list)


def has_cap_sys_admin(status_text: str) -> bool:
    """From /proc/self/status: is CAP_SYS_ADMIN in the effective set?"""
    for line in status_text.splitlines():
        if line.startswith("CapEff:"):
            return bool(int(line.split()[1], 16) >> CAP_SYS_ADMIN & 1)
    return False


def in_initial_userns(uid_map_text: str) -> bool:
    """/proc/self/uid_map of the initial user namespace maps all 2^32 ids onto themselves."""
    return uid_map_text.split() == ["0", "0", "4294967295"]


def _read_image_file(lowers: list[str], rel: str) -> str:
    for layer in reversed(lowers):  # the top layer wins, as in the merged view
        try:
            with open(os.path.join(layer, rel), encoding="utf-8", errors="replace") as f:
                return f.read()
        except OSError:
            continue
    return ""


def prepare(cfg: Config) -> Prepared:
    """Every check that can fail before anything is created; raises SpecError."""
    if not sys.platform.startswith("linux"):
        raise SpecError("needs Linux (namespaces and overlayfs)")
    with open("/proc/self/status") as f:
        if not has_cap_sys_admin(f.read()):
            raise SpecError("needs root (CAP_SYS_ADMIN) to create namespaces and mounts; run it "
                            "as root, or inside a user namespace (unshare --user --map-root-user)")
    lowers = [os.path.abspath(p) for p in [cfg.rootfs] + list(cfg.layers)]
    for path in lowers:
        if not os.path.isdir(path):
            raise SpecError(f"{path}: not a directory")
        check_overlay_path(path, "root filesystem")
    for b in cfg.binds:
        if not os.path.exists(b.source):
            raise SpecError(f"--bind: {b.source}: no such file or directory")
    if not cfg.entrypoint:
        raise SpecError("empty entrypoint")
    if cfg.network not in ("none", "host"):
        raise SpecError(f"--network: {cfg.network!r} is not one of none, host")
    user = resolve_user(cfg.user, _read_image_file(lowers, "etc/passwd"),
                        _read_image_file(lowers, "etc/group"))
    hostname = cfg.hostname or secrets.token_hex(6)
    check_overlay_path(os.path.abspath(cfg.tmpdir or tempfile.gettempdir()), "--tmpdir")
    state = tempfile.mkdtemp(prefix="s6py-sandbox-", dir=cfg.tmpdir)
    with open("/proc/self/uid_map") as f:
        userxattr = not in_initial_userns(f.read())
    return Prepared(state=state, userxattr=userxattr, copy_layers=nested_layers(lowers), lowers=lowers, upper_on_tmpfs=not cfg.keep, steps=plan(cfg),
                    argv=cfg.argv, env=environment(cfg, hostname, user.home), user=user,
                    hostname=hostname, workdir=container_path(cfg.workdir, "-w"),
                    read_only=cfg.read_only, network=cfg.network, interactive=cfg.interactive)
