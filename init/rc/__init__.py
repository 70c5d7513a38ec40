"""The service database: s6-rc's source format, compiled and run inside PID 1.

* ``source``   reads definition directories (the only I/O of compilation);
* ``compiler`` checks and resolves them (pure): bundles, dependencies,
  pipelines, implicit services, with s6-rc-compile's error messages;
* ``database`` is the compiled form (JSON + copied service dirs);
* ``plan``     orders a change (pure): closures, what may start now;
* ``engine``   runs a change in the event loop (longruns via the
  supervisor, oneshots as children), with s6-rc's messages;
* ``live``     the live state (s6-rc-init), ``server``/``client`` the socket
  through which the ``s6-rc`` command asks PID 1 for a change.
"""
