"""s6-overlay's helper programs, each a module with ``main(argv) -> int``.

``printcontenv``, ``with_retries``, ``logutil_service``, ``logutil_newfifo``,
``hpr`` (halt, poweroff, reboot, shutdown), ``catchall_logger`` (the
S6_LOGGING logger's entry), ``privs`` (dropping to a user, or saying once
why it cannot be done).  The overlay's shim table points ``/command/NAME``
at these functions; ``argv`` never includes the program name.
"""
