"""``s6py logs ...``: reading logdirs, for people.

Only the click layer lives here; the work is done by the pure modules
(``localtime``...) so it can be reused by other front ends.
"""
from __future__ import annotations

import os
import sys

import click


@click.group()
def logs() -> None:
    """Read what logd and s6-log wrote."""


@logs.command()
def tai64nlocal() -> None:
    """Filter stdin to stdout, TAI64N labels turned into local time."""
    from logd.localtime import Converter

    conv = Converter()
    out = sys.stdout.buffer
    while True:
        data = os.read(0, 65536)
        out.write(conv.feed(data) if data else conv.finish())
        out.flush()
        if not data:
            return
