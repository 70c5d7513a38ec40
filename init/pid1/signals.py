"""What PID 1 does with each signal (pure; init.md §6.2, §8.6).

s6-linux-init's container-mode handlers: TERM and USR2 halt, INT reboots,
USR1 and PWR power off, QUIT and WINCH do nothing, HUP rescans the scan
directory.  With S6_CMD_RECEIVE_SIGNALS the seven ``FORWARDED`` signals go
to the CMD instead, while it runs.  Halt kinds are the letters of the
shutdown FIFO: ``h``, ``p``, ``r``.
"""
from __future__ import annotations

import _signal as signal  # C module: no enum in PID 1

SIGPWR = getattr(signal, "SIGPWR", 30)

HANDLED = (signal.SIGTERM, signal.SIGINT, signal.SIGQUIT, signal.SIGHUP, signal.SIGUSR1,
           signal.SIGUSR2, SIGPWR, signal.SIGWINCH)
FORWARDED = (signal.SIGTERM, signal.SIGQUIT, signal.SIGINT, signal.SIGUSR1, signal.SIGUSR2,
             SIGPWR, signal.SIGWINCH)
# Job-control signals a subreaper (not PID 1, so not protected by the kernel)
# must not be stopped by.
IGNORED = (signal.SIGTSTP, signal.SIGTTIN, signal.SIGTTOU)

_KIND = {signal.SIGTERM: "h", signal.SIGUSR2: "h", signal.SIGINT: "r", signal.SIGUSR1: "p",
         SIGPWR: "p"}


def action(signum: int, forwarding: bool) -> str:
    """"forward", "rescan", "ignore", or a halt kind ("h", "p", "r")."""
    if forwarding and signum in FORWARDED:
        return "forward"
    if signum == signal.SIGHUP:
        return "rescan"
    return _KIND.get(signum, "ignore")


def svscanctl_kind(letter: str) -> str | None:
    """s6-svscanctl -t / -i / -q / -b on PID 1's scan directory: which shutdown, if any."""
    return {"t": "h", "q": "h", "b": "h", "i": "r"}.get(letter)
