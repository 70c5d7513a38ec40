"""logutil-service [-f fifo] logdir: a service's logger, as s6-overlay's (init.md §16.4).

Reads S6_LOGGING_SCRIPT through printcontenv's rules (default
``n20 s1000000 T``; split on blanks *and newlines*, DECISIONS #4, so the
value works), drops to ``nobody`` (65534:65534 if there is none), empties
the environment (but for s6py health's ``S6PY_COUNTERS``) and becomes
``s6-log -b -- SCRIPT logdir`` (logd, in this very process: no second
interpreter start).  In a non-root container the
drop is impossible: it runs as the container's user and says so once.

s6py's additions (README, "Service names in docker logs" and "Declaring a
service's logger"), none of which changes anything unless used:

* ``-t``, or S6_LOGGING_TEE=1 in the container environment: also copy every
  line, prefixed ``[name]``, to the container's stdout (init/tee);
* ``-n name``: that name (default: found from the service directory);
* ``-u user``: run as user instead of nobody;
* ``-S script``: these s6-log directives (words split on blanks and
  newlines) instead of S6_LOGGING_SCRIPT; logdir is then optional (the
  script may name its own logdirs).
"""
from __future__ import annotations

import os
import sys

from init import contenv
from init.execline.c_pos import script_options
from init.execline.errors import Exit
from init.helpers import privs
from init.settings import nonzero, script_words

PROG = "logutil-service"
NOBODY = "nobody"


def main(argv: list[str]) -> int:
    """Options as the script's elgetopt parses them (errors under its name,
    exit 1); no logdir exits 1 silently; a fifo that cannot be opened is
    redirfd's error (111), as in s6-overlay's script."""
    name = sys.argv[0] if sys.argv else PROG
    try:
        found, k = script_options(name, argv, "f:tn:u:S:")
    except Exit as e:
        return e.code
    args = argv[k:]
    o = {"-" + opt: value for opt, value in found}
    if not args and "-S" not in o:
        return 1
    fifo = o.get("-f", "")
    if fifo:
        try:
            fd = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)
            os.set_blocking(fd, True)
            os.dup2(fd, 0)
            os.close(fd)
        except OSError as e:
            sys.stderr.write(f"redirfd: fatal: unable to open {fifo}: {e.strerror}\n")
            return 111
    if "-S" in o:
        words = o["-S"].split() + args[:1]
    else:
        words = script_words(contenv.get("S6_LOGGING_SCRIPT")) + [args[0]]
    if "-t" in o or nonzero(contenv.get("S6_LOGGING_TEE")):
        from init.tee import client, naming
        try:
            here = os.getcwd()
        except OSError:          # a service directory removed under us: the logdir's name
            here = (args[:1] or ["log"])[0]
        name = o.get("-n") or naming.service_name(here)
        client.attach(name, here)
        words += naming.tee_words(name)
    user = o.get("-u") or NOBODY
    code = privs.drop(PROG, user, (65534, 65534) if user == NOBODY else None)
    if code:
        return code
    keep = {k: os.environ[k] for k in ("S6PY_COUNTERS", "S6PY_COUNTERS_DIR") if k in os.environ}
    os.environ.clear()
    os.environ.update(keep)  # s6py health's counters (S6_LOGGING_COUNTERS) survive
    from logd.main import main as logd
    return logd(["-b", "--"] + words)
