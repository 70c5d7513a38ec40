"""preinit's decisions about /run, as pure functions (init.md §4.2).

Why separate: the ownership matrix (root, gid-0 setups, single-uid
mappings, Kubernetes' world-writable /run) decides whether a container
starts at all, and every branch can be checked from numbers alone.
"""
from __future__ import annotations

PROG = "/package/admin/s6-overlay/libexec/preinit"

_BITS = ((0o001, "ox"), (0o002, "ow"), (0o004, "or"), (0o010, "gx"), (0o020, "gw"),
         (0o040, "gr"), (0o100, "ux"), (0o200, "uw"), (0o400, "ur"), (0o1000, "os"),
         (0o2000, "gs"), (0o4000, "us"))

# How to prepare /run when the container cannot fix it itself (s6py's addition
# to preinit's fatal messages: USER containers cannot count on a setuid helper).
RUN_HELP = ("To fix it, give the container a /run it owns: `docker run --tmpfs "
            "/run:exec,mode=0755,uid=UID,gid=GID` (Kubernetes: an emptyDir volume on /run "
            "with fsGroup), or in the Dockerfile `RUN mkdir -p /run && chown UID:GID /run` "
            "before `USER`; a root-owned /run with mode 1777 also works.")


def perms(mode: int) -> str:
    """s6-overlay-stat's ``perms``: set bits as two-letter tokens in a fixed order."""
    return "".join(tok for bit, tok in _BITS if mode & bit)


def run_help(uid: int, gid: int) -> str:
    return RUN_HELP.replace("UID", str(uid)).replace("GID", str(gid))


def ownership(run_uid: int, run_gid: int, run_mode: int, uid: int, gid: int, euid: int,
              egid: int, world_ok: bool) -> tuple[str, str]:
    """What to do about /run's owner: (action, message).

    action: "" (nothing to do), "fix" (chown to uid:gid, chmod 0755; info),
    "info", "warning", or "fatal" (exit 100).
    """
    if run_uid == uid:
        return "", ""
    p = perms(run_mode)
    if euid == 0:
        return "fix", f"/run belongs to uid {run_uid} instead of {uid} - fixing it"
    if gid == 0 and run_gid == 0:
        if "gxgwgr" in p and "ow" not in p:
            return "info", "using /run with gid 0"
        return "fatal", "wrong permissions on /run for a gid 0 setup"
    c = "g" if run_gid == egid else "o"
    rwx = run_mode & (0o070 if c == "g" else 0o007) == (0o070 if c == "g" else 0o007)
    sticky = bool(run_mode & 0o1000) and (c == "o" or bool(run_mode & 0o2000))
    if run_uid == 0 and rwx and sticky:
        return "warning", (f"/run belongs to uid {run_uid} instead of {uid}, but we can still "
                           "work in single-uid mapping.")
    if run_uid == 0 and run_mode & 0o770 == 0o770 and world_ok:
        what = "IS WORLD WRITABLE" if run_mode & 0o002 else "IS GROUP WRITABLE"
        return "warning", (f"/run belongs to uid {run_uid} instead of {uid}, {what}, and we're "
                           "lacking the privileges to fix it, but we have been instructed to "
                           "accept it.")
    return "fatal", (f"/run belongs to uid {run_uid} instead of {uid}, has insecure and/or "
                     "unworkable permissions, and we're lacking the privileges to fix it.")


def has_noexec(options: str) -> bool:
    return "noexec" in options.split(",")


_KEPT = {"nosuid": 2, "nodev": 4, "noatime": 1024, "nodiratime": 2048,
         "relatime": 1 << 21, "strictatime": 1 << 24}
MS_REMOUNT = 32


def remount_rw_exec_flags(options: str) -> int:
    """mount(2) flags for ``mount -o remount,rw,exec``: the current ones minus ro and noexec."""
    flags = MS_REMOUNT
    for opt in options.split(","):
        flags |= _KEPT.get(opt, 0)
    return flags
