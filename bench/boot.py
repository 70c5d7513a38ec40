"""Container boot-to-CMD and stop-to-exit latency: s6py's /init next to supervisord.

Both run as PID 1 of the same sandbox (``python3 -m init.sandbox /``: fresh
namespaces, overlayfs over /, tmpfs /run) with the same workload:

* 10 longruns (``sh`` exec'ing ``sleep``);
* a pipeline: a producer printing a line a second into a rotating logger
  (s6py: an s6-rc producer-for/consumer-for pair with ``logutil-service``;
  supervisord: the program's ``stdout_logfile`` with rotation, which is how
  supervisord logs);
* a oneshot making the log directory (supervisord: a program with
  ``autorestart=false``, started first);
* the "CMD": a script that stamps the time, the RSS of PID 1 and of
  everything, then sleeps (s6py: the container's CMD, started after every
  service is up; supervisord: the last program by priority).

Boot-to-CMD runs from the entrypoint's first instruction (a wrapper stamps
the time, then execs PID 1) to the CMD's stamp; stop-to-exit from SIGTERM
to the container (``docker stop``) to the sandbox's exit, sandbox teardown
included (a few ms, measured alone as "empty").  Runs alternate
s6py/supervisord; medians and ranges are printed.  Not a test.

    python3 bench/boot.py [--runs 5] [--supervisord /tmp/sv/bin/supervisord]

supervisord is optional: ``python3 -m venv /tmp/sv && /tmp/sv/bin/pip install supervisor``.
"""
from __future__ import annotations

import argparse
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

from tests.init.lifecycle.image import Image, env  # noqa: E402

ENTRY = "#!/bin/sh\ndate +%s.%N > /out/t0\nexec \"$@\"\n"
CMD = ("#!/bin/sh\ndate +%s.%N > /out/t1.tmp\n"
       "ps -o rss= -p 1 > /out/rss1; ps -eo rss= | awk '{s+=$1} END {print s}' > /out/rssall\n"
       "pgrep -c -x sleep > /out/sleeps\nmv /out/t1.tmp /out/t1\nexec sleep 100000\n")
SERVICES = 10


def s6py_image(tmp: str) -> Image:
    im = Image(tmp)
    for i in range(1, SERVICES + 1):
        im.rc(f"svc{i:02}", "longrun", run="#!/bin/sh\nexec sleep 100000\n")
    im.rc("prep", "oneshot", up="if { mkdir -p /var/log/pipe } chown nobody /var/log/pipe\n")
    im.rc("prod", "longrun", user=None, run="#!/bin/sh\nwhile :; do echo tick; sleep 1; done\n",
          producer_for="plog\n")
    im.rc("plog", "longrun", user=None, deps=("base", "prep"),
          run="#!/bin/sh\nexec logutil-service /var/log/pipe\n", consumer_for="prod\n",
          pipeline_name="pipe\n")
    im.file("/etc/s6-overlay/user-bundles.d/user/contents.d/pipe", "")
    im.script("/usr/local/bin/cmd", CMD)
    im.script("/entry", ENTRY)
    return im


def supervisord_image(tmp: str, supervisord: str) -> Image:
    im = Image(tmp)
    conf = ["[supervisord]", "nodaemon=true", "logfile=/dev/null", "logfile_maxbytes=0",
            "pidfile=/run/supervisord.pid", "user=root", "",
            "[program:prep]", "command=/bin/sh -c \"mkdir -p /var/log/pipe\"", "priority=1",
            "autorestart=false", "startsecs=0", ""]
    for i in range(1, SERVICES + 1):
        conf += [f"[program:svc{i:02}]", "command=/bin/sh -c \"exec sleep 100000\"",
                 "priority=10", "startsecs=0", ""]
    conf += ["[program:prod]", "command=/bin/sh -c \"while :; do echo tick; sleep 1; done\"",
             "stdout_logfile=/var/log/pipe/current", "stdout_logfile_maxbytes=1MB",
             "stdout_logfile_backups=20", "priority=20", "startsecs=0", "",
             "[program:cmd]", "command=/usr/local/bin/cmd", "priority=999", "startsecs=0",
             "autorestart=false", ""]
    im.file("/etc/supervisord.conf", "\n".join(conf))
    im.file("/var/log/pipe/.keep", "")     # supervisord checks log directories at start-up
    im.script("/usr/local/bin/cmd", CMD)
    im.script("/entry", ENTRY)
    return im


def read_float(im: Image, name: str) -> float:
    with open(os.path.join(im.outdir, name)) as f:
        return float(f.read().strip() or "nan")


def one(im: Image, entry_args: list[str], timeout: float = 60) -> dict:
    im.clear_out()
    argv = im.argv(entry_args, None, ["--entrypoint", "/entry"])
    t_spawn = time.time()
    p = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                         stderr=subprocess.DEVNULL, env=env(), cwd=ROOT)
    t1 = os.path.join(im.outdir, "t1")
    end = time.monotonic() + timeout
    while not os.path.exists(t1):
        if p.poll() is not None or time.monotonic() > end:
            p.kill()
            p.wait()
            raise RuntimeError(f"no CMD stamp (exit {p.returncode})")
        time.sleep(0.005)
    time.sleep(0.5)                        # let the services settle
    t_stop = time.time()
    p.send_signal(signal.SIGTERM)
    p.wait(timeout)
    t_exit = time.time()
    t0, tc = read_float(im, "t0"), read_float(im, "t1")
    with open(os.path.join(im.outdir, "sleeps")) as f:
        sleeps = int(f.read().strip() or 0)
    return {"boot": tc - t0, "spawn_to_cmd": tc - t_spawn, "stop": t_exit - t_stop,
            "rss1": read_float(im, "rss1") / 1024, "rssall": read_float(im, "rssall") / 1024,
            "sleeps_at_cmd": sleeps, "code": p.returncode}


def empty(im: Image) -> float:
    """The sandbox alone: spawn to exit of an entrypoint that exits at once."""
    t = time.time()
    subprocess.run(im.argv([], None, ["--entrypoint", "/bin/true"]), env=env(), cwd=ROOT,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    return time.time() - t


def fmt(xs: list[float], unit: str = "ms", scale: float = 1000) -> str:
    xs = [x * scale for x in xs]
    return f"{statistics.median(xs):7.0f} {unit} [{min(xs):.0f}..{max(xs):.0f}]"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--supervisord", default="/tmp/sv/bin/supervisord")
    a = ap.parse_args()
    if os.geteuid() != 0:
        print("needs root (the sandbox)", file=sys.stderr)
        return 1
    tmp = tempfile.mkdtemp(prefix="s6py-bench-boot-")
    sides = {"s6py": (s6py_image(os.path.join(tmp, "s6py")), ["/init", "/usr/local/bin/cmd"])}
    if os.access(a.supervisord, os.X_OK):
        sides["supervisord"] = (supervisord_image(os.path.join(tmp, "sv"), a.supervisord),
                                [a.supervisord, "-n", "-c", "/etc/supervisord.conf"])
    else:
        print(f"(no {a.supervisord}: s6py only)", file=sys.stderr)
    results: dict[str, list[dict]] = {k: [] for k in sides}
    one(*sides["s6py"])                    # warm-up: page cache, __pycache__
    for _ in range(a.runs):
        for name, (im, args) in sides.items():
            results[name].append(one(im, args))
    base = [empty(sides["s6py"][0]) for _ in range(3)]
    print(f"machine: {os.cpu_count()} cores, load {os.getloadavg()[0]:.2f}; runs: {a.runs}; "
          f"sandbox alone (spawn to exit): {fmt(base).strip()}")
    print(f"{'':12} {'boot-to-CMD':>24} {'stop-to-exit':>24} {'PID 1 RSS':>22} "
          f"{'all RSS':>22}  sleeps@CMD  exit")
    for name, rs in results.items():
        print(f"{name:12} {fmt([r['boot'] for r in rs]):>24} {fmt([r['stop'] for r in rs]):>24} "
              f"{fmt([r['rss1'] for r in rs], 'MB', 1):>22} "
              f"{fmt([r['rssall'] for r in rs], 'MB', 1):>22}  "
              f"{statistics.median(r['sleeps_at_cmd'] for r in rs):>10}  "
              f"{sorted({r['code'] for r in rs})}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
