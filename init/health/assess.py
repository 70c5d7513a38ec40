"""The health verdict from what probe.py read (pure).

A service is a problem when it should be up (its supervisor wants it up)
and is not, or announces readiness (``notification-fd``) and is up but not
ready.  A logger is a problem when its process is gone while its file says
it runs, when its input pipe is nearly full (its writers are about to
block: it is not keeping up), or when it holds data it could not write
(disk full, a failing processor).  Counters of cut lines, truncated
datagrams, retries and time blocked are reported, not judged: they are
facts about the past, and a probe must not flap on them.
"""
from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

BACKLOG_LIMIT = 0.9  # of the pipe's capacity


def service_problems(svc: dict[str, Any]) -> list[str]:
    name = svc["name"]
    if not svc.get("supervised", True):
        return [f"{name}: not supervised"]
    if svc["want_up"] and not svc["up"]:
        return [f"{name}: down, should be up"]
    if svc["up"] and svc["notifies"] and not svc["ready"]:
        return [f"{name}: up but not ready"]
    return []


def logger_problems(lg: dict[str, Any]) -> list[str]:
    what = lg.get("logdir") or lg.get("path", "?")
    out = []
    if lg.get("state") == "running" and not lg.get("alive"):
        out.append(f"logger of {what}: gone (pid {lg.get('pid')})")
        return out
    cap, backlog = lg.get("pipe_capacity"), lg.get("backlog")
    if lg.get("alive") and cap and backlog is not None and backlog >= BACKLOG_LIMIT * cap:
        out.append(f"logger of {what}: not keeping up ({backlog} of {cap} bytes waiting)")
    if lg.get("alive") and lg.get("held_bytes"):
        out.append(f"logger of {what}: holding {lg['held_bytes']} bytes it cannot write")
    return out


def assess(services: list[dict[str, Any]] | None, loggers: list[dict[str, Any]],
           scandir: str = "/run/service") -> dict[str, Any]:
    """``{"healthy", "problems", "services", "loggers", "totals"}``; ``services``
    None: there is no scan directory (no supervision tree to be healthy)."""
    problems: list[str] = []
    if services is None:
        problems.append(f"no supervision tree: {scandir} is not a directory")
        services = []
    for svc in services:
        problems += service_problems(svc)
    totals = {"split": 0, "truncated": 0, "write_retries": 0, "processor_failures": 0,
              "blocked_ms": 0}
    seen_pids: set = set()
    for lg in loggers:
        problems += logger_problems(lg)
        for key in ("write_retries", "processor_failures", "truncated"):
            totals[key] += int(lg.get(key, 0) or 0)
        if lg.get("pid") not in seen_pids:  # process-wide figures, once per logger
            seen_pids.add(lg.get("pid"))
            totals["split"] += int(lg.get("split", 0) or 0)
            totals["blocked_ms"] += int(lg.get("blocked_ms", 0) or 0)
    return {"healthy": not problems, "problems": problems, "services": services,
            "loggers": loggers, "totals": totals}


def render_text(report: dict[str, Any]) -> str:
    lines = [f"s6py health: {p}" for p in report["problems"]]
    up = sum(1 for s in report["services"] if s.get("up"))
    alive = sum(1 for lg in report["loggers"] if lg.get("alive"))
    t = report["totals"]
    lines.append(
        f"s6py health: {'healthy' if report['healthy'] else 'UNHEALTHY'}: "
        f"{up}/{len(report['services'])} services up, {alive} loggers running; "
        f"lines cut {t['split']}, datagrams truncated {t['truncated']}, write retries "
        f"{t['write_retries']}, processor failures {t['processor_failures']}, "
        f"blocked {t['blocked_ms']} ms")
    return "\n".join(lines) + "\n"
