"""Forwarding throughput to a real rsyslogd, in lines per second.

    python3 bench/forward.py [--lines N] [--rounds R]

Builds a logdir of N numbered lines with ``t`` stamps (written by logd,
rotating every 1 MB), starts rsyslogd privately on 127.0.0.1 (as the tests
do), and times, from start to the last line in rsyslog's output file:

* ``ceiling``: the same RFC 5424 messages, built beforehand, written with
  one blocking ``sendall`` (what rsyslog can take: no reading, no building);
* ``tcp``: ``python3 -m syslogd.forward`` (asyncio, plain reads);
* ``tcp+aiofiles``: the same, reading the logdir through aiofiles' thread pool;
* ``tls``: ``tls://`` with a test CA (rsyslog's ossl/gtls driver);
* ``udp``: ``udp://`` at the default rate cap (lines rsyslog dropped are
  reported); ``udp-nocap``: the same with ``--rate 0``.

Rounds are interleaved and the median is printed.  Keep N modest: the
machine is shared.
"""
from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tests.syslogd.forward.collector import (  # noqa: E402
    RSYSLOGD,
    Rsyslog,
    make_tls_files,
    tls_driver,
)


def env() -> dict:
    e = dict(os.environ)
    e["PYTHONPATH"] = str(REPO) + os.pathsep + e.get("PYTHONPATH", "")
    return e


def make_logdir(root: Path, n: int) -> Path:
    data = b"".join(b"%08d %s\n" % (i, b"x" * 70) for i in range(n))
    subprocess.run([sys.executable, "-m", "logd", "n1000", "s1000000", "t", str(root / "log")],
                   input=data, check=True, env=env())
    return root / "log"


def count_lines(path: Path, state: dict) -> int:
    """Lines in rsyslog's output so far (reads only what was appended)."""
    try:
        with open(path, "rb") as f:
            f.seek(state.get("pos", 0))
            data = f.read()
    except FileNotFoundError:
        return 0
    state["pos"] = state.get("pos", 0) + len(data)
    state["n"] = state.get("n", 0) + data.count(b"\n")
    return state["n"]


def wait_for(rs: Rsyslog, n: int, proc: subprocess.Popen | None, limit: float = 120.0) -> int:
    state: dict = {}
    end = time.monotonic() + limit
    last, still = -1, time.monotonic()
    while time.monotonic() < end:
        got = count_lines(rs.out, state)
        if got >= n:
            return got
        if got != last:
            last, still = got, time.monotonic()
        elif time.monotonic() - still > 3.0:  # nothing new for 3 s: UDP lost the rest
            return got
        time.sleep(0.01)
    return count_lines(rs.out, state)


def run_forwarder(logdir: Path, rs: Rsyslog, scheme: str, n: int, extra: list) -> tuple[float, int]:
    with tempfile.TemporaryDirectory() as st:
        t0 = time.perf_counter()
        proc = subprocess.Popen([sys.executable, "-m", "syslogd.forward", str(logdir), "--to",
                                 f"{scheme}://127.0.0.1:{rs.port}", "--state", f"{st}/c.json",
                                 *extra], env=env(), stderr=subprocess.DEVNULL)
        got = wait_for(rs, n, proc)
        elapsed = time.perf_counter() - t0
        proc.terminate()
        proc.wait(30)
    return elapsed, got


def run_ceiling(logdir: Path, rs: Rsyslog, n: int) -> tuple[float, int]:
    from logd.reading.reader import LogdirReader
    from syslogd.forward.message import Builder, octet_counted

    r = LogdirReader(str(logdir))
    b = Builder("bench", "log")
    payload = []
    while (batch := r.read()) is not None:
        payload.append(octet_counted([b(x) for x in batch.lines]))
    r.close()
    data = b"".join(payload)
    t0 = time.perf_counter()
    with socket.create_connection(("127.0.0.1", rs.port)) as s:
        s.sendall(data)
        got = wait_for(rs, n, None)
    return time.perf_counter() - t0, got


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--lines", type=int, default=100_000)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--only", nargs="*", help="variants to run")
    args = ap.parse_args()
    if RSYSLOGD is None:
        sys.exit("rsyslogd is not installed (apt-get install rsyslog rsyslog-openssl)")
    n = args.lines
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        logdir = make_logdir(root, n)
        tls = make_tls_files(root / "pki") if tls_driver() else None
        variants = {
            "ceiling": ("tcp", None, lambda rs: run_ceiling(logdir, rs, n)),
            "tcp": ("tcp", None, lambda rs: run_forwarder(logdir, rs, "tcp", n, [])),
            "tcp+aiofiles": ("tcp", None,
                             lambda rs: run_forwarder(logdir, rs, "tcp", n, ["--aiofiles"])),
            "udp": ("udp", None, lambda rs: run_forwarder(logdir, rs, "udp", n, [])),
            "udp-nocap": ("udp", None,
                          lambda rs: run_forwarder(logdir, rs, "udp", n, ["--rate", "0"])),
        }
        if tls:
            variants["tls"] = ("tcp", tls, lambda rs: run_forwarder(
                logdir, rs, "tls", n, ["--ca", tls["ca"], "--server-name", "localhost"]))
        chosen = args.only or list(variants)
        results: dict[str, list[tuple[float, int]]] = {k: [] for k in chosen}
        for rnd in range(args.rounds):
            for name in chosen:
                proto, pki, fn = variants[name]
                rs = Rsyslog(root / f"rs-{name}-{rnd}", proto, pki).start()
                try:
                    results[name].append(fn(rs))
                finally:
                    rs.stop()
        print(f"{n} lines of ~100 bytes, median of {args.rounds} rounds "
              f"(rsyslogd {RSYSLOGD}, TLS driver {tls_driver()})")
        for name in chosen:
            secs = statistics.median(t for t, _ in results[name])
            got = min(g for _, g in results[name])
            lost = f"  ({n - got} lines lost)" if got < n else ""
            print(f"  {name:14s} {n / secs:10.0f} lines/s  ({secs:.2f} s){lost}")


if __name__ == "__main__":
    main()
