"""``python3 -m syslogd`` as a program: start-up, socket, signals, exits.
Where the real s6-socklog is installed, start-up failures are compared
with it directly."""

from __future__ import annotations

import os
import select
import signal
import socket
import stat
import subprocess
import time

import pytest

from .helpers import REAL_SOCKLOG, SOCKLOG, Socklog, env, sync

USAGE = (b"s6-socklog: usage: s6-socklog [ -d notif ] [ -r ] [ -U | -u uid -g gid -G gidlist ] "
         b"[ -l linelen ] [ -t lameducktimeout ] [ -x socket | -i ip_port ]\n")

STARTUP_FAILURES = [
    # (extra args, environment, exit code, stderr)
    (["-l", "abc"], {}, 100, USAGE),
    (["-d", "3x"], {}, 100, USAGE),
    (["-z"], {}, 100, USAGE),
    (["-i", "1.2.3"], {}, 100, USAGE),
    (["-d", "1"], {}, 100, b"s6-socklog: fatal: notification fd must be 3 or more\n"),
    (["-d", "9"], {}, 100, b"s6-socklog: fatal: invalid notification fd: Bad file descriptor\n"),
    (["-U"], {}, 100, b"s6-socklog: fatal: UID not set\n"),
    (["-U"], {"UID": "1"}, 100, b"s6-socklog: fatal: GID not set\n"),
    (["-U"], {"UID": "1", "GID": "1"}, 100, b"s6-socklog: fatal: GIDLIST not set\n"),
    (["-U"], {"UID": "x", "GID": "1", "GIDLIST": ""}, 100, b"s6-socklog: fatal: invalid $UID\n"),
    (["-U"], {"UID": "1", "GID": "1", "GIDLIST": "x"}, 100,
     b"s6-socklog: fatal: invalid $GIDLIST\n"),
    (["-U", "-l", "abc"], {}, 100, b"s6-socklog: fatal: UID not set\n"),
    (["-l", "abc", "-U"], {}, 100, USAGE),
    (["-x", "/nonexistent-dir/log"], {}, 111,
     b"s6-socklog: fatal: unable to bind socket to /nonexistent-dir/log: "
     b"No such file or directory\n"),
]


def run_startup(cmd, args, environ, tmp_path):
    e = env()
    for k in ("UID", "GID", "GIDLIST"):
        e.pop(k, None)
    e.update(environ)
    argv = list(cmd) + ["-x", str(tmp_path / "s")] + args
    p = subprocess.run(argv, env=e, capture_output=True, timeout=20, stdin=subprocess.DEVNULL)
    return p.returncode, p.stderr


@pytest.mark.parametrize("args,environ,code,err", STARTUP_FAILURES)
def test_startup_failures(tmp_path, args, environ, code, err):
    assert run_startup(SOCKLOG, args, environ, tmp_path) == (code, err)


@pytest.mark.skipif(not REAL_SOCKLOG, reason="s6-socklog not installed")
@pytest.mark.parametrize("args,environ,code,err", STARTUP_FAILURES)
def test_startup_failures_match_the_real_program(tmp_path, args, environ, code, err):
    assert run_startup([REAL_SOCKLOG], args, environ, tmp_path) == (code, err)


def test_closed_stdout_is_a_usage_level_failure(tmp_path):
    p = subprocess.run(SOCKLOG + ["-x", str(tmp_path / "s")], env=env(), stdout=None,
                       stderr=subprocess.PIPE, timeout=20,
                       preexec_fn=lambda: os.close(1))
    assert (p.returncode, p.stderr) == (100, b"s6-socklog: fatal: invalid stdout: Bad file descriptor\n")


def test_lines_readiness_and_clean_exit(tmp_path):
    s = Socklog(tmp_path)
    try:
        assert s.notification == b"\n"
        s.send(b"<13>hello world", b"no pri", b"<34>x\n\x00", b"", b"<13>after empty")
        sync(s)
    finally:
        rc = s.stop()
    assert rc == 0
    assert s.lines()[:4] == [b"user.notice: hello world", b"no pri", b"auth.crit: x",
                             b"user.notice: after empty"]
    assert s.stderr() == b""


def test_socket_mode_lock_and_second_instance(tmp_path):
    old = os.umask(0o077)
    try:
        s = Socklog(tmp_path)
    finally:
        os.umask(old)
    try:
        st = os.stat(s.path)
        assert stat.S_ISSOCK(st.st_mode) and stat.S_IMODE(st.st_mode) == 0o777
        assert stat.S_IMODE(os.stat(str(s.path) + ".lock").st_mode) == 0o600
        stream = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        with pytest.raises(OSError):
            stream.connect(str(s.path))
        stream.close()
        p = subprocess.run(SOCKLOG + ["-x", str(s.path)], env=env(), capture_output=True,
                           timeout=20)
        assert p.returncode == 111
        assert p.stderr == ("s6-socklog: fatal: unable to bind socket to %s: "
                            "Device or resource busy\n" % s.path).encode()
    finally:
        assert s.stop() == 0
    assert sorted(os.listdir(tmp_path)) == ["log.sock", "log.sock.lock", "socklog.err",
                                            "socklog.out"]


def test_stale_file_is_replaced_and_directory_refused(tmp_path):
    (tmp_path / "log.sock").write_text("stale")
    s = Socklog(tmp_path)
    try:
        assert stat.S_ISSOCK(os.stat(s.path).st_mode)
    finally:
        s.stop()
    d = tmp_path / "dir"
    d.mkdir()
    p = subprocess.run(SOCKLOG + ["-x", str(d)], env=env(), capture_output=True, timeout=20)
    assert p.returncode == 111
    assert p.stderr.endswith(b"Address already in use\n")


def test_reader_gone_means_exit_111(tmp_path):
    r, w = os.pipe()
    s = Socklog(tmp_path, stdout=w)
    os.close(w)
    os.close(r)
    s.send(b"<13>into the void")
    rc = s.proc.wait(20)
    s.client.close()
    assert rc == 111
    assert s.stderr() == b"s6-socklog: fatal: unable to write to stdout: Broken pipe\n"


def read_to_eof(fd: int) -> bytes:
    """Everything a pipe gives until its writers are gone (20 s at most per read)."""
    data = b""
    while True:
        select.select([fd], [], [], 20)
        b = os.read(fd, 1 << 16)
        if not b:
            return data
        data += b


def _fill_until_blocked(s: Socklog, size: int = 900) -> int:
    """Send until the socket stays full: the program is blocked writing."""
    s.client.setblocking(False)
    n = 0
    full_since = None
    while True:
        try:
            s.client.sendto(b"<13>" + b"%06d " % n + b"x" * size, str(s.path))
            n += 1
            full_since = None
        except BlockingIOError:
            now = time.monotonic()
            if full_since is None:
                full_since = now
            elif now - full_since > 0.5:
                return n
            time.sleep(0.01)


def test_lameduck_timeout_exits_99(tmp_path):
    r, w = os.pipe()
    s = Socklog(tmp_path, ["-t", "300"], stdout=w)
    os.close(w)
    try:
        _fill_until_blocked(s)
        t0 = time.monotonic()
        s.proc.send_signal(signal.SIGTERM)
        rc = s.proc.wait(20)
        elapsed = time.monotonic() - t0
    finally:
        s.kill()
        os.close(r)
    assert rc == 99
    assert 0.25 <= elapsed < 3


def test_sigterm_keeps_what_was_queued(tmp_path):
    """s6-socklog drops datagrams queued at SIGTERM; we read and write them."""
    r, w = os.pipe()
    s = Socklog(tmp_path, stdout=w)
    os.close(w)
    try:
        sent = _fill_until_blocked(s)
        s.proc.send_signal(signal.SIGTERM)
        time.sleep(0.2)
        data = read_to_eof(r)
        rc = s.proc.wait(20)
    finally:
        s.kill()
        os.close(r)
    assert rc == 0
    lines = data.split(b"\n")[:-1]
    assert [ln[13:19] for ln in lines] == [b"%06d" % i for i in range(sent)]


def test_other_signals_keep_their_default_action(tmp_path):
    s = Socklog(tmp_path)
    s.proc.send_signal(signal.SIGHUP)
    assert s.proc.wait(20) == -signal.SIGHUP
    s.client.close()


@pytest.mark.root
@pytest.mark.skipif(os.geteuid() != 0, reason="needs root")
def test_privileges_dropped_after_binding(tmp_path):
    s = Socklog(tmp_path, ["-u", "65534", "-g", "65534", "-G", "100,200"])
    try:
        status = open("/proc/%d/status" % s.proc.pid).read()
        fields = dict(ln.split(":", 1) for ln in status.splitlines())
        assert fields["Uid"].split() == ["65534"] * 4
        assert fields["Gid"].split() == ["65534"] * 4
        assert sorted(fields["Groups"].split()) == ["100", "200", "65534"]
        assert os.stat(s.path).st_uid == 0
        s.send(b"<13>unprivileged")
        sync(s)
    finally:
        assert s.stop() == 0
    assert s.lines()[0] == b"user.notice: unprivileged"


@pytest.mark.parametrize("family,host", [(socket.AF_INET, "127.0.0.1"), (socket.AF_INET6, "::1")])
def test_udp_client_prefix(tmp_path, family, host):
    probe = socket.socket(family, socket.SOCK_DGRAM)
    try:
        probe.bind((host, 0))
    except OSError:
        pytest.skip("no %s loopback" % host)
    port = probe.getsockname()[1]
    probe.close()
    out = open(tmp_path / "out", "wb")
    from .helpers import spawn_notify
    sep = "_" if family == socket.AF_INET6 else ":"
    proc, ready = spawn_notify(SOCKLOG + ["-d{fd}", "-i", "%s%s%d" % (host, sep, port)],
                               stdout=out, stderr=subprocess.DEVNULL)
    cl = socket.socket(family, socket.SOCK_DGRAM)
    cl.bind((host, 0))
    cport = cl.getsockname()[1]
    try:
        assert ready == b"\n"
        for d in (b"<13>hello udp", b"no pri", b"<34>x\n\x00", b"", b"<191>end"):
            cl.sendto(d, (host, port))
        end = time.monotonic() + 20
        while b"end" not in (tmp_path / "out").read_bytes() and time.monotonic() < end:
            time.sleep(0.01)
    finally:
        cl.close()
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(20) == 0
        out.close()
    p = ("%s_%d: " % (host, cport)).encode()
    assert (tmp_path / "out").read_bytes().split(b"\n")[:-1] == [
        p + b"user.notice: hello udp", p + b"no pri", p + b"auth.crit: x", p + b"local7.debug: end"]


def test_raw_and_linelen(tmp_path):
    s = Socklog(tmp_path, ["-r", "-l", "80"])
    try:
        s.send(b"<13>raw\n", b"<13>" + b"y" * 100)
        sync(s)
    finally:
        s.stop()
    assert s.lines()[:2] == [b"<13>raw", b"<13>" + b"y" * 77 + b"..."]


def test_nonblocking_stdout_is_waited_for(tmp_path):
    """The write end of a pipe is shared with whoever else holds it; if one
    of them makes it non-blocking, EAGAIN must not lose lines or kill us."""
    r, w = os.pipe()
    os.set_blocking(w, False)
    s = Socklog(tmp_path, stdout=w)
    os.close(w)
    try:
        sent = _fill_until_blocked(s)
        s.proc.send_signal(signal.SIGTERM)
        data = read_to_eof(r)
        rc = s.proc.wait(20)
    finally:
        s.kill()
        os.close(r)
    assert rc == 0
    lines = data.split(b"\n")[:-1]
    assert [ln[13:19] for ln in lines] == [b"%06d" % i for i in range(sent)]


def test_big_linelen_reads_big_datagrams_whole(tmp_path):
    s = Socklog(tmp_path, ["-l", "2000000"])
    big = b"<13>" + bytes(range(32, 127)) * 1100   # 104504 bytes
    try:
        s.send(big, b"<13>small", big[:70000] + b"\n")
        sync(s)
    finally:
        assert s.stop() == 0
    assert s.lines()[:3] == [b"user.notice: " + big[4:], b"user.notice: small",
                             b"user.notice: " + big[4:70000]]
