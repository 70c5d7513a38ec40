"""Hand a child process a clean slate before exec.

CPython leaves marks on a process that survive exec: SIGPIPE and SIGXFSZ
ignored, and, through PEP 538 locale coercion, an ``LC_CTYPE`` variable
the user never set.  Every program s6py starts (processors, services,
scripts) must see the same process the C originals would give it.
"""
from __future__ import annotations

import os

from logd import sig as signal

_RESET = ("SIGPIPE", "SIGXFSZ", "SIGXFZ", "SIGINT", "SIGTERM", "SIGHUP", "SIGALRM",
          "SIGCHLD", "SIGQUIT", "SIGUSR1", "SIGUSR2")


def reset_signals() -> None:
    """Default dispositions and an empty mask (call in the child)."""
    for name in _RESET:
        num = getattr(signal, name, None)
        if num is not None:
            try:
                signal.signal(num, signal.SIG_DFL)
            except (OSError, ValueError):
                pass
    try:
        signal.set_wakeup_fd(-1)
    except ValueError:
        pass
    if hasattr(signal, "pthread_sigmask"):
        signal.pthread_sigmask(signal.SIG_SETMASK, ())


def undo_locale_coercion() -> None:
    """Drop LC_CTYPE if the interpreter added it (PEP 538).

    The kernel keeps the environment the process was started with in
    /proc/self/environ; a variable that is in os.environ but was not
    there was added by the interpreter.
    """
    if "LC_CTYPE" not in os.environ:
        return
    try:
        with open("/proc/self/environ", "rb") as f:
            original = f.read()
    except OSError:
        return
    if not original.startswith(b"LC_CTYPE=") and b"\0LC_CTYPE=" not in original:
        del os.environ["LC_CTYPE"]
