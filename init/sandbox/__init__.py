"""``s6py sandbox ROOTFS [options] -- [CMD...]``: a root filesystem run as ``docker run`` would.

Why it exists: the end-to-end tests boot a real image layout with ``/init``
as PID 1, and neither Docker nor a daemon is available (or wanted) in CI.

What the sandbox gives PID 1 (the entrypoint, ``/init`` by default):

* new PID, mount, UTS and IPC namespaces, and by default a new network
  namespace with only ``lo`` up (docker's ``--network none``, which is what
  tests want: loopback works, ports never clash with the host or with other
  tests); ``--network host`` shares the host's network instead;
* an overlayfs root: lower = ROOTFS (plus ``--layer`` directories stacked
  on top, last one highest), upper and work in a fresh state directory, so
  the base is never modified.  The upper layer lives on a tmpfs inside the
  sandbox's mount namespace and so vanishes with it; ``--keep`` puts it on
  disk in the state directory instead and keeps it for inspection;
* ``/proc``, a read-only ``/sys`` (when the kernel allows it), a minimal
  ``/dev`` (tmpfs with the host's null, zero, full, random, urandom, tty
  bound in, a private devpts, ``/dev/shm``, ``/dev/mqueue``, the fd
  symlinks), a tmpfs ``/run`` (``--no-run-tmpfs`` to leave the image's),
  ``--tmpfs PATH[:OPTS]`` (docker's defaults: ``rw,noexec,nosuid,nodev``)
  and ``--bind SRC:DST[:ro]``;
* ``--read-only``: the root remounted read-only, the tmpfs mounts and /dev
  still writable, as docker's ``--read-only``;
* a clean environment: ``PATH`` (docker's default), ``HOSTNAME``, ``HOME``
  (from the image's passwd), then every ``-e K=V`` (``-e K`` copies the
  host's value, if set); ``-w DIR`` (created if missing), ``--user
  uid[:gid]`` or names looked up in the image's passwd/group; stdin is
  ``/dev/null`` unless ``-i``.

The runner waits for PID 1 and exits with its exit code (128+n if a signal
n killed it).  SIGTERM and SIGINT to the runner are forwarded to PID 1 and,
like ``docker stop``, followed by SIGKILL ``--stop-timeout`` seconds later
(default 10); HUP, QUIT, USR1, USR2 and WINCH are forwarded as they are.
Errors of the runner itself print ``s6py sandbox: fatal: ...`` and exit 125,
as docker does.

Design choice: raw syscalls through ctypes (``unshare(2)``, ``mount(2)``,
``pivot_root(2)``, ``prctl(2)``), not util-linux ``unshare``.  The set-up
between the namespaces' creation and the exec of PID 1 (overlay, pivot_root,
mounts that must be made from inside the new PID namespace, the switch to
``--user``) has to run inside the sandbox, which with util-linux would mean
a helper program (one more interpreter start) and a process between us and
PID 1 whose exit-code and signal relaying we do not control.  With ctypes
the chain is ours end to end: runner -> keeper (holds the namespaces, reaps
PID 1, exits with its status) -> PID 1 (sets up, then execs the entrypoint).
``os.unshare`` only exists from Python 3.12.

Nothing is left behind: every mount lives in the sandbox's private mount
namespace, which the kernel tears down when its last process exits; the
death of PID 1 kills everything else in the PID namespace; the keeper dies
(and kills PID 1) if the runner dies, through ``PR_SET_PDEATHSIG``.

A ``--layer`` inside another layer (any layer when ROOTFS is ``/``) is
copied into the state directory first: overlayfs refuses nested lower
directories.

Modules: ``spec`` (options, pure), ``users`` (passwd/group lookups, pure),
``plan`` (the mount plan as data, pure), ``prepare`` (checks and
resolution before the fork), ``syscalls`` (ctypes), ``layercopy``,
``setup`` (PID 1's side), ``runner`` (fork, relay, wait), ``cli`` (click).
"""
