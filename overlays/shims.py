"""The ``/command/NAME`` shim: a /bin/sh script that execs python3 on one of our functions.

Why a sh script and not a ``#!/usr/bin/python3`` file: images put python3
in /usr/bin or /usr/local/bin, and ``#!/usr/bin/env -S`` is not portable
(busybox).  A sh script also works as an interpreter target: the kernel runs
``#!/command/execlineb -P`` scripts as ``/command/execlineb -P SCRIPT``, and
Linux accepts a script as another script's interpreter.

Why ``-c`` and not ``-m``: ``-m`` imports runpy and importlib.util first
(measured by bench/execline_startup.py: about 25 ms and 4 MB per start).

The interpreter runs with ``-I -S``: no site-packages and no user site, no
``PYTHON*`` variables (an application's PYTHONPATH/PYTHONHOME cannot break
our tools), no current directory on sys.path.  So everything we import,
dependencies included, comes from ``LIB``, and no PYTHONPATH is exported.
python3 is searched in PATH, then /usr/local/bin and /usr/bin (``exec -c``
in execline scripts leaves no PATH at all).  The shim sets no shell variable
(an exported one of the same name would leak a changed value); ``$0``
becomes ``sys.argv[0]``, as for a real program.

The one thing a sh shim cannot avoid: the shell exports what it sets at
start-up, whatever the script does.  dash and busybox ash export ``PWD``
(the caller's if it was valid, else the current directory); bash as
/bin/sh also exports ``SHLVL`` and ``_``.  A caller that is itself a shell
already had them; a caller with an empty environment (a supervisor running
a ``#!/command/execlineb`` run script) gets ``PWD`` added.  Our own
execline runs /command names in-process, so chains never pay this; a
supervisor that wants it exact can run the shim's ``python3 -I -S -c``
line itself instead of the kernel's shebang.
"""
from __future__ import annotations

LIB = "/package/admin/s6py/lib/python"
FALLBACK_PYTHONS = ("/usr/local/bin/python3", "/usr/bin/python3")


def python_code(name: str, target: str, multicall: bool, lib: str = LIB) -> str:
    """The ``-c`` program: sys.argv = ["-c", "$0", args...] on entry."""
    head = f'import sys; del sys.argv[0]; sys.path.insert(0, "{lib}"); '
    module, _, func = target.partition(":")
    if not func:
        return head + f'import runpy; runpy.run_module("{module}", run_name="__main__", alter_sys=True)'
    args = f'["{name}"] + sys.argv[1:]' if multicall else "sys.argv[1:]"
    return head + f"from {module} import {func}; sys.exit({func}({args}))"


def render(name: str, target: str, multicall: bool = False, lib: str = LIB) -> str:
    """The shim's text for command ``name`` (a bare name, as in s6-log or if)."""
    code = python_code(name, target, multicall, lib)
    for text in (code, name):
        if "'" in text or "\n" in text:
            raise ValueError(f"cannot quote {text!r} in a shim")
    lines = [
        "#!/bin/sh",
        f"# {name}: s6py runs {target} (overlays/commands.py).",
        f"set -- -I -S -c '{code}' \"$0\" \"$@\"",
        'if command -v python3 >/dev/null 2>&1; then exec python3 "$@"; fi',
    ]
    lines += [f'if test -x {p}; then exec {p} "$@"; fi' for p in FALLBACK_PYTHONS]
    lines += [f"echo '{name}: fatal: python3 not found (PATH, "
              + ", ".join(p.rsplit("/", 1)[0] for p in FALLBACK_PYTHONS) + ")' >&2",
              "exit 127", ""]
    return "\n".join(lines)
