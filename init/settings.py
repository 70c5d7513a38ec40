"""The S6_* variables: how s6-overlay's scripts read each one, as pure functions.

Why a module of its own: every variable has its own parsing quirk in the
shell scripts (``"0$VAR" -ne 0``, ``^[0-9]+$`` with a default, ``${VAR:-2}``)
and the observable behaviour follows the quirk, not the documentation
(init.md §19).  One place gives each component the same reading, and the
table (``VARIABLES``) documents defaults next to the code that applies them.

Nothing here does I/O: callers pass the value they read (the real
environment for /init's own stages, the container environment for what
rc.init and the legacy scripts read through printcontenv).
"""
from __future__ import annotations

# name -> (default as s6py applies it, how the value is read)
VARIABLES: dict[str, tuple[str, str]] = {
    "S6_KEEP_ENV": ("0", "nonzero"),
    "S6_LOGGING": ("0", "logging mode: 0, 1, 2 (non-numeric acts as 2)"),
    "S6_CATCHALL_USER": ("", "user name (empty: the container's user)"),
    "S6_LOGGING_SCRIPT": ("n20 s1000000 T", "words, split on blanks and newlines"),
    "S6_BEHAVIOUR_IF_STAGE2_FAILS": ("0", "digits"),
    "S6_CMD_ARG0": ("", "words"),
    "S6_CMD_USE_TERMINAL": ("0", "digits"),
    "S6_CMD_RECEIVE_SIGNALS": ("0", "digits"),
    "S6_CMD_WAIT_FOR_SERVICES": ("0", "digits"),
    "S6_CMD_WAIT_FOR_SERVICES_MAXTIME": ("0", "digits, ms, 0 = no limit"),
    "S6_SERVICES_READYTIME": ("50", "digits, ms"),
    "S6_SERVICES_GRACETIME": ("3000", "digits, ms"),
    "S6_KILL_FINISH_MAXTIME": ("5000", "digits, ms, 0 = no limit"),
    "S6_KILL_GRACETIME": ("3000", "digits, ms, capped at 300000"),
    "S6_SYNC_DISKS": ("0", "nonzero"),
    "S6_FIX_ATTRS_HIDDEN": ("0", "nonzero"),
    "S6_READ_ONLY_ROOT": ("0", "nonzero"),
    "S6_STAGE2_HOOK": ("", "a shell excerpt (/bin/sh -c)"),
    "S6_VERBOSITY": ("2", "digits 0-5"),
    "S6_YES_I_WANT_A_WORLD_WRITABLE_RUN_BECAUSE_KUBERNETES": ("0", "nonzero"),
    "S6_WAIT_FOR_CLOSING_FD": ("0", "digits >= 3"),
    "S6_RUNTIME_PROFILE": ("", "name under /etc/cont-profile.d (set, even empty: used)"),
    "S6_RUNTIME_BUNDLEDIR": ("", "directory"),
    "S6_REQUIRE_PID1": ("0", "nonzero (s6py: refuse to run when not PID 1)"),
    "S6_LOGGING_COUNTERS": ("0", "nonzero (s6py: loggers and s6-socklog keep counters "
                            "for s6py health)"),
    "S6_LOGGING_TEE": ("0", "nonzero (s6py: logutil-service also copies each line, "
                            "prefixed [name], to the container's stdout; init/tee)"),
}

DEFAULT_LOGGING_SCRIPT = "n20 s1000000 T"
KILL_GRACETIME_MAX = 300000


def digits(value: str | None, default: int) -> int:
    """``^[0-9]+$`` or the default (rc.init, the legacy scripts)."""
    if value and value.isascii() and value.isdigit():
        return int(value)
    return default


def nonzero(value: str | None) -> bool:
    """The shell's ``test "0$VAR" -ne 0``: unset, empty or non-numeric are off."""
    text = "0" + (value or "")
    return text.isascii() and text.isdigit() and int(text) != 0


def verbosity(value: str | None) -> int:
    """rc.init's and the legacy scripts' S6_VERBOSITY: digits, else 2."""
    return digits(value, 2)


def preinit_verbosity(value: str | None) -> int:
    """preinit's ``${S6_VERBOSITY:-2}``: a non-numeric value silences warnings and infos."""
    if value is None or value == "":
        return 2
    return int(value) if value.isascii() and value.isdigit() else -1


def logging_mode(value: str | None) -> int:
    """stage0's reading of S6_LOGGING: 0 and 1 as such, 2 or more or non-numeric: 2."""
    text = "0" + (value or "")
    if not (text.isascii() and text.isdigit()):
        return 2
    n = int(text)
    return n if n < 2 else 2


def script_words(value: str | None) -> list[str]:
    """S6_LOGGING_SCRIPT's words; unset or blank gives the documented default."""
    words = (value or "").split()
    return words or DEFAULT_LOGGING_SCRIPT.split()


def catchall_stamps(value: str | None) -> list[str]:
    """The t / T directives the catch-all logger takes from S6_LOGGING_SCRIPT."""
    words = script_words(value)
    return [w for w in ("t", "T") if w in words]


def kill_gracetime(value: str | None) -> int:
    return min(digits(value, 3000), KILL_GRACETIME_MAX)


def closing_fd(value: str | None) -> int | None:
    n = digits(value, 0)
    return n if n >= 3 else None


class Stage0:
    """What /init's own stages read from the real environment at boot."""

    __slots__ = ("keep_env", "logging", "catchall_user", "stamps", "kill_grace_ms",
                 "sync_disks", "closing_fd", "read_only_root", "world_writable_ok",
                 "preinit_v", "require_pid1", "verbosity")

    def __init__(self, env: dict[str, str]) -> None:
        g = env.get
        self.keep_env = nonzero(g("S6_KEEP_ENV"))
        self.logging = logging_mode(g("S6_LOGGING"))
        self.catchall_user = g("S6_CATCHALL_USER") or ""
        self.stamps = catchall_stamps(g("S6_LOGGING_SCRIPT"))
        self.kill_grace_ms = kill_gracetime(g("S6_KILL_GRACETIME"))
        self.sync_disks = nonzero(g("S6_SYNC_DISKS"))
        self.closing_fd = closing_fd(g("S6_WAIT_FOR_CLOSING_FD"))
        self.read_only_root = nonzero(g("S6_READ_ONLY_ROOT"))
        self.world_writable_ok = nonzero(
            g("S6_YES_I_WANT_A_WORLD_WRITABLE_RUN_BECAUSE_KUBERNETES"))
        self.preinit_v = preinit_verbosity(g("S6_VERBOSITY"))
        self.require_pid1 = nonzero(g("S6_REQUIRE_PID1"))
        self.verbosity = verbosity(g("S6_VERBOSITY"))
