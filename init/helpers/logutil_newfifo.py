"""logutil-newfifo [-m mode] [-o owner] fifo (deprecated; init.md §16.3).

Warns, removes fifo, makes it again with mode (default 0600), and gives it
to owner (default root; a user name or uid:gid).
"""
from __future__ import annotations

import os
import shutil
import sys

from init.argv import UsageError, getopt
from init.helpers.privs import lookup

PROG = "logutil-newfifo"


def main(argv: list[str]) -> int:
    try:
        opts, args = getopt(argv, "m:o:")
    except UsageError:
        return 1
    mode, owner = "0600", "root"
    for o, v in opts:
        if o == "-m":
            mode = v
        else:
            owner = v
    if not args:
        return 1
    sys.stderr.write(f"{PROG}: warning: this binary is deprecated, use s6-mkfifo and "
                     "s6-chown instead\n")
    sys.stderr.flush()
    fifo = args[0]
    try:
        perm = int(mode, 8)
    except ValueError:
        sys.stderr.write(f"{PROG}: fatal: invalid mode: {mode}\n")
        return 100
    try:
        if os.path.isdir(fifo) and not os.path.islink(fifo):
            shutil.rmtree(fifo)
        elif os.path.lexists(fifo):
            os.unlink(fifo)
        old = os.umask(0)
        try:
            os.mkfifo(fifo, perm)
        finally:
            os.umask(old)
    except OSError as e:
        sys.stderr.write(f"{PROG}: fatal: unable to make fifo {fifo}: {e.strerror}\n")
        return 111
    ids = lookup(owner, None)
    if ids is None:
        sys.stderr.write(f"{PROG}: fatal: unknown user: {owner}\n")
        return 1
    try:
        os.chown(fifo, ids[0], ids[1])
    except OSError as e:
        sys.stderr.write(f"{PROG}: fatal: unable to chown {fifo}: {e.strerror}\n")
        return 111
    return 0
