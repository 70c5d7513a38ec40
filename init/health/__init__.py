"""``s6py health``: is the container's supervision and logging healthy? (exit 0/1)

Why one command: a Docker HEALTHCHECK or a Kubernetes probe needs one exit
status, and "healthy" for an s6 container is several questions at once:
is every longrun that should be up up (and ready, when it announces
readiness), is every logger alive and keeping up with its input, has any of
them had to hold back data it could not write.  The answers come from what
the programs already leave behind: the supervise ``status`` files of the
scan directory, and the counters files loggers and s6-socklog write with
``S6_LOGGING_COUNTERS=1`` (logd/counters.py), found through their registry.

* ``assess.py``  the verdict from what was read (pure: tested directly);
* ``probe.py``   reading the scan directory, the counters, /proc;
* ``cli.py``     the command (text or ``--json``), exit 0 healthy, 1 not.
"""
