"""printcontenv NAME: print a variable of the container environment (init.md §6.3).

With S6_KEEP_ENV in its own environment it prints ``$NAME`` and fails when
that is unset or empty; otherwise it prints the file
``/run/s6/container_environment/NAME`` followed by a newline (so the raw
output is ``value\\n\\n``: shells' ``$(...)`` strip both) and fails,
silently, when there is no such file, with the status the image's /bin/sh
gives a failed redirection (s6-overlay's printcontenv is a ``sh`` script
whose ``s6-cat < FILE`` fails there): 2 with dash, 1 with bash.
"""
from __future__ import annotations

import os
import sys

from init import contenv


def shell_redirect_status() -> int:
    """What /bin/sh returns when a command's input redirection fails (1 without sh)."""
    import subprocess
    try:
        return subprocess.run(["/bin/sh", "-c", "true </nonexistent/printcontenv"],
                              stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL).returncode or 1
    except OSError:
        return 1


def main(argv: list[str]) -> int:
    if not argv:
        sys.stderr.write("printcontenv: fatal: too few arguments\n")
        return 100
    name = argv[0]
    if contenv.keep_env(dict(os.environ)):
        value = os.environ.get(name, "")
        if not value:
            return 1
        os.write(1, os.fsencode(value) + b"\n")
        return 0
    raw = contenv.read_file(name)
    if raw is None:
        return shell_redirect_status()
    try:
        os.write(1, raw + b"\n")
    except OSError:
        return 111
    return 0
