"""logutil-service [-f fifo] logdir: a service's logger, as s6-overlay's (init.md §16.4).

Reads S6_LOGGING_SCRIPT through printcontenv's rules (default
``n20 s1000000 T``; split on blanks *and newlines*, DECISIONS #4, so the
value works), drops to ``nobody`` (65534:65534 if there is none), empties
the environment (but for s6py health's ``S6PY_COUNTERS``) and becomes ``s6-log -b -- SCRIPT logdir`` (logd, in this
very process: no second interpreter start).  In a non-root container the
drop is impossible: it runs as the container's user and says so once.
"""
from __future__ import annotations

import os
import sys

from init import contenv
from init.argv import UsageError, getopt
from init.helpers import privs
from init.settings import script_words

PROG = "logutil-service"
USAGE = "logutil-service: usage: logutil-service [ -f fifo ] logdir\n"


def main(argv: list[str]) -> int:
    try:
        opts, args = getopt(argv, "f:")
    except UsageError:
        sys.stderr.write(USAGE)
        return 100
    if not args:
        sys.stderr.write(USAGE)
        return 100
    for _, fifo in opts:
        try:
            fd = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)
            os.set_blocking(fd, True)
            os.dup2(fd, 0)
            os.close(fd)
        except OSError as e:
            sys.stderr.write(f"{PROG}: fatal: unable to open {fifo}: {e.strerror}\n")
            return 111
    words = script_words(contenv.get("S6_LOGGING_SCRIPT"))
    code = privs.drop(PROG, "nobody", (65534, 65534))
    if code:
        return code
    keep = {k: os.environ[k] for k in ("S6PY_COUNTERS", "S6PY_COUNTERS_DIR") if k in os.environ}
    os.environ.clear()
    os.environ.update(keep)  # s6py health's counters (S6_LOGGING_COUNTERS) survive
    from logd.main import main as logd
    return logd(["-b", "--"] + words + [args[0]])
