"""Dropping privileges after the socket is bound (s6-socklog semantics).

A uid or gid of 0 means "leave it as it is".  A supplementary list (from
``-G`` or ``-U``) is applied together with the gid, or the current egid
when no gid is given, so ``-u 65534 -g 65534 -G 100,200`` gives groups
{100, 200, 65534}; without a list the groups are left alone.  The order is
groups, gid, uid: after setuid the others are no longer allowed.
"""

from __future__ import annotations

import os


class PrivilegeError(Exception):
    """Which call failed (for the s6-style message) and the OSError."""

    def __init__(self, what: str, err: OSError) -> None:
        super().__init__(what)
        self.what = what
        self.err = err


def drop_privileges(uid: int, gid: int, gids: list[int] | None) -> None:
    if gids is not None:
        groups = list(gids)
        groups.append(gid if gid else os.getegid())
        try:
            os.setgroups(groups)
        except OSError as e:
            raise PrivilegeError("set supplementary group list", e) from None
    if gid:
        try:
            os.setgid(gid)
        except OSError as e:
            raise PrivilegeError("setgid", e) from None
    if uid:
        try:
            os.setuid(uid)
        except OSError as e:
            raise PrivilegeError("setuid", e) from None
