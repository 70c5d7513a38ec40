"""syslogd: the /dev/log emulation (s6-socklog and ucspilogd compatible).

Programs
--------
``python3 -m syslogd`` is s6-socklog (same command line, lines, exit codes
and messages); ``python3 -m syslogd.ucspilogd`` is ucspilogd.  The overlay
tree ``overlays/syslogd`` runs the first piped into ``python3 -m logd``
exactly as s6-overlay's syslogd-overlay runs s6-socklog and s6-log.

Layout
------
Pure modules, no I/O: ``names`` (facility/severity tables), ``pri`` (the
``<PRI>`` rules), ``datagram`` (datagram -> line), ``records`` (stream
framing), ``ucspi`` (ucspilogd's record -> line), ``rfc`` (RFC 3164/5424
field parsing for code that needs to look inside), ``scan``/``endpoint``/
``cmdline`` (the command line).  I/O at the edges: ``listen`` (binding),
``privs`` (privilege drop), ``server`` (the loop, signals), ``diag``.
Nothing is imported here: start-up is measured.

Where we differ from s6-socklog 2.11.3.2 on purpose
---------------------------------------------------
* An empty datagram is ignored; the real one exits 111 and drops the
  queue (DECISIONS.md #13).
* The PRI is parsed only inside the datagram; the real one may read stale
  buffer bytes (DECISIONS.md #14).
* UDP lines start with ``IP_PORT: `` as upstream 2.15 prints it; Debian's
  2.11 garbles the prefix (DECISIONS.md #15).
* On SIGTERM, datagrams already queued on the socket are still read and
  written (at most 16384, so a flood cannot delay the exit) before the
  flush; the real one drops them.  The lameduck timeout (``-t``) bounds
  the whole shutdown as before.
* stdout made non-blocking by another holder of the pipe is waited for
  (poll) instead of failing with EAGAIN.
* Output leaves in writes of up to 256 KiB instead of 4 x linelen: the
  bytes are the same, there are fewer system calls.
* ``-S path`` (ours, off by default): also accept stream clients (glibc,
  Python and util-linux fall back to stream when /dev/log is one) on a
  unix stream socket at path; records end with NUL or newline or are
  RFC 6587 octet-counted, empty records are dropped, and each record is
  cut and formatted exactly like a datagram.

ucspilogd: the same as Debian's, except that stdin being a directory is
refused by the Python interpreter itself at start-up (exit 1).
"""
