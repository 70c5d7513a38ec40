"""Where s6-overlay's legacy scripts live and which of our functions they are (pure data).

The rc compiler's built-in services call ``SCRIPTS/NAME``; PID 1 runs those
command lines as a forked call of ``TARGETS[NAME]`` (no exec), and the
overlay ships the same files as shims (overlays/rootfs, generated from this
table; tests/init/lifecycle checks they agree).
"""
from __future__ import annotations

SCRIPTS = "/package/admin/s6-overlay/etc/s6-rc/scripts"

TARGETS: dict[str, str] = {
    "fix-attrs": "init.legacy.fixattrs:main",
    "cont-init": "init.legacy.contdirs:cont_init",
    "cont-finish": "init.legacy.contdirs:cont_finish",
    "services-up": "init.legacy.services:up",
    "services-down": "init.legacy.services:down",
}


def inproc(scripts: str = SCRIPTS) -> dict[str, str]:
    """For TreeDriver.inproc: script path -> module:function."""
    return {f"{scripts}/{name}": target for name, target in TARGETS.items()}
