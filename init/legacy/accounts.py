"""fix-attrs' account column, resolved as ``s6-envuidgid`` does it (pure; init.md §12.2).

``account[,fallback]``: the fallback ``uid:gid[:gidlist]`` (missing gid: 0)
is used when a lookup fails; without one a failed lookup is an error.
``user:group`` looks each side up by name, then takes it as a number if it
is all digits, then the fallback; an empty side is 0 (so ``daemon:`` gives
gid 0, DECISIONS #11).  A bare ``user`` takes the user's primary group.
"""
from __future__ import annotations

# Lookups are injected (tests use tables): user(name) -> (uid, primary gid) or
# None, group(name) -> gid or None.  No typing import: this runs at every boot.


class AccountError(ValueError):
    """The line fails, with s6-envuidgid's message."""


def _fallback(text: str) -> tuple[int, int]:
    parts = text.split(":")
    uid = parts[0]
    gid = parts[1] if len(parts) > 1 else ""
    if not uid.isdigit() or (gid and not gid.isdigit()):
        raise AccountError("s6-envuidgid: usage: s6-envuidgid [ -i | -D defaultuid:defaultgid"
                           ":defaultgidlist ] [ -u | -g | -B ] [ -n ] account prog...")
    return int(uid), int(gid) if gid else 0


def resolve(entry: str, user, group) -> tuple[int, int]:
    """(uid, gid) for a fix-attrs account entry; AccountError if it cannot be resolved."""
    account, comma, rest = entry.partition(",")
    fb = _fallback(rest) if comma else None
    if ":" not in account:
        found = user(account)
        if found is not None:
            return found
        if fb is not None:
            return fb
        raise AccountError(f"s6-envuidgid: fatal: unknown user: {account}")
    u, _, g = account.partition(":")
    return (_side(u, "user", lambda n: (user(n) or (None,))[0], fb and fb[0]),
            _side(g, "group", group, fb and fb[1]))


def _side(part: str, kind: str, lookup, default: int | None) -> int:
    if part == "":
        return 0
    found = lookup(part)
    if found is not None:
        return found
    if part.isdigit():
        return int(part)
    if default is not None:
        return default
    raise AccountError(f"s6-envuidgid: fatal: unknown {kind}: {part}")


def system_user(name: str) -> tuple[int, int] | None:
    import pwd
    try:
        pw = pwd.getpwnam(name)
    except (KeyError, ValueError):
        return None
    return pw.pw_uid, pw.pw_gid


def system_group(name: str) -> int | None:
    import grp
    try:
        return grp.getgrnam(name).gr_gid
    except (KeyError, ValueError):
        return None
