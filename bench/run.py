#!/usr/bin/env python3
"""Benchmark harness for s6-log / s6-socklog / s6-svscan compatible programs.

    bench/run.py [OPTIONS] CANDIDATE [--vs OTHER] [--scenario NAME[,NAME...]]
    bench/run.py [OPTIONS] --scenario a -- python3 -m mylogger

CANDIDATE is a command given the reference program's command line (s6-log's
for the logger scenarios, s6-socklog's for syslog*, s6-svscan's for
supervise), or peer:NAME (see scenarios.py: multilog, svlogd, cat, pylog,
rsyslog, supervisord, circus, tini, dumb-init).  With --vs, A and B run in
turn (A B A B ...) and each figure's A/B ratio is taken pair by pair; the
median of those ratios is what to quote.  Python 3 standard library only.
"""
import argparse
import datetime
import json
import os
import platform
import shlex
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common  # noqa: E402
import scenarios  # noqa: E402


def fmt(x):
    if x is None:
        return "-"
    if isinstance(x, int) or (isinstance(x, float) and x.is_integer() and abs(x) >= 1000):
        return f"{int(x)}"
    if abs(x) >= 100:
        return f"{x:.0f}"
    if abs(x) >= 10:
        return f"{x:.1f}"
    if abs(x) >= 1:
        return f"{x:.2f}"
    return f"{x:.3f}"


def cell(xs):
    s = common.spread(xs)
    if s is None:
        return "-"
    return f"{fmt(s[1])} [{fmt(s[0])}..{fmt(s[2])}]"


def versions():
    out = {}
    if shutil.which("dpkg-query"):
        for pkg in ("s6", "execline", "daemontools", "runit", "rsyslog", "tini", "dumb-init"):
            try:
                v = subprocess.run(["dpkg-query", "-W", "-f", "${Version}", pkg], capture_output=True,
                                   text=True, timeout=5).stdout.strip()
                if v:
                    out[pkg] = v
            except (OSError, subprocess.SubprocessError):
                pass
    return out


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("candidate", nargs="*", help="command (quoted, or after --) or peer:NAME")
    ap.add_argument("--vs", default=None, help="second command or peer:NAME, run interleaved")
    ap.add_argument("--scenario", "-s", action="append", default=None,
                    help="names or letters, comma-separated (a..h, f=long8k+overlimit, logger, "
                         "syslog, supervise; --list). Default: logger")
    ap.add_argument("--list", action="store_true", help="list scenarios and exit")
    ap.add_argument("--runs", "-n", type=int, default=5)
    ap.add_argument("--warmup", type=int, default=1)
    ap.add_argument("--root", default=None, help="scratch root (default $S6BENCH_ROOT or TMPDIR/s6bench)")
    ap.add_argument("--json", default=None, help="write every run's figures here")
    ap.add_argument("--size-mb", type=int, default=None, help="override input sizes (MB)")
    ap.add_argument("--lines", type=int, default=1000000, help="lines for small-writes (e)")
    ap.add_argument("--feed", choices=("file", "pipe"), default="file",
                    help="stdin of the logger: the input file itself, or a pipe from cat")
    ap.add_argument("--timeout", type=float, default=600, help="per run")
    ap.add_argument("--keep", action="store_true", help="keep output dirs")
    ap.add_argument("--route-T", default="n20 s1000000 T",
                    help="what $T expands to in the syslogd-overlay script (its own fallback, "
                         "with S6_LOGGING_SCRIPT unset, is 'n20 s1000000')")
    ap.add_argument("--backend", default="s6-log", help="logger behind the socklog candidate (syslog*)")
    ap.add_argument("--vs-backend", default=None,
                    help="logger behind the --vs side (syslog*; default: --backend)")
    ap.add_argument("--senders", default="1,8", help="comma list of sender counts (syslog*)")
    ap.add_argument("--messages", type=int, default=200000, help="datagrams per syslog run")
    ap.add_argument("--services", type=int, default=10, help="services for supervise")
    ap.add_argument("--settle", type=float, default=1.0, help="s to wait before reading supervisor RSS")
    ap.add_argument("--supervisord", default="supervisord")
    ap.add_argument("--circusd", default="circusd")
    ap.add_argument("--rsyslogd", default="rsyslogd")
    ap.add_argument("--rsyslog-moddir", default=None, help="rsyslogd -M (modules directory)")
    ap.add_argument("--python", default="python3", help="interpreter for the idle reference")
    ap.add_argument("--no-pyref", dest="pyref", action="store_false",
                    help="skip the python3 idle reference in 'idle'")
    args = ap.parse_args(argv)
    args.senders = [int(x) for x in args.senders.split(",") if x]

    allsc = scenarios.build(args)
    if args.list:
        for k, v in allsc.items():
            print(f"{k:14s} {v.title}")
        print("aliases:", ", ".join(f"{k}={'+'.join(v)}" for k, v in scenarios.ALIASES.items()),
              ", syslog=" + "+".join(f"syslog{n}" for n in args.senders))
        return 0
    if not args.candidate:
        ap.error("a candidate is required")
    cand_spec = args.candidate[0] if len(args.candidate) == 1 else shlex.join(args.candidate)
    names = []
    for group in args.scenario or ["logger"]:
        for n in group.split(","):
            n = n.strip()
            if n == "syslog":
                names += [f"syslog{k}" for k in args.senders]
            elif n in scenarios.ALIASES:
                names += scenarios.ALIASES[n]
            elif n in allsc:
                names.append(n)
            else:
                ap.error(f"unknown scenario {n!r} (see --list)")

    ctx = scenarios.Ctx(args)
    peers = [("A", scenarios.parse_candidate(cand_spec))]
    if args.vs:
        peers.append(("B", scenarios.parse_candidate(args.vs)))

    report = {
        "date_utc": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "host": {"kernel": platform.release(), "cpus": os.cpu_count(), "python": platform.python_version(),
                 "mem_gib": round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30, 1)},
        "versions": versions(), "runs": args.runs, "warmup": args.warmup,
        "A": cand_spec, "B": args.vs, "feed": args.feed, "scenarios": {},
    }
    print(f"# {report['date_utc']}  {report['host']}  runs={args.runs} warmup={args.warmup}")
    print(f"# versions: {report['versions']}")
    print(f"# A = {cand_spec}" + (f"   B = {args.vs}" if args.vs else "") + f"   feed={args.feed}")

    for name in names:
        sc = allsc[name]
        sc.prepare(ctx)
        meta = getattr(sc, "meta", None)
        head = f"\n== {name}: {sc.title}"
        if meta and sc.kind == "logger":
            head += f"   [input {meta['kind']}: {meta['bytes']} bytes, {meta['lines']} lines]"
        print(head, flush=True)
        res = {"title": sc.title, "peers": {}}
        active = []
        for tag, cand in peers:
            try:
                desc, notes = sc.describe(cand, ctx)
                # no paths of this machine in what is printed or saved
                desc = desc.replace(sys.executable, "python3").replace(scenarios.HERE, "bench")
                print(f"   {tag}: {desc}" + (f"   ({'; '.join(notes)})" if notes else ""), flush=True)
                active.append((tag, cand))
                res["peers"][tag] = {"spec": cand[2], "command": desc, "runs": []}
            except scenarios.Unsupported as e:
                print(f"   {tag}: {cand[2]}: not run ({e})")
                res["peers"][tag] = {"spec": cand[2], "unsupported": str(e)}
        if not active:
            report["scenarios"][name] = res
            continue
        for i in range(args.warmup + args.runs):
            for tag, cand in active:
                try:
                    fig = sc.run_once(cand, ctx)
                except scenarios.Unsupported as e:
                    res["peers"][tag]["unsupported"] = str(e)
                    continue
                if fig.get("problems"):
                    print(f"   ! {tag} run {i}: {'; '.join(fig['problems'])}", flush=True)
                if i >= args.warmup:
                    res["peers"][tag]["runs"].append(fig)
        keys = sc.keys
        runs = {tag: res["peers"][tag].get("runs", []) for tag, _ in active}
        hdr = f"   {'figure':15s}" + "".join(f"{'%s median [min..max]' % t:>30s}" for t, _ in active)
        if len(active) == 2:
            hdr += f"{'A/B median [min..max]':>30s}"
        print(hdr)
        summary = {}
        for k in keys:
            cols = []
            vals = {}
            for tag, _ in active:
                xs = [r.get(k) for r in runs[tag]]
                vals[tag] = xs
                cols.append(cell(xs))
                summary.setdefault(tag, {})[k] = common.med(xs)
            if all(c == "-" for c in cols):
                continue
            line = f"   {k:15s}" + "".join(f"{c:>30s}" for c in cols)
            if len(active) == 2:
                rat = common.pair_ratios(vals["A"], vals["B"])
                line += f"{cell(rat):>30s}"
                summary.setdefault("A/B", {})[k] = common.med(rat)
            print(line, flush=True)
        res["summary"] = summary
        report["scenarios"][name] = res
        if args.json:
            with open(args.json, "w") as f:
                json.dump(report, f, indent=1, default=str)
    if args.json:
        with open(args.json, "w") as f:
            json.dump(report, f, indent=1, default=str)
    return 0


if __name__ == "__main__":
    sys.exit(main())
