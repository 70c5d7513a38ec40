"""PID 1: s6-overlay's /init, stages 1 to 3, in one process and one event loop.

``python3 -m init [CMD...]`` (init/__main__.py) runs ``boot.run``.  The
stages follow init.md (what s6-overlay's scripts and s6-linux-init do) and
DECISIONS.md (where s6py deliberately differs); PID 1 plays every part:
preinit, stage0, s6-linux-init, s6-svscan, rc.init, rc.shutdown and
s6-linux-init-shutdownd.

Modules: ``exitcode``, ``preinit_rules``, ``rcinit_rules``, ``signals``,
``legacy_table`` (pure rules and tables), ``preinit`` (/run checks),
``runimage`` (what stage 1 writes into /run), ``stdio`` (who writes
where), ``catchall`` (the S6_LOGGING logger), ``stage2`` (rc.init and the
CMD), ``stage3`` (shutdown), ``killall`` (TERM/KILL to everything),
``container`` (the running container: loop, supervisor, signals, halt
requests), ``boot`` (the sequence up to the loop).

Beyond DECISIONS.md, where this code knowingly differs from s6-overlay:

* the final TERM-to-KILL wait (S6_KILL_GRACETIME) ends as soon as no
  process is left, instead of always lasting the full time;
* with S6_CMD_RECEIVE_SIGNALS the CMD keeps its stdin and default signal
  dispositions (s6-overlay's CMD, a ``sh`` background job, gets /dev/null
  and ignores INT and QUIT); with a terminal it is the CMD's controlling one;
* a /var/run that cannot be replaced by the link (non-root, read-only
  root) is a warning, not a fatal error; a non-root container cannot rely
  on a setuid helper, so /run problems are fatal with instructions;
* shutdown requests (``halt``, ``poweroff``, ``reboot``) go through
  ``/run/s6/basedir/shutdownd.fifo``; s6-svscanctl -t/-i/-q/-b on
  /run/service shut the container down;
* s6-rc oneshots and the legacy scripts run in forked children of PID 1
  (no interpreter start), with the same clean process an exec would give.
"""
