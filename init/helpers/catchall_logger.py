"""The catch-all logger's program: ``[-u user] -- s6-log args`` (S6_LOGGING >= 1).

Runs as the ``s6-svscan-log`` service's ./run: optionally drops to
S6_CATCHALL_USER (as s6-linux-init's ``s6-setuidgid``; in a non-root
container it stays the container's user and says so once), then becomes
logd in this process.
"""
from __future__ import annotations

import sys

from init.helpers import privs

PROG = "s6-svscan-log"


def main(argv: list[str]) -> int:
    user = ""
    if len(argv) >= 2 and argv[0] == "-u":
        user, argv = argv[1], argv[2:]
    if argv[:1] == ["--"]:
        argv = argv[1:]
    if user:
        code = privs.drop(PROG, user)
        if code:
            return code
    from logd.main import main as logd
    sys.argv[0] = "s6-log"
    return logd(argv)
