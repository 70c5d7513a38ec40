"""``--user`` resolved against the image's /etc/passwd and /etc/group, as docker does.

Pure: the caller reads the files (from the root the container will see) and
passes their text.  Rules, docker's:

* ``name`` must exist in passwd; a number need not (then gid 0, HOME ``/``);
* without ``:group`` the primary group is passwd's (0 if unknown);
* ``:group`` is a number or a name from group;
* supplementary groups: every group that lists the user's name as a member
  (docker adds them; an explicit ``:group`` does not remove them);
* HOME is passwd's home, ``/`` if unknown (root with no passwd: ``/root``).
"""
from __future__ import annotations

from dataclasses import dataclass

from init.sandbox.spec import SpecError


@dataclass(frozen=True)
class User:
    uid: int
    gid: int
    groups: tuple[int, ...]
    home: str


def _table(text: str, width: int) -> list[list[str]]:
    rows = []
    for line in text.splitlines():
        if line and not line.startswith("#"):
            f = line.split(":")
            if len(f) >= width:
                rows.append(f)
    return rows


def _number(s: str) -> int | None:
    return int(s) if s.isdigit() else None


def resolve_user(spec: str, passwd: str, group: str) -> User:
    """``spec`` is ``""`` (root), ``user``, ``uid``, ``user:group`` or ``uid:gid``."""
    uspec, _, gspec = (spec or "0").partition(":")
    pw = _table(passwd, 7)
    gr = _table(group, 4)
    uid = _number(uspec)
    entry = next((r for r in pw if (r[2] == uspec if uid is not None else r[0] == uspec)), None)
    if entry is None and uid is None:
        raise SpecError(f"unable to find user {uspec}: no matching entries in passwd file")
    if entry is not None:
        uid = int(entry[2]) if entry[2].isdigit() else uid
    assert uid is not None
    name = entry[0] if entry else None
    home = entry[5] if entry and entry[5] else ("/root" if uid == 0 else "/")
    gid = int(entry[3]) if entry and entry[3].isdigit() else 0
    if gspec:
        g = _number(gspec)
        if g is None:
            row = next((r for r in gr if r[0] == gspec), None)
            if row is None or not row[2].isdigit():
                raise SpecError(f"unable to find group {gspec}: no matching entries in group file")
            g = int(row[2])
        gid = g
    groups = sorted({int(r[2]) for r in gr
                     if name and r[2].isdigit() and name in r[3].split(",")})
    return User(uid, gid, tuple(groups), home)
