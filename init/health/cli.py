"""``s6py health [--json]``: exit 0 when healthy, 1 when not (Docker HEALTHCHECK, probes)."""
from __future__ import annotations

import json
import sys

import click

from init.health import assess, probe


@click.command()
@click.option("--json", "as_json", is_flag=True, help="The whole report as one JSON object.")
@click.option("--scandir", default="/run/service", show_default=True, metavar="DIR",
              help="The supervision scan directory.")
@click.option("--registry", default=None, metavar="DIR",
              help="Where loggers register their counters (default: $S6PY_COUNTERS_DIR "
                   "or /run/s6py/counters).")
def health(as_json: bool, scandir: str, registry: str | None) -> None:
    """Every longrun up (and ready), every logger alive, keeping up and writing.

    Loggers and s6-socklog report counters (lines cut at -l, datagrams
    truncated, write retries, processor failures, time blocked) when the
    container runs with S6_LOGGING_COUNTERS=1.  Exit 0: healthy; 1: not (each
    problem on a line of its own).
    """
    from logd.counters import registry as default_registry

    report = assess.assess(probe.services(scandir),
                           probe.loggers(registry or default_registry()), scandir)
    if as_json:
        sys.stdout.write(json.dumps(report, sort_keys=True) + "\n")
    else:
        sys.stdout.write(assess.render_text(report))
    sys.exit(0 if report["healthy"] else 1)
