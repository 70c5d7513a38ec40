"""Exit-code rules (pure): the exitcode file, shell statuses, halt kinds.

Why separate: the container's exit code is the one thing every user of
/init sees, and s6-overlay's rules have corners (init.md §15.3-15.5) worth
testing without booting anything.
"""
from __future__ import annotations

EXITCODE_DIR = "/run/s6-linux-init-container-results"
EXITCODE_FILE = EXITCODE_DIR + "/exitcode"
HALTCODE_FILE = EXITCODE_DIR + "/haltcode"

# reboot(2) inside a PID namespace kills its init as if by SIGHUP (restart)
# or SIGINT (power off); without CAP_SYS_BOOT the call fails and
# s6-linux-init exits 111.
REBOOT_FAILED = 111
REBOOT_STATUS = {"r": 128 + 1, "p": 128 + 2}


def parse_exitcode(data: bytes | None) -> int:
    """The exitcode file as s6-linux-init's final ``exit`` reads it.

    Missing or empty: 0.  First line, trailing spaces and tabs removed
    (leading ones kept), then execline ``exit`` semantics: a decimal number
    mod 256, anything else 100.
    """
    if not data:
        return 0
    line = data.split(b"\n", 1)[0].rstrip(b" \t")
    if line == b"":
        return 0
    if not line.isdigit():
        return 100
    return int(line) & 0xFF


def shell_status(wstat: int) -> int:
    """What ``$?`` is after a foreground command: its code, or 128 + signal."""
    if wstat & 0x7F == 0:
        return (wstat >> 8) & 0xFF
    return 128 + (wstat & 0x7F)


def halt_status(haltcode: str, exitcode: int, can_reboot: bool) -> int:
    """The container's exit status for a halt (h), poweroff (p) or reboot (r)."""
    if haltcode in REBOOT_STATUS:
        return REBOOT_STATUS[haltcode] if can_reboot else REBOOT_FAILED
    return exitcode


def has_cap_sys_boot(status_text: str) -> bool:
    """CAP_SYS_BOOT (22) in the CapEff line of /proc/self/status."""
    for line in status_text.splitlines():
        if line.startswith("CapEff:"):
            try:
                return bool(int(line.split()[1], 16) >> 22 & 1)
            except (IndexError, ValueError):
                return False
    return False
