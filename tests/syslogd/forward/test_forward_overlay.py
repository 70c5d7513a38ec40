"""The example service in overlays/forwarder: its run script really forwards."""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
from pathlib import Path

from tests.logd.reading.helpers import env

REPO = Path(__file__).resolve().parents[3]
SERVICE = REPO / "overlays/forwarder/etc/s6-overlay/s6-rc.d/syslogd-forward"


def test_service_definition_is_s6_rc_source():
    assert (SERVICE / "type").read_text() == "longrun\n"
    assert (SERVICE / "notification-fd").read_text() == "3\n"
    assert (SERVICE / "dependencies.d" / "syslogd-log").exists()
    assert (REPO / "overlays/forwarder/etc/s6-overlay/user-bundles.d/user/contents.d"
            / "syslogd-forward").exists()


def run_service(extra_env: dict) -> tuple[subprocess.Popen, int]:
    r, w = os.pipe()
    e = env()
    e.update(extra_env)
    proc = subprocess.Popen(["sh", str(SERVICE / "run")], env=e, pass_fds=(3,),
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            preexec_fn=lambda: os.dup2(w, 3), start_new_session=True)
    os.close(w)
    return proc, r


def test_run_script_notifies_and_forwards(tmp_path):
    log = tmp_path / "log"
    log.mkdir()
    (log / "current").write_bytes(b"@400000006b0ad02d364b2c6c hello from the overlay\n")
    srv = socket.create_server(("127.0.0.1", 0))
    port = srv.getsockname()[1]
    proc, ready = run_service({"S6PY_FORWARD_TO": f"tcp://127.0.0.1:{port}",
                               "S6PY_FORWARD_LOGDIR": str(log),
                               "S6PY_FORWARD_STATE_DIR": str(tmp_path / "state")})
    try:
        assert os.read(ready, 1) == b"\n"
        srv.settimeout(30)
        conn, _ = srv.accept()
        conn.settimeout(30)
        data = b""
        while b"overlay" not in data:
            chunk = conn.recv(4096)
            assert chunk
            data += chunk
        assert data.endswith(b" - - - hello from the overlay")
    finally:
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(30) == 0
        proc.stdout.close()
        os.close(ready)
        srv.close()
    assert len(os.listdir(tmp_path / "state")) == 1


def test_run_script_without_a_target_says_so_and_is_ready(tmp_path):
    proc, ready = run_service({"S6PY_FORWARD_TO": ""})
    try:
        assert os.read(ready, 1) == b"\n"
        out = proc.stdout.readline()
        time.sleep(0.1)
        assert proc.poll() is None
    finally:
        os.killpg(proc.pid, signal.SIGKILL)  # its own session: the sh and its sleep
        proc.wait()
        proc.stdout.close()
        os.close(ready)
    assert b"S6PY_FORWARD_TO is not set" in out
