"""The shim table: every program the overlay puts in the image, and what it runs (pure data).

``COMMANDS``: path in the image (a bare name means ``/command/NAME``) ->
target, one of

* ``"module:function"``: ``sys.exit(function(sys.argv[1:]))``;
* ``"module"``: run as ``python3 -m module`` does (``runpy``; costs the
  import of importlib.util, so prefer a function when there is one).

A target in ``MULTICALL`` gets the command's name first
(``function(["NAME"] + args)``): the execline chain commands and the control
tools share one entry each.  Adding a program is one line here; the build
imports every target and fails if one does not resolve.

``PENDING``: s6-overlay names nothing implements yet (they come with the
init issue).  The build leaves them out and says so; implementing one means
moving its line up into ``COMMANDS``.
"""
from __future__ import annotations

from init.execline.table import COMMANDS as EXECLINE_COMMANDS

EXECLINE_MULTICALL = "init.execline.multicall:main"
CONTROL_MULTICALL = "init.control.__main__:main"
MULTICALL = frozenset({EXECLINE_MULTICALL, CONTROL_MULTICALL})

COMMANDS: dict[str, str] = {
    # PID 1
    "/init": "init.__main__:main",
    # logging
    "s6-log": "logd.main:main",
    "s6-tai64nlocal": "logd.tai64nlocal",
    "s6-socklog": "syslogd.__main__:main",
    "ucspilogd": "syslogd.ucspilogd.__main__:main",
    # execline
    "execlineb": "init.execline.execlineb:main",
    **{name: EXECLINE_MULTICALL for name in EXECLINE_COMMANDS},
    # supervision and s6-rc
    "s6-svscan": "init.svscan.__main__:main",
    "s6-svc": CONTROL_MULTICALL,
    "s6-svstat": CONTROL_MULTICALL,
    "s6-svwait": CONTROL_MULTICALL,
    "s6-svok": CONTROL_MULTICALL,
    "s6-svscanctl": CONTROL_MULTICALL,
    "s6-rc": CONTROL_MULTICALL,
    "s6-rc-compile": CONTROL_MULTICALL,
    "s6-rc-init": CONTROL_MULTICALL,
    # s6-overlay's helpers
    "printcontenv": "init.helpers.printcontenv:main",
    "with-retries": "init.helpers.with_retries:main",
    "logutil-service": "init.helpers.logutil_service:main",
    "logutil-newfifo": "init.helpers.logutil_newfifo:main",
    # the umbrella tool (s6py logs tail/cat/forward inside the container)
    "s6py": "init.cli:main",
}

# (s6-overlay-suexec is not a program here: PID 1 does its work, init/pid1/boot.py)
PENDING: tuple[str, ...] = ()


def image_path(name: str) -> str:
    """``s6-log`` -> ``command/s6-log``; ``/init`` -> ``init`` (archive paths have no leading /)."""
    return name.lstrip("/") if name.startswith("/") else f"command/{name}"
