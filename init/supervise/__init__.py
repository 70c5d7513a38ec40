"""s6-supervise's job, done inside PID 1: one ``Service`` object per service
directory, no process per service.

Pure logic lives in ``status`` (the supervise/status codec), ``rules`` (finish
arguments, restart delay, wait statuses) and ``config`` parsing; ``files``
owns the on-disk protocol (lock, control FIFO, status, death_tally, the
event fifodir) that the real s6-svc / s6-svstat / s6-svwait speak too;
``service`` is the state machine.
"""
