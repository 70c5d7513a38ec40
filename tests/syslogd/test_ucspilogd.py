"""``python3 -m syslogd.ucspilogd`` against the real ucspilogd."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time

import pytest

from .helpers import REAL_UCSPILOGD, UCSPILOGD, env

CASES = [
    # (args, environment additions, stdin)
    (["-D", "dflt", "--", "A", "B"], {}, b"a\0b\nc"),
    (["-Dx", "-Dy", "FOO", "A"], {"FOO": "bar"}, b"<13>a\n"),
    ([], {}, b"@400000006500000000000000 <14>x\n@400000006500000000000000 \n"
             b"@40000000650000000000000 <14>x\n@4000000065000000000000g0 <14>x\n"
             b"@400000006500000000000000x<14>y\n\0\n<30>one\0<31>two\0<29>three"),
    (["A"], {"A": "1"}, b"@400000006500000000000000 <14>stamped\n"),
    (["X"], {}, b"x\0\0y\n"),
    ([], {}, b"a\r\nb\0" + b"\xff\xfe\x1b" + b"<4294967296>x\n<4294967295>y\n<13\n<>\n"),
    ([], {}, b""),
    ([], {}, b"\n\n"),
    ([], {}, b"<13>" + b"long " * 20000 + b"\n"),
    (["-D", "1", "--", "-D"], {}, b"x\n"),
]


def run(cmd, args, extra, data, **kw):
    e = env()
    for k in ("A", "B", "FOO", "X"):
        e.pop(k, None)
    e.update(extra)
    return subprocess.run(list(cmd) + args, input=data, env=e, capture_output=True,
                          timeout=30, **kw)


@pytest.mark.parametrize("args,extra,data", CASES)
def test_same_output_as_ucspilogd(args, extra, data):
    if not REAL_UCSPILOGD:
        pytest.skip("ucspilogd not installed")
    ours = run(UCSPILOGD, args, extra, data)
    real = run([REAL_UCSPILOGD], args, extra, data)
    assert (ours.returncode, ours.stdout, ours.stderr) == (real.returncode, real.stdout, real.stderr)


def test_documented_examples():
    p = run(UCSPILOGD, ["A"], {"A": "1"}, b"@400000006500000000000000 <14>stamped\n")
    assert p.stdout == b"@400000006500000000000000 1: user.info: stamped\n"
    p = run(UCSPILOGD, ["FOO", "BAR"], {"FOO": "bar"}, b"<13>a\n")
    assert p.stdout == b"bar: <undefined>: user.notice: a\n"


@pytest.mark.parametrize("args", [["-d", "x"], ["-z"], ["-D"]])
def test_usage(args):
    p = run(UCSPILOGD, args, {}, b"")
    assert (p.returncode, p.stderr) == (100, b"ucspilogd: usage: ucspilogd [ -D default ] [ var... ]\n")


def test_io_errors_are_reported_as_the_real_one_does():
    with open("/dev/full", "wb") as full:
        p = subprocess.run(UCSPILOGD, input=b"x\n", stdout=full, stderr=subprocess.PIPE,
                           env=env(), timeout=30)
    assert p.returncode == 111
    assert p.stderr == b"ucspilogd: fatal: unable to read from stdin: No space left on device\n"
    p = subprocess.run(UCSPILOGD, stdin=None, capture_output=True, env=env(), timeout=30,
                       preexec_fn=lambda: os.close(0))
    assert p.returncode == 111
    assert p.stderr == b"ucspilogd: fatal: unable to read from stdin: Bad file descriptor\n"


def test_a_vanished_reader_kills_it_with_sigpipe():
    r, w = os.pipe()
    os.close(r)
    p = subprocess.run(UCSPILOGD, input=b"x\n" * 10, stdout=w, stderr=subprocess.PIPE,
                       env=env(), timeout=30)
    os.close(w)
    assert p.returncode == -signal.SIGPIPE


IPCSERVER = shutil.which("s6-ipcserver")
FDMOVE = shutil.which("fdmove") or ("/usr/lib/execline/bin/fdmove"
                                    if os.path.exists("/usr/lib/execline/bin/fdmove") else None)


@pytest.mark.root
@pytest.mark.skipif(not (IPCSERVER and FDMOVE and os.geteuid() == 0),
                    reason="needs root, s6-ipcserver and execline's fdmove")
def test_under_s6_ipcserver_with_peer_credentials(tmp_path):
    """The documented set-up: ``s6-ipcserver PATH fdmove -c 1 3 ucspilogd
    IPCREMOTEEUID IPCREMOTEEGID``; a client running as nobody."""
    public = tempfile.mkdtemp(prefix="s6py-ucspi-")  # pytest's tmp is root-only
    os.chmod(public, 0o755)
    sock = os.path.join(public, "stream.sock")
    out = open(tmp_path / "out", "wb")
    srv = subprocess.Popen(
        [IPCSERVER, "-1", "-a", "0777", sock, FDMOVE, "-c", "1", str(out.fileno()), *UCSPILOGD,
         "IPCREMOTEEUID", "IPCREMOTEEGID"],
        stdout=subprocess.PIPE, pass_fds=(out.fileno(),), env=env(), start_new_session=True)
    try:
        assert srv.stdout.readline() == b"\n"
        client = ("import socket; s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM); "
                  "s.connect(%r); s.sendall(b'<30>one\\0<31>two\\0<29>three')" % sock)
        subprocess.run(["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
                        "/usr/bin/python3" if os.path.exists("/usr/bin/python3") else sys.executable,
                        "-c", client], check=True, timeout=20)
        end = time.monotonic() + 20
        while (tmp_path / "out").read_bytes().count(b"\n") < 3 and time.monotonic() < end:
            time.sleep(0.02)
    finally:
        srv.send_signal(signal.SIGTERM)
        srv.wait(20)
        out.close()
        shutil.rmtree(public)
    assert (tmp_path / "out").read_bytes() == (b"65534: 65534: daemon.info: one\n"
                                               b"65534: 65534: daemon.debug: two\n"
                                               b"65534: 65534: daemon.notice: three\n")
