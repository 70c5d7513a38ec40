"""s6py's PID 1: stages, supervisor, service database, execline subset.

Importing this package must stay cheap: ``python3 -m init`` is a container's
PID 1 and every service restart may run helpers from here.
"""
