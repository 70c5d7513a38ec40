"""The overlay tarballs: what a user extracts onto an image that has python3 >= 3.9.

``python3 -m overlays.cli build`` (``s6py overlay build``) makes, in dist/
(see ``build``): s6py-overlay-noarch.tar.xz, s6py-overlay-symlinks-noarch.tar.xz,
syslogd-overlay-noarch.tar.xz, and a ``.sha256`` for each.
"""
