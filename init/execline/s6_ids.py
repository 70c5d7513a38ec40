"""s6-setuidgid, s6-envuidgid, s6-applyuidgid (behaviour observed on s6 2.11).

s6-setuidgid ACCOUNT is s6-envuidgid ACCOUNT + s6-applyuidgid -Uz (so its
errors carry those names, as with the real one); ``uid:gid`` skips the
lookup and applies the numbers with the gid as the only group.
"""
from __future__ import annotations

import grp
import os
import pwd

from .errors import fatal, syserr, usage
from .options import OptionError, getopt, uint
from .runtime import Context

ENVUIDGID_USAGE = ("s6-envuidgid [ -i | -D defaultuid:defaultgid:defaultgidlist ] "
                   "[ -u | -g | -B ] [ -n ] account prog...")
APPLY_USAGE = "s6-applyuidgid [ -z ] [ -u uid ] [ -g gid ] [ -G gidlist ] [ -U ] prog..."


def _user(name: str):
    try:
        return pwd.getpwnam(name)
    except (KeyError, ValueError):
        return None


def _group(name: str) -> int | None:
    try:
        return grp.getgrnam(name).gr_gid
    except (KeyError, ValueError):
        return None


def supplementary(name: str) -> list[int]:
    """Groups that list name as a member, in group-file order."""
    return [g.gr_gid for g in grp.getgrall() if name in g.gr_mem]


def _parse_default(text: str) -> tuple[int, int, str] | None:
    parts = text.split(":", 2)
    uid = uint(parts[0])
    gid = uint(parts[1]) if len(parts) > 1 and parts[1] else 0
    if uid is None or gid is None:
        return None
    return uid, gid, parts[2] if len(parts) > 2 else ""


def _resolve(part: str, kind: str, numeric: bool, default: int | None) -> int:
    if kind == "user":
        pw = _user(part)
        found = pw.pw_uid if pw is not None else None
    else:
        found = _group(part)
    if found is not None:
        return found
    if numeric and uint(part) is not None:
        return uint(part)  # type: ignore[return-value]
    if default is not None:
        return default
    raise fatal("s6-envuidgid", 1, f"unknown {kind}: {part}")


def envuidgid(ctx: Context, argv: list[str]) -> list[str]:
    try:
        opts, i = getopt(argv, "iD:ugBn")
    except OptionError:
        raise usage("s6-envuidgid", ENVUIDGID_USAGE) from None
    mode, numeric, dflt = "", False, None
    for c, a in opts:
        if c in "ugB":
            mode = c
        elif c == "n":
            numeric = True
        elif c == "i":
            dflt = None
        else:
            dflt = _parse_default(a)
            if dflt is None:
                raise usage("s6-envuidgid", ENVUIDGID_USAGE)
    if i >= len(argv):
        raise usage("s6-envuidgid", ENVUIDGID_USAGE)
    account, env = argv[i], ctx.env
    if mode == "u":
        env["UID"] = str(_resolve(account, "user", numeric, dflt and dflt[0]))
    elif mode == "g":
        env["GID"] = str(_resolve(account, "group", numeric, dflt and dflt[1]))
    elif mode == "B":
        u, _, g = account.partition(":")
        gid = _resolve(g, "group", numeric, dflt[1] if dflt else None) if g else 0
        env["UID"] = str(_resolve(u, "user", numeric, dflt[0] if dflt else None) if u else 0)
        env["GID"] = str(gid)
    else:
        pw = _user(account)
        if pw is not None:
            env["UID"], env["GID"] = str(pw.pw_uid), str(pw.pw_gid)
            env["GIDLIST"] = ",".join(str(g) for g in supplementary(account))
        elif dflt is not None:
            env["UID"], env["GID"], env["GIDLIST"] = str(dflt[0]), str(dflt[1]), dflt[2]
        elif numeric:
            u, _, g = account.partition(":")
            uid, gid = uint(u), uint(g) if g else 0
            if uid is None or gid is None:
                raise fatal("s6-envuidgid", 1, f"unknown user: {account}")
            env["UID"], env["GID"] = str(uid), str(gid)
        else:
            raise fatal("s6-envuidgid", 1, f"unknown user: {account}")
    return argv[i + 1:]


def _gidlist(text: str) -> list[int] | None:
    if text == "":
        return []
    out = [uint(x) for x in text.split(",")]
    return None if None in out else out  # type: ignore[return-value]


def apply_ids(uid: int | None, gid: int | None, groups: list[int] | None) -> None:
    """setgroups, setgid, setuid (in that order); messages as s6-applyuidgid's."""
    prog = "s6-applyuidgid"
    try:
        if groups is not None:
            os.setgroups(groups)
    except OSError as e:
        raise syserr(prog, "unable to set supplementary group list", e) from None
    try:
        if gid is not None:
            os.setgid(gid)
    except OSError as e:
        raise syserr(prog, "unable to setgid", e) from None
    try:
        if uid is not None:
            os.setuid(uid)
    except OSError as e:
        raise syserr(prog, "unable to setuid", e) from None


def applyuidgid(ctx: Context, argv: list[str]) -> list[str]:
    prog = "s6-applyuidgid"
    try:
        opts, i = getopt(argv, "zu:g:G:U")
    except OptionError:
        raise usage(prog, APPLY_USAGE) from None
    uid = gid = None
    groups: list[int] | None = None
    unexport = False
    env = ctx.env
    for c, a in opts:
        if c == "z":
            unexport = True
        elif c == "U":
            for var in ("UID", "GID", "GIDLIST"):
                if var not in env:
                    raise fatal(prog, 100, f"{var} not set")
            uid, gid, groups = uint(env["UID"]), uint(env["GID"]), _gidlist(env["GIDLIST"])
            for var, val in (("UID", uid), ("GID", gid), ("GIDLIST", groups)):
                if val is None:
                    raise fatal(prog, 100, f"invalid ${var}")
        else:
            val = _gidlist(a) if c == "G" else uint(a)
            if val is None:
                raise usage(prog, APPLY_USAGE)
            if c == "u":
                uid = val  # type: ignore[assignment]
            elif c == "g":
                gid = val  # type: ignore[assignment]
            else:
                groups = val  # type: ignore[assignment]
    if i >= len(argv):
        raise usage(prog, APPLY_USAGE)
    if groups is None and gid is not None:
        groups = [gid]
    apply_ids(uid, gid, groups)
    if unexport:
        for var in ("UID", "GID", "GIDLIST"):
            env.pop(var, None)
    return argv[i:]


def setuidgid(ctx: Context, argv: list[str]) -> list[str]:
    if len(argv) < 3:
        raise usage("s6-setuidgid", "s6-setuidgid username prog...")
    account = argv[1]
    if account == "":
        return argv[2:]
    if ":" in account:
        u, _, g = account.partition(":")
        return applyuidgid(ctx, ["s6-applyuidgid", "-u", u, "-g", g, "-G", g] + argv[2:])
    rest = envuidgid(ctx, ["s6-envuidgid", account, "x"])
    del rest
    return applyuidgid(ctx, ["s6-applyuidgid", "-Uz"] + argv[2:])
