"""The tee route: a logger's copy of each line, prefixed ``[name]``, to the container's stdout.

Why a route of its own: a logger's stdout is the supervision tree's (the
container's stdout with S6_LOGGING=0, the catch-all pipe with 1 and 2,
where the catch-all logger would file the copies again and send them to
stderr, or nowhere), and logd makes its stdout non-blocking, a flag that
lives on the open file description every service shares.  So a logger in
tee mode (``logutil-service -t``, or S6_LOGGING_TEE=1) makes a pipe of its
own, hands the read end to PID 1 over the s6-rc socket PID 1 already
listens on (``tee`` request, SCM_RIGHTS), and writes its copies into the
write end (the script gets ``p[name] 1`` at its end).  PID 1 reads every
such pipe and writes whole lines to the container's stdout without ever
blocking: a line is never cut by another writer's, a service's lines keep
their order (across logger restarts too), and back-pressure from a blocked
stdout reaches the logger as a blocked stdout reaches s6-log ``-b``.

Modules: ``naming`` (the service's name, the script words; pure),
``lines`` (line assembly and write pieces; pure), ``console`` (writing to
the container's stdout without blocking), ``relay`` (PID 1's side),
``client`` (the logger's side).  Nothing here is imported unless asked.
"""
