"""Reading logdirs for people and for shippers: ``s6py logs cat|tail|forward``.

s6-log stops at the logdir; this package reads it back without changing
its format.  Pure modules (no I/O, tested directly): ``line`` (stamps at
the start of a line), ``timefmt`` (printing instants), ``timefilter``
(``--since``/``--until`` values), ``syslogline`` (the ``facility.severity: ``
prefix and RFC 5424 / 3164 bodies), ``segments`` (which file of a logdir
comes next, across rotations), ``cursor`` (a resumable position).  I/O at
the edges: ``files`` (directory snapshots, transparent decompression),
``reader`` (reading a logdir in order, live), ``records`` (lines to
records, merging several logdirs), ``follow`` (filesystem events).

Nothing here is imported by logd's start-up path.
"""
