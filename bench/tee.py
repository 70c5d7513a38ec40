#!/usr/bin/env python3
"""A bench/run.py candidate: logd as logutil-service runs it, with or without the tee copy.

    python3 bench/run.py 'python3 -S bench/tee.py' --vs 'python3 -S bench/tee.py --plain' -s a

``--plain``: logd with s6-log's command line as given (logutil-service's
default logger).  Without it: the same, with the tee words at the end of
the script (``p[bench] 1``) and logd's stdout a pipe that init.tee.relay
reads, as PID 1 relays it, into a pipe that ``cat`` drains into /dev/null,
as docker's shim drains a container's stdout.  This process is the relay
and waits for the logger, so the harness's figures (wall to the last byte
handed to cat, CPU from wait4) cover the logger and the relay: s6py's
whole cost of feature 1 (README, "Service names in docker logs"); cat is
not our child (docker's reader is not s6py's cost).
"""
from __future__ import annotations

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def main(argv: list[str]) -> int:
    from logd.main import main as logd
    if argv[:1] == ["--plain"]:
        return logd(argv[1:])
    from init.loop import Loop
    from init.tee.client import enlarge
    from init.tee.naming import tee_words
    from init.tee.relay import Relay
    r, w = os.pipe()
    enlarge(w)
    cr, cw = os.pipe()
    middle = os.fork()
    if middle == 0:             # cat is not ours: docker's reader is not s6py's cost
        if os.fork() == 0:
            os.dup2(cr, 0)
            null = os.open(os.devnull, os.O_WRONLY)
            os.dup2(null, 1)
            os.closerange(3, 1 << 16)
            os.execvp("cat", ["cat"])
        os._exit(0)
    os.waitpid(middle, 0)
    logger = os.fork()
    if logger == 0:
        os.dup2(w, 1)
        for fd in (r, w, cr, cw):
            os.close(fd)
        os._exit(logd(argv + tee_words("bench")))
    for fd in (w, cr):
        os.close(fd)
    loop = Loop()
    relay = Relay(loop, cw, lambda text: sys.stderr.write(text + "\n"))
    relay.add("bench", r)
    loop.run(until=lambda: not relay.busy)
    relay.close()
    os.close(cw)
    _, status = os.waitpid(logger, 0)
    return os.waitstatus_to_exitcode(status)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
