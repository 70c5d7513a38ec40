"""The forwarder's ``--grep`` / ``--exclude``: POSIX EREs, after the stamps, bounded in time."""
from __future__ import annotations

import asyncio
import json
import subprocess
import sys
import threading
import time

from logd.stamps import tai64n_label
from syslogd.forward.linefilter import LineFilter
from tests.logd.reading.helpers import env

HOSTILE = b"word word word word word word word word xxxxxxxxxxxxxxxxxxxx!"


def test_line_filter_is_the_loggers_dialect_after_the_stamps():
    stamp = b"@" + tai64n_label(1795870728 * 10**9)[1:] + b" "
    lines = [stamp + b"auth.info: ok", b"daemon.err: bad", stamp + b"auth.err: x", b"d9"]
    keep = LineFilter([rb"^auth\.", rb"^\d"], [rb"\.err:"])
    assert keep(lines) == [lines[0], lines[3]]
    assert LineFilter([], [])(lines) == lines
    assert LineFilter([], [rb"^[[:alpha:]]+\.err"])(lines) == [lines[0], lines[3]]


def test_a_hostile_pattern_costs_linear_time():
    keep = LineFilter([rb"^([a-z]+ ?)*$"], [])
    t = time.process_time()
    assert keep([HOSTILE] * 50 + [b"ab cd"]) == [b"ab cd"]
    assert time.process_time() - t < 30  # Python's re alone: hours per line


def _collector(port: list, frames: list, done: threading.Event) -> None:
    async def handle(reader, writer):
        buf = b""
        while data := await reader.read(65536):
            buf += data
        while buf:
            n, _, rest = buf.partition(b" ")
            frames.append(rest[:int(n)])
            buf = rest[int(n):]
        writer.close()
        done.set()

    async def main():
        server = await asyncio.start_server(handle, "127.0.0.1", 0)
        port.append(server.sockets[0].getsockname()[1])
        while not done.is_set():
            await asyncio.sleep(0.02)
        server.close()

    asyncio.run(main())


def _forward(log, state, *filters: str):
    port, frames, done = [], [], threading.Event()
    th = threading.Thread(target=_collector, args=(port, frames, done), daemon=True)
    th.start()
    while not port:
        time.sleep(0.01)
    cmd = [sys.executable, "-m", "syslogd.forward", str(log), "--to", f"tcp://127.0.0.1:{port[0]}",
           "--state", str(state), "--oneshot", *filters]
    proc = subprocess.run(cmd, env=env(), capture_output=True, timeout=120)
    done.set()
    th.join(30)
    assert proc.returncode == 0, proc.stderr
    return [f.split(b" - - - ", 1)[1] for f in frames], proc.stderr


def test_forward_ships_only_the_selected_lines(tmp_path):
    log = tmp_path / "log"
    log.mkdir()
    texts = [b"auth.info: login %d" % i if i % 3 else b"user.notice: hello %d" % i
             for i in range(300)] + [HOSTILE] * 20
    (log / "current").write_bytes(b"".join(
        tai64n_label((1795870728 + i) * 10**9) + b" " + x + b"\n" for i, x in enumerate(texts)))
    sent, err = _forward(log, tmp_path / "st.json", "--grep", "^auth\\.", "--grep",
                         "^([a-z]+ ?)*$", "--exclude", "login [0-9]*5$")
    want = [x for x in texts if x.startswith(b"auth.") and not x.endswith(b"5")]
    assert sent == [x.split(b": ", 1)[1] for x in want]
    assert f"{len(want)} lines sent".encode() in err
    assert f"{len(texts) - len(want)} filtered out".encode() in err
    # the cursor moved past the filtered lines too: the next run sends nothing
    sent, err = _forward(log, tmp_path / "st.json", "--grep", "^user")
    assert sent == [], err
    cursor = json.loads((tmp_path / "st.json").read_text())["cursor"]
    assert cursor["offset"] == (log / "current").stat().st_size


def test_forward_refuses_a_bad_pattern(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "syslogd.forward", str(tmp_path), "--to",
                           "tcp://127.0.0.1:9", "--grep", "a{1"], env=env(), capture_output=True,
                          timeout=60)
    assert proc.returncode == 2 and b"bad regular expression" in proc.stderr
