"""Facility and severity names, as s6-socklog prints them.

s6-socklog takes its names from the libc's ``SYSLOG_NAMES`` tables
(glibc and musl agree), searching the alphabetically sorted list by value
and keeping the first match.  That is why severity 4 is ``warn`` (not
``warning``), 3 is ``err`` and 0 is ``emerg``, and why facility codes 12-15
and 25-127 have no name (``unknown``).  The s6-log routing script of
syslogd-overlay matches these exact spellings, so they are data, not taste.
"""

from __future__ import annotations

#: severity code (0-7) -> name
SEVERITIES: tuple[str, ...] = (
    "emerg", "alert", "crit", "err", "warn", "notice", "info", "debug",
)

#: facility code (value >> 3) -> name, for the codes the libc names
FACILITIES: dict[int, str] = {
    0: "kern", 1: "user", 2: "mail", 3: "daemon", 4: "auth", 5: "syslog",
    6: "lpr", 7: "news", 8: "uucp", 9: "cron", 10: "authpriv", 11: "ftp",
    16: "local0", 17: "local1", 18: "local2", 19: "local3",
    20: "local4", 21: "local5", 22: "local6", 23: "local7",
    24: "mark",
}

UNKNOWN = "unknown"


def facility_name(code: int) -> str:
    """Name of a facility code (``value >> 3``, 0-127); ``unknown`` if none."""
    return FACILITIES.get(code, UNKNOWN)


def severity_name(code: int) -> str:
    """Name of a severity code (``value & 7``)."""
    return SEVERITIES[code & 7]


def pri_name(value: int) -> str:
    """``facility.severity`` for a PRI value.

    Only the low ten bits count (s6-socklog masks the facility with 0x3f8),
    so ``<1024>`` is ``kern.emerg`` and ``<2061>`` is ``user.notice``.
    """
    return "%s.%s" % (facility_name((value >> 3) & 127), SEVERITIES[value & 7])


def _prefixes() -> tuple[bytes, ...]:
    return tuple(("%s: " % pri_name(v)).encode("ascii") for v in range(1024))


#: ``b"facility.severity: "`` for every value of ``PRI & 0x3ff``: the hot
#: path indexes this instead of formatting names per line.
PREFIXES: tuple[bytes, ...] = _prefixes()
