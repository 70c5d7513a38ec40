"""Start-up cost of ``python3 -m init.execline -P script`` (script execs ``true``).

Compares, in one run on this machine, wall time per invocation of:
  * ``true`` alone (fork+exec floor),
  * the real execlineb (Debian's, /usr/lib/execline/bin/execlineb),
  * ``python3 -c pass`` (starting Python once: the floor for us),
  * ours, ``python3 -m init.execline -P script``,
each with and without ``-S`` (no site import: what a /command shim can use),
plus the import cost of our modules from ``-X importtime``.

    python3 bench/execline_startup.py [-n RUNS]

Not a test: prints a table (median and mean, ms) and the ratios to paste into
the README.
"""
from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
REAL = "/usr/lib/execline/bin/execlineb"
# What a /command/execlineb shim can run: no runpy (``-m`` imports importlib.util).
SHIM = (f"import sys; sys.path.insert(0, {ROOT!r}); "
        "from init.execline.execlineb import main; main(sys.argv[1:])")


def timeit(cmds: list[list[str]], runs: int) -> list[list[float]]:
    """Wall-clock ms of runs executions of each command, interleaved round by
    round so that load from elsewhere on the machine hits all of them alike."""
    env = {"PATH": "/usr/local/bin:/usr/bin:/bin", "LANG": "C.UTF-8"}
    for cmd in cmds:
        subprocess.run(cmd, cwd=ROOT, env=env, check=True)
    out: list[list[float]] = [[] for _ in cmds]
    for _ in range(runs):
        for k, cmd in enumerate(cmds):
            t = time.perf_counter()
            subprocess.run(cmd, cwd=ROOT, env=env, check=True)
            out[k].append((time.perf_counter() - t) * 1000)
    return out


def import_cost(py: list[str], script: str) -> tuple[int, int]:
    """(number of init.execline modules imported, their cumulative µs)."""
    p = subprocess.run(py + ["-X", "importtime", "-m", "init.execline", "-P", script],
                       cwd=ROOT, capture_output=True, text=True, check=True)
    ours = [ln for ln in p.stderr.splitlines() if "init.execline" in ln]
    total = 0
    for ln in ours:
        self_us = ln.split("|")[0].split(":")[1].strip()
        total += int(self_us)
    return len(ours), total


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("-n", "--runs", type=int, default=40)
    runs = ap.parse_args().runs
    py = sys.executable
    with tempfile.NamedTemporaryFile("w", suffix=".el", delete=False) as f:
        f.write("#!/command/execlineb -P\ntrue\n")
        script = f.name
    try:
        rows = [("true", ["true"])]
        if os.path.exists(REAL):
            rows.append(("real execlineb -P", [REAL, "-P", script]))
        rows += [
            ("python3 -c pass", [py, "-c", "pass"]),
            ("ours: python3 -m init.execline -P", [py, "-m", "init.execline", "-P", script]),
            ("python3 -S -c pass", [py, "-S", "-c", "pass"]),
            ("ours: python3 -S -m init.execline -P", [py, "-S", "-m", "init.execline", "-P", script]),
            ("ours: python3 -S shim (no runpy) -P", [py, "-S", "-c", SHIM, "-P", script]),
        ]
        results = {}
        print(f"{'command':42} {'median ms':>10} {'mean ms':>9}")
        for (name, _), t in zip(rows, timeit([cmd for _, cmd in rows], runs)):
            results[name] = statistics.median(t)
            print(f"{name:42} {statistics.median(t):10.2f} {statistics.mean(t):9.2f}")
        for flag, base, ours in (("", "python3 -c pass", "ours: python3 -m init.execline -P"),
                                 ("-S ", "python3 -S -c pass",
                                  "ours: python3 -S -m init.execline -P"),
                                 ("-S (shim) ", "python3 -S -c pass",
                                  "ours: python3 -S shim (no runpy) -P")):
            extra = results[ours] - results[base]
            print(f"ours vs python3 {flag}-c pass: +{extra:.2f} ms "
                  f"({results[ours] / results[base]:.2f}x)")
            if "real execlineb -P" in results:
                print(f"ours vs real execlineb ({flag or 'site'}): "
                      f"{results[ours] / results['real execlineb -P']:.1f}x")
        n, us = import_cost([py], script)
        print(f"init.execline modules imported for a trivial -P script: {n}, "
              f"{us / 1000:.2f} ms self time (-X importtime)")
    finally:
        os.unlink(script)


if __name__ == "__main__":
    main()
