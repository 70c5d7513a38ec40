"""The control and query tools, under the names scripts call: s6-svc,
s6-svstat, s6-svwait, s6-svok, s6-svscanctl, s6-rc (and s6-rc-compile,
s6-rc-init).  ``python3 -m init.control NAME ARGS...`` runs one of them.

They speak s6's file protocol (control FIFO, status file, event fifodir), so
they drive the real s6-supervise as well as ours, and the real tools drive
ours.
"""
