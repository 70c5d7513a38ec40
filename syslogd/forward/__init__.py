"""Shipping a logdir to a remote syslog collector (``s6py logs forward``).

RFC 5424 messages, over TCP with RFC 6587 octet counting (optionally TLS,
certificate verification on by default) or over UDP (RFC 5426).  The
logdir itself is the queue: a persistent cursor (``state``) says how far
the collector has got, so nothing is lost while it is down and sending
resumes where it stopped.  Delivery is at least once: after a reconnect
the forwarder replays from the last committed position, so duplicates are
bounded (by the replay margin, which covers what the collector's kernel
acknowledged but the collector may not have read: by default twice the
receive window it advertised, at least 256 KiB; plus what was
unacknowledged) and counted.

Modules: ``message`` (lines to RFC 5424, framing: pure), ``target``
(``--to`` URLs: pure), ``state`` (the durable cursor file), ``transport``
(asyncio connections), ``forwarder`` (the loop), ``cli``.
"""
