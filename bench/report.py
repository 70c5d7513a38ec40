#!/usr/bin/env python3
"""The README's performance table: logd and syslogd against s6-log and
s6-socklog, measured in the same run, as ratios of medians.

    python3 bench/report.py                  # full size, 5 interleaved pairs
    python3 bench/report.py --size-mb 50 --runs 3   # quicker

Needs only this repository and the real s6 (``apt-get install s6``).  The
candidates run the way the overlay's /command shims run them: the
interpreter by its real path, ``-S`` (no site: the container's packages do
not slow a logger's start), the repository on PYTHONPATH.

Prints a Markdown table (also written to --out) with each scenario's target
from the project's issues #4 and #13; quote it with the date and machine it
prints.
"""
from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)


SHIM = """#!/bin/sh
exec {python} -S -c 'import sys; sys.path.insert(0, "{repo}"); from {module} import main; sys.exit(main(sys.argv[1:]))' "$@"
"""


def candidate(module: str, where: str) -> str:
    """A /command-style shim: sh execs the interpreter, no site, no runpy."""
    path = os.path.join(where, module.replace(".", "-"))
    with open(path, "w") as f:
        f.write(SHIM.format(python=sys.executable, repo=REPO, module=module))
    os.chmod(path, 0o755)
    return path


# scenario -> (figure, label, target: ("ratio", max) | ("ratio>=", min) | ("abs", max, unit))
TARGETS = [
    ("default", "wall_s", "a: -b n20 s1000000 T, 100-byte lines (wall)", ("ratio", 1.0)),
    ("default", "cpu_s", "a: same (CPU)", ("ratio", 1.0)),
    ("tai", "wall_s", "c: the same with t", ("ratio", 1.0)),
    ("route", "wall_s", "d: ten-logdir syslog routing script", ("ratio", 0.5)),
    ("redos", "wall_s", "r: backtracking-prone selection, 2% near-miss lines", ("ratio", 2.0)),
    ("small-writes", "wall_s", "e: 1M lines, one write() each", ("ratio", 1.5)),
    ("long8k", "wall_s", "f: 8 KB lines", ("ratio", 1.0)),
    ("overlimit", "wall_s", "f: 20 KB lines (split at -l 8192)", ("ratio", 1.0)),
    ("idle", "rss_kb", "g: idle RSS of one logger", ("abs", 16 * 1024, "KB")),
    ("startup", "ready_ms", "h: spawn to readiness (-d 3)", ("abs", 40, "ms")),
    ("startup", "first_ms", "h: spawn to first line on disk", ("abs", 45, "ms")),
    ("syslog1", "dgram_s", "syslogd piped into logd, 1 sender (datagrams/s)", ("ratio>=", 1.0)),
    ("syslog8", "dgram_s", "syslogd piped into logd, 8 senders (datagrams/s)", ("ratio>=", 1.0)),
]


def run_harness(args: list[str], json_path: str) -> dict:
    # extra.py: run.py with s6py's own scenarios (r) registered
    cmd = [sys.executable, os.path.join(HERE, "extra.py")] + args + ["--json", json_path]
    print("+", " ".join(cmd), file=sys.stderr, flush=True)
    subprocess.run(cmd, check=False)
    try:
        with open(json_path) as f:
            return json.load(f).get("scenarios", {})
    except (OSError, ValueError):
        return {}


def fmt(x: float | None, unit: str = "") -> str:
    if x is None:
        return "–"
    if abs(x) >= 100:
        return f"{x:,.0f}{unit}"
    return f"{x:.3g}{unit}"


def row(scen: dict, figure: str, label: str, target: tuple) -> str:
    summary = scen.get("summary", {})
    a = summary.get("A", {}).get(figure)
    b = summary.get("B", {}).get(figure)
    ratio = summary.get("A/B", {}).get(figure)
    kind = target[0]
    if kind == "abs":
        goal = f"≤ {target[1]:g} {target[2]}"
        ok = a is not None and a <= target[1]
    elif kind == "ratio":
        goal = f"≤ {target[1]:g}×"
        ok = ratio is not None and ratio <= target[1]
    else:
        goal = f"≥ {target[1]:g}×"
        ok = ratio is not None and ratio >= target[1]
    lost = summary.get("A", {}).get("lost")
    extra = f" (lost {fmt(lost)})" if lost is not None else ""
    return (f"| {label} | {fmt(b)} | {fmt(a)}{extra} | {fmt(ratio)} | {goal} | "
            f"{'yes' if ok else 'no'} |")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--warmup", type=int, default=1)
    ap.add_argument("--size-mb", type=int, default=None)
    ap.add_argument("--messages", type=int, default=None, help="syslog datagrams per run")
    ap.add_argument("--skip-syslog", action="store_true")
    ap.add_argument("--out", default=None, help="also write the table here")
    args = ap.parse_args()
    common = ["--runs", str(args.runs), "--warmup", str(args.warmup), "--python", sys.executable]
    if args.size_mb:
        common += ["--size-mb", str(args.size_mb)]
    results: dict = {}
    with tempfile.TemporaryDirectory() as tmp:
        results.update(run_harness([candidate("logd.main", tmp), "--vs", "s6-log", "-s", "a,c,d,r,e,f,g,h"]
                                   + common, os.path.join(tmp, "logd.json")))
        if not args.skip_syslog:
            extra = ["--messages", str(args.messages)] if args.messages else []
            results.update(run_harness(
                [candidate("syslogd.__main__", tmp), "--vs", "s6-socklog", "-s", "syslog",
                 "--backend", candidate("logd.main", tmp), "--vs-backend", "s6-log"] + common + extra,
                os.path.join(tmp, "syslogd.json")))
    uname = platform.uname()
    lines = [
        f"Measured {datetime.date.today().isoformat()} on {uname.system} {uname.release} "
        f"{uname.machine}, {os.cpu_count()} CPUs, Python {platform.python_version()}; "
        f"medians of {args.runs} interleaved pairs"
        + (f", inputs cut to {args.size_mb:g} MB" if args.size_mb else "") + ".",
        "",
        "| scenario | s6 (C) | s6py | ratio | target | met |",
        "|---|---|---|---|---|---|",
    ]
    for name, figure, label, target in TARGETS:
        if name in results:
            lines.append(row(results[name], figure, label, target))
    table = "\n".join(lines)
    print(table)
    if args.out:
        with open(args.out, "w") as f:
            f.write(table + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
