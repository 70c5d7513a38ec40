"""s6-overlay's legacy oneshots, as programs with ``main(argv) -> int``.

They are the ``up``/``down`` of the built-in services (init/rc/builtin.py):
``fixattrs`` (fix-attrs), ``contdirs`` (cont-init, cont-finish),
``services`` (services-up, services-down).  PID 1 runs them in a forked
child (init.spawn.fork_call); the files under
``/package/admin/s6-overlay/etc/s6-rc/scripts`` run the same functions.
Pure parts: ``accounts`` and ``fixattrs_parse``; shared: ``common``.
"""
