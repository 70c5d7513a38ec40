"""Which name a logger's copies carry, and the script words that make them (pure).

The name is found from where the logger runs, so nobody has to write it
twice: a supervisor starts ``run`` in the service directory, and loggers
are named after what they log in both of s6-overlay's layouts:
``/etc/services.d/web/log`` (``.../web/log``: web) and an s6-rc consumer
``web-log`` (web).  Anything else is its own name.
"""
from __future__ import annotations

import os

SUFFIX = "-log"


def service_name(path: str) -> str:
    """The logged service's name from the logger's service directory."""
    path = path.rstrip("/") or "/"
    base = os.path.basename(path)
    if base == "log":
        parent = os.path.basename(os.path.dirname(path))
        return parent or base
    if base.endswith(SUFFIX) and len(base) > len(SUFFIX):
        return base[:-len(SUFFIX)]
    return base or "/"


def prefix(name: str) -> str:
    """The ``p`` directive: s6-log then writes ``[name] LINE``."""
    return f"p[{name}]"


def tee_words(name: str) -> list[str]:
    """What goes at the end of the script: the prefix, then forward to stdout.

    At the end, so the logdirs before keep their own stamps and prefix (``t``
    and ``T`` apply to the next action only, ``p`` from here on) and the copy
    sees the lines the script selects there: every line unless the script's
    own selections say otherwise.
    """
    return [prefix(name), "1"]
