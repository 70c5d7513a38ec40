"""logutil-service [-f fifo] logdir: a service's logger, as s6-overlay's (init.md §16.4).

Reads S6_LOGGING_SCRIPT through printcontenv's rules (default
``n20 s1000000 T``; split on blanks *and newlines*, DECISIONS #4, so the
value works), drops to ``nobody`` (65534:65534 if there is none), empties
the environment and becomes ``s6-log -b -- SCRIPT logdir`` (logd, in this
very process: no second interpreter start).  In a non-root container the
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
from init.argv import UsageError, getopt
from init.helpers import privs
from init.settings import nonzero, script_words

PROG = "logutil-service"
USAGE = "logutil-service: usage: logutil-service [ -f fifo ] logdir\n"
NOBODY = "nobody"


def main(argv: list[str]) -> int:
    try:
        opts, args = getopt(argv, "f:tn:u:S:")
    except UsageError:
        sys.stderr.write(USAGE)
        return 100
    o = dict(opts)
    if not args and "-S" not in o:
        sys.stderr.write(USAGE)
        return 100
    for flag, fifo in opts:
        if flag != "-f":
            continue
        try:
            fd = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)
            os.set_blocking(fd, True)
            os.dup2(fd, 0)
            os.close(fd)
        except OSError as e:
            sys.stderr.write(f"{PROG}: fatal: unable to open {fifo}: {e.strerror}\n")
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
    os.environ.clear()
    from logd.main import main as logd
    return logd(["-b", "--"] + words)
