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
from init.execline.c_pos import script_options
from init.execline.errors import Exit
from init.helpers import privs
from init.settings import script_words

PROG = "logutil-service"


def main(argv: list[str]) -> int:
    """Options as the script's elgetopt parses them (errors under its name,
    exit 1); no logdir exits 1 silently; a fifo that cannot be opened is
    redirfd's error (111), as in s6-overlay's script."""
    name = sys.argv[0] if sys.argv else PROG
    try:
        found, k = script_options(name, argv, "f:")
    except Exit as e:
        return e.code
    args = argv[k:]
    if not args:
        return 1
    fifo = dict(found).get("f", "")
    if fifo:
        try:
            fd = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)
            os.set_blocking(fd, True)
            os.dup2(fd, 0)
            os.close(fd)
        except OSError as e:
            sys.stderr.write(f"redirfd: fatal: unable to open {fifo}: {e.strerror}\n")
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
