"""PID 1: s6-overlay's /init, stages 1 to 3, in one process and one event loop.

``python3 -m init [CMD...]`` (init/__main__.py) runs ``boot.run``.  The
stages follow init.md (what s6-overlay's scripts and s6-linux-init do) and
DECISIONS.md (where s6py deliberately differs); PID 1 plays every part:
preinit, stage0, s6-linux-init, s6-svscan, rc.init, rc.shutdown and
s6-linux-init-shutdownd.

Modules: ``exitcode`` and ``preinit_rules`` and ``signals`` (pure rules),
``preinit`` (/run checks), ``runimage`` (what stage 1 writes into /run),
``catchall`` (the S6_LOGGING logger), ``stage2`` (rc.init and the CMD),
``stage3`` (shutdown), ``killall`` (TERM/KILL to everything), ``container``
(the running container: loop, supervisor, signals, halt requests),
``boot`` (the sequence up to the loop).
"""
