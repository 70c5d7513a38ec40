"""``s6py demo``: the README's main job in one command (issue #8).

It builds the overlay tarballs, boots an example image (the host's ``/``
with the tarballs extracted and one layer of services on top) under
``s6py sandbox`` with ``/init`` as PID 1, shows the process tree,
exercises a web service and its logger, the syslogd overlay, a oneshot
and the legacy forms, stops the container as ``docker stop`` does and
prints its exit code, then shows where every log landed, stamps decoded.
No network, no Docker; a few seconds.

Modules: ``example`` (the image's layer as data), ``app`` (the programs
inside it: the web service and the CMD), ``logview`` (reading the logdirs
back), ``rules`` (the pure decisions: what is missing, the sandbox
command, what the exit code means, the checks), ``prepare`` (preflight,
building and extracting the overlay, writing the example layer),
``container`` (booting the sandbox and stopping it as docker stop does),
``run`` (the sequence and the log display), ``cli`` (click).
"""
