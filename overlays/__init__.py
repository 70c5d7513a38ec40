"""The overlay tarballs: what a user extracts onto an image that has python3 >= 3.9.

``s6py overlay build [--out dist] [--python-floor 3.N] [--installed | --site DIR]``
makes s6py-overlay-noarch.tar.xz, s6py-overlay-symlinks-noarch.tar.xz and
syslogd-overlay-noarch.tar.xz, each with a ``.sha256``, and
s6py-overlay-manifest.json (see ``build``); ``s6py overlay release [--rev
COMMIT]`` makes them from a commit, reproducibly (see ``release``).

In the image::

    /init                              shim: python3 -m init
    /command/NAME                      shims for the s6 names (commands.COMMANDS)
    /etc/s6-overlay/...                the skeleton users fill (rootfs/)
    /package/admin/s6py/lib/python/    logd, syslogd, init, the vendored
                                       dependencies, their licenses, metadata

Modules: ``commands`` (the shim table, pure data), ``shims`` (a shim's
text), ``deps`` (which dependencies, from where: the pinned release
wheels ``fetch`` gets with pip, or the installed ones), ``vendor`` +
``requirements`` (their checks), ``tree`` (contents as data), ``tarball``
(reproducible bytes), ``manifest``, ``build``, ``release``, ``cli``.  Trees: ``rootfs`` (ours), ``syslogd`` (the /dev/log emulation's
services, shipped as they are), ``forwarder`` (an example, not shipped).
"""
