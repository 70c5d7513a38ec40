"""s6-setuidgid, s6-envuidgid, s6-applyuidgid (s6 2.11's rules, checked against it).

s6-setuidgid ACCOUNT is ``s6-envuidgid ACCOUNT s6-applyuidgid -Uz`` (so its
errors carry those names, as with the real one); ``uid:gid`` skips the
lookup: ``s6-applyuidgid -u uid -g gid -G ""``.

s6-applyuidgid: a uid or gid of 0 means "leave it"; the supplementary list
is only set when -G or -U gave one, and then always starts with the gid
(the process's egid when none was given), as skalibs' setgroups_and_gid
does: GIDLIST=2,3 with GID=1 gives groups 1,2,3.
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
NGROUPS_MAX = 65536
_LIST_SEPS = ",:; \t\r\n"


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


def scan_uint(text: str) -> tuple[int, int]:
    """skalibs' uint32_scan: (value, characters used) of a decimal prefix; (0, 0) if none."""
    value = n = 0
    while n < len(text) and "0" <= text[n] <= "9":
        nxt = value * 10 + ord(text[n]) - 48
        if nxt > 0xFFFFFFFF:
            break
        value, n = nxt, n + 1
    return value, n


def scan_list(text: str, limit: int = NGROUPS_MAX) -> tuple[list[int], int]:
    """skalibs' gid_scanlist: numbers separated by any of ``,:; \\t\\r\\n``; (list, used)."""
    out: list[int] = []
    pos = 0
    while pos < len(text) and len(out) < limit:
        v, w = scan_uint(text[pos:])
        if not w:
            break
        out.append(v)
        pos += w
        while pos < len(text) and text[pos] in _LIST_SEPS:
            pos += 1
    return out, pos


def _defaults(text: str) -> tuple[int, int, list[int]] | None:
    """-D uid:gid:gidlist (each part may be empty, meaning 0); None if malformed."""
    uid, n = scan_uint(text)
    if not n and text[:1] != ":":
        return None
    rest = text[n:]
    if not rest:
        return uid, 0, []
    if rest[0] != ":":
        return None
    rest = rest[1:]
    if not rest:
        return uid, 0, []
    gid, n = scan_uint(rest)
    if not n and rest[:1] != ":":
        return None
    rest = rest[n:]
    if not rest:
        return uid, gid, []
    if rest[0] != ":":
        return None
    rest = rest[1:]
    if not rest:
        return uid, gid, []
    tab, used = scan_list(rest)
    return (uid, gid, tab) if used else None


def envuidgid(ctx: Context, argv: list[str]) -> list[str]:
    """-n turns the account form into user:group (UID and GID, no GIDLIST)
    with numeric fallback; the group part is looked up before the user."""
    prog = "s6-envuidgid"
    try:
        opts, i = getopt(argv, "ugBniD:")
    except OptionError:
        raise usage(prog, ENVUIDGID_USAGE) from None
    what, numeric, insist = 7, False, True
    uid, gid, tab = 0, 0, []
    for c, a in opts:
        if c in "ugB":
            what = {"u": 1, "g": 2, "B": 3}[c]
        elif c == "n":
            what &= 3
            numeric = True
        elif c == "i":
            insist = True
        else:
            d = _defaults(a)
            if d is None:
                raise usage(prog, ENVUIDGID_USAGE)
            uid, gid, tab = d
            insist = False
    if len(argv) - i < 2:
        raise usage(prog, ENVUIDGID_USAGE)
    account = argv[i]
    user: str | None = account if what in (1, 3, 7) else None
    group: str | None = account if what == 2 else None
    if what == 3 and ":" in account:
        u, _, g = account.partition(":")
        user, group = (u or None), (g or None)
    if group is not None:
        found = _group(group)
        if found is not None:
            gid = found
        elif numeric and scan_uint(group)[1]:
            gid = scan_uint(group)[0]
        elif insist:
            raise fatal(prog, 1, f"unknown group: {group}")
    if user is not None:
        pw = _user(user)
        if pw is not None:
            uid = pw.pw_uid
            if what == 7:
                tab, gid = supplementary(account), pw.pw_gid
        elif numeric and scan_uint(user)[1]:
            uid = scan_uint(user)[0]
        elif insist:
            raise fatal(prog, 1, f"unknown user: {user}")
    env = ctx.env
    if what & 1:
        env["UID"] = str(uid)
    if what & 2:
        env["GID"] = str(gid)
    if what & 4:
        env["GIDLIST"] = ",".join(map(str, tab))
    return argv[i + 1:]


def apply_ids(uid: int, gid: int, groups: list[int] | None) -> None:
    """setgroups (gid first), setgid, setuid, skipping 0s; messages as s6-applyuidgid's."""
    prog = "s6-applyuidgid"
    if groups is not None:
        try:
            os.setgroups(with_gid(gid or os.getegid(), groups))
        except OSError as e:
            raise syserr(prog, "unable to set supplementary group list", e) from None
    try:
        if gid:
            os.setgid(gid)
    except OSError as e:
        raise syserr(prog, "unable to setgid", e) from None
    try:
        if uid:
            os.setuid(uid)
    except OSError as e:
        raise syserr(prog, "unable to setuid", e) from None


def with_gid(gid: int, groups: list[int]) -> list[int]:
    """The list setgroups_and_gid sets: gid first, then the others in their order."""
    if not groups:
        return [gid]
    if groups[0] == gid:
        return list(groups)
    if gid in groups[1:]:
        k = groups.index(gid, 1)
        return [gid] + groups[:k] + groups[k + 1:]
    return [gid] + list(groups)


def env_id(env: dict[str, str], var: str, prog: str = "s6-applyuidgid") -> int:
    """$UID / $GID as s6-applyuidgid and s6-chown read them (exit 100 if bad)."""
    text = env.get(var)
    if text is None:
        raise fatal(prog, 100, f"{var} not set")
    v = uint(text)
    if v is None:
        raise fatal(prog, 100, f"invalid ${var}")
    return v


def applyuidgid(ctx: Context, argv: list[str]) -> list[str]:
    prog = "s6-applyuidgid"
    try:
        opts, i = getopt(argv, "zUu:g:G:")
    except OptionError:
        raise usage(prog, APPLY_USAGE) from None
    uid = gid = 0
    groups: list[int] | None = None
    unexport = False
    env = ctx.env
    for c, a in opts:
        if c == "z":
            unexport = True
        elif c == "U":
            uid, gid = env_id(env, "UID"), env_id(env, "GID")
            text = env.get("GIDLIST")
            if text is None:
                raise fatal(prog, 100, "GIDLIST not set")
            groups, used = scan_list(text, NGROUPS_MAX + 1)
            if not used and text:
                raise fatal(prog, 100, "invalid $GIDLIST")
        elif c == "G":
            groups, used = scan_list(a)
            if not used and a:
                raise usage(prog, APPLY_USAGE)
        else:
            v = uint(a)
            if v is None:
                raise usage(prog, APPLY_USAGE)
            if c == "u":
                uid = v
            else:
                gid = v
    if i >= len(argv):
        raise usage(prog, APPLY_USAGE)
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
        apply = ["s6-applyuidgid", "-u", u, "-g", g, "-G", "", "--"]
    else:
        ctx.prog = "s6-envuidgid"
        envuidgid(ctx, ["s6-envuidgid", account, "x"])
        apply = ["s6-applyuidgid", "-Uz", "--"]
    ctx.prog = "s6-applyuidgid"  # the program that execs the rest, as with the real one
    return applyuidgid(ctx, apply + argv[2:])
