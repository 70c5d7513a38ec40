"""Dropping privileges for the logging helpers, or saying (once) why not.

Why: logutil-service and the catch-all logger drop to another user; in a
``USER`` (non-root) container that is impossible, and s6-overlay's helpers
then fail and the logger never runs.  s6py runs them as the container's
user instead and prints one warning per container (a marker file under
/run/s6), not one per logger restart.
"""
from __future__ import annotations

import os
import sys

MARKER_DIR = "/run/s6"


def lookup(account: str, fallback: tuple[int, int] | None) -> tuple[int, int, list[int]] | None:
    """(uid, gid, supplementary gids) of a user name, ``uid:gid``, or the fallback."""
    import pwd
    try:
        pw = pwd.getpwnam(account)
    except (KeyError, ValueError):
        pw = None
    if pw is not None:
        import grp
        groups = [g.gr_gid for g in grp.getgrall() if account in g.gr_mem]
        return pw.pw_uid, pw.pw_gid, groups
    u, sep, g = account.partition(":")
    if sep and u.isdigit() and g.isdigit():
        return int(u), int(g), [int(g)]
    if fallback is not None:
        return fallback[0], fallback[1], [fallback[1]]
    return None


def say_once(prog: str, key: str, text: str) -> None:
    """Print ``prog: warning: text`` unless this container already printed it."""
    path = os.path.join(MARKER_DIR, f".s6py-warned-{key}")
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644))
    except FileExistsError:
        return
    except OSError:
        pass
    sys.stderr.write(f"{prog}: warning: {text}\n")
    sys.stderr.flush()


def drop(prog: str, account: str, fallback: tuple[int, int] | None = None) -> int:
    """Become account; 0 on success (or when not root: see say_once), else an exit code."""
    ids = lookup(account, fallback)
    if ids is None:
        sys.stderr.write(f"{prog}: fatal: unknown user: {account}\n")
        return 100
    uid, gid, groups = ids
    if os.geteuid() != 0:
        if os.geteuid() != uid:
            say_once(prog, f"{prog}-{account}",
                     f"not root (uid {os.geteuid()}): running as the container's user instead "
                     f"of {account}")
        return 0
    try:
        os.setgroups(groups)
        os.setgid(gid)
        os.setuid(uid)
    except OSError as e:
        sys.stderr.write(f"{prog}: fatal: unable to drop privileges to {account}: {e.strerror}\n")
        return 111
    return 0
