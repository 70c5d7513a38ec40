"""The overlay tarballs: what a user extracts onto an image that has python3 >= 3.9.

``s6py overlay build [--out dist] [--site DIR] [--source-date-epoch N]``
makes s6py-overlay-noarch.tar.xz, s6py-overlay-symlinks-noarch.tar.xz and
syslogd-overlay-noarch.tar.xz, each with a ``.sha256`` (see ``build``).

In the image::

    /init                              shim: python3 -m init
    /command/NAME                      shims for the s6 names (commands.COMMANDS)
    /etc/s6-overlay/...                the skeleton users fill (rootfs/)
    /package/admin/s6py/lib/python/    logd, syslogd, init, the vendored
                                       dependencies, their licenses, metadata

Modules: ``commands`` (the shim table, pure data), ``shims`` (a shim's
text), ``vendor`` + ``requirements`` (dependencies and their checks),
``tree`` (contents as data), ``tarball`` (reproducible bytes), ``build``,
``cli``.  Trees: ``rootfs`` (ours), ``syslogd`` (the /dev/log emulation's
services, shipped as they are), ``forwarder`` (an example, not shipped).
"""
