"""``s6py sandbox`` for real: a base root made from the host's ``/`` (the overlay keeps it safe)."""
from __future__ import annotations

import os
import signal
import time
import uuid

import pytest

from tests.init.sandbox.helpers import (
    describe,
    host_mounts,
    popen,
    processes_with,
    require_sandbox,
    sandbox,
)

pytestmark = pytest.mark.root


@pytest.fixture(autouse=True)
def _sandbox_ok():
    require_sandbox()


@pytest.fixture
def marker():
    """A unique word for the test's command lines; fails the test if a process or mount remains."""
    word = f"s6pytest{uuid.uuid4().hex[:10]}"
    before = host_mounts()
    yield word
    deadline = time.monotonic() + 5
    while processes_with(word) and time.monotonic() < deadline:
        time.sleep(0.05)
    left = processes_with(word)
    state = describe(left)
    for pid in left:
        os.kill(pid, signal.SIGKILL)
    assert not left, f"processes left behind:\n{state}"
    assert host_mounts() == before


def sh(script: str, *opts: str, **kw):
    return sandbox("/", "--entrypoint", "/bin/sh", *opts, "--", "-c", script, **kw)


def test_pid1_and_exit_code(tmp_path, marker):
    p = sh(f": {marker}; echo $$; exit 3", "--tmpdir", str(tmp_path))
    assert (p.returncode, p.stdout, p.stderr) == (3, "1\n", "")
    assert os.listdir(tmp_path) == []  # the state directory is gone


def test_writes_stay_in_the_sandbox(marker):
    name = f"/{marker}-written"
    p = sh(f"echo data > {name} && cat {name} && rm /etc/hostname && ls /etc/hostname")
    assert p.stdout == "data\n" and p.returncode != 0
    assert not os.path.exists(name)
    assert os.path.exists("/etc/hostname") or not os.path.lexists("/etc/hostname")


def test_keep_leaves_the_upper_layer(tmp_path, marker):
    p = sh(f"echo kept > /{marker}", "--keep", "--tmpdir", str(tmp_path))
    assert p.returncode == 0, p.stderr
    (state,) = os.listdir(tmp_path)
    with open(tmp_path / state / "upper" / marker) as f:
        assert f.read() == "kept\n"
    assert "kept " + str(tmp_path / state) in p.stderr


def test_keep_with_a_layer_on_the_roots_filesystem(tmp_path, marker):
    """The layer lies inside / and so is copied; with --keep on the same filesystem the
    copy must not land inside / again (overlayfs: overlapping layers)."""
    layer = tmp_path / "layer"
    (layer / "etc").mkdir(parents=True)
    (layer / "etc" / marker).write_text("layer\n")
    keep = tmp_path / "keep"
    keep.mkdir()
    p = sh(f"cat /etc/{marker}; echo kept > /{marker}", "--keep", "--tmpdir", str(keep),
           "--layer", str(layer))
    assert p.returncode == 0, p.stderr
    assert p.stdout == "layer\n"
    (state,) = os.listdir(keep)
    with open(keep / state / "upper" / marker) as f:
        assert f.read() == "kept\n"


def test_environment_is_clean(marker, monkeypatch):
    monkeypatch.setenv("S6PY_FROM_HOST", "hostvalue")
    monkeypatch.setenv("S6PY_NOT_PASSED", "x")
    p = sandbox("/", "--hostname", marker, "-e", "A=1", "-e", "S6PY_FROM_HOST",
                "-e", "S6PY_UNSET_ON_HOST", "--entrypoint", "/usr/bin/env")
    env = dict(line.split("=", 1) for line in p.stdout.splitlines())
    assert env == {"PATH": "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
                   "HOSTNAME": marker, "HOME": "/root", "A": "1", "S6PY_FROM_HOST": "hostvalue"}
    p = sh("hostname; pwd; umask", "--hostname", marker, "-w", "/usr/share")
    assert p.stdout == f"{marker}\n/usr/share\n0022\n"


def test_user_65534(marker):
    p = sh(f": {marker}; id -u; id -g; echo $HOME; touch /root/x", "--user", "65534")
    out = p.stdout.split()
    assert out[:2] == ["65534", "65534"] and p.returncode != 0  # /root is not nobody's
    p = sh("id -u; id -G", "--user", "4242:4343")
    assert p.stdout.split() == ["4242", "4343"]


def test_read_only_root(marker):
    script = (f": {marker}; touch /etc/{marker} 2>/dev/null && echo root-writable; "
              "touch /run/a && echo run; touch /dev/shm/a && echo shm; "
              "touch /scratch/a && echo scratch; touch /tmp/a 2>/dev/null || echo tmp-ro")
    p = sh(script, "--read-only", "--tmpfs", "/scratch")
    assert p.stdout.split() == ["run", "shm", "scratch", "tmp-ro"]
    assert not os.path.exists(f"/etc/{marker}")


def test_tmpfs_and_bind_mounts(tmp_path, marker):
    src = tmp_path / "src"
    src.mkdir()
    (src / "in").write_text("from host\n")
    script = (f": {marker}; cat /data/in; echo back > /data/out; cat /ro/in; "
              "echo x > /ro/x 2>/dev/null || echo ro-refused; "
              "grep -E ' /(scratch|run) ' /proc/self/mountinfo | cut -d' ' -f5,6")
    p = sh(script, "--bind", f"{src}:/data", "--bind", f"{src}:/ro:ro",
           "--tmpfs", "/scratch:size=1m")
    assert p.stdout.splitlines() == ["from host", "from host", "ro-refused",
                                     "/run rw,nosuid,nodev,relatime",
                                     "/scratch rw,nosuid,nodev,noexec,relatime"]
    assert (src / "out").read_text() == "back\n"


def test_sigterm_reaches_pid1(marker):
    proc = popen("/", "--entrypoint", "/bin/sh", "--", "-c",
                 f": {marker}; trap 'echo got TERM; exit 7' TERM; echo ready; "
                 "while :; do sleep 0.05; done", stdout=-1)
    assert proc.stdout.readline() == "ready\n"
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(30) == 7
    assert proc.stdout.read() == "got TERM\n"


def test_stop_timeout_then_sigkill(marker):
    # PID 1 without a handler does not even see SIGTERM (a PID namespace's init); dash
    # catches SIGINT, not SIGTERM
    proc = popen("/", "--stop-timeout", "0.3", "--entrypoint", "/bin/sh", "--", "-c",
                 f": {marker}; echo ready; while :; do sleep 0.05; done", stdout=-1)
    assert proc.stdout.readline() == "ready\n"
    start = time.monotonic()
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(30) == 128 + signal.SIGKILL
    assert time.monotonic() - start >= 0.3


def test_runner_killed_leaves_nothing_running(tmp_path, marker):
    proc = popen("/", "--tmpdir", str(tmp_path), "--entrypoint", "/bin/sh", "--", "-c",
                 f": {marker}; sleep 300 & echo ready; wait", stdout=-1)
    assert proc.stdout.readline() == "ready\n"
    proc.kill()
    proc.wait(30)
    proc.stdout.close()
    # the marker fixture fails the test if anything with the marker survives; the empty state
    # directory is the only thing left (the runner is the one that removes it)
    (state,) = os.listdir(tmp_path)
    assert os.listdir(tmp_path / state) == []


def test_loopback_http_inside(marker):
    script = (f": {marker}; python3 -m http.server -b 127.0.0.1 -d /etc 8731 >/dev/null 2>&1 & "
              "python3 -c 'import time, urllib.request\n"
              "for i in range(200):\n"
              "    try:\n"
              "        print(urllib.request.urlopen(\"http://127.0.0.1:8731/passwd\").status); break\n"
              "    except OSError: time.sleep(0.05)'; "
              "kill %1")
    p = sh(script)
    assert p.stdout == "200\n", p.stderr


def test_entrypoint_errors_use_dockers_codes(marker):
    p = sandbox("/", "--entrypoint", f"/nonexistent/{marker}")
    assert p.returncode == 127 and "No such file or directory" in p.stderr
    p = sandbox("/", "--entrypoint", "/etc/passwd")
    assert p.returncode == 126
    p = sandbox("/", "--user", f"ghost{marker}")
    assert p.returncode == 125 and p.stderr.startswith("s6py sandbox: fatal: unable to find user")
    p = sandbox("/etc/passwd")
    assert p.returncode == 125 and "not a directory" in p.stderr
    p = sandbox("/", "--no-such-option")
    assert p.returncode == 125


def test_layers_stack_over_the_root(tmp_path, marker):
    layer = tmp_path / "layer"
    (layer / "etc").mkdir(parents=True)
    (layer / "etc" / marker).write_text("layer\n")
    (layer / "usr" / "local" / "bin").mkdir(parents=True)
    os.symlink("sh", layer / "usr" / "local" / "bin" / marker)
    os.chmod(layer / "etc", 0o711)
    p = sh(f"cat /etc/{marker}; test -x /bin/sh && echo base-visible; "
           f"readlink /usr/local/bin/{marker}; stat -c %a /etc", "--layer", str(layer))
    assert p.stdout == "layer\nbase-visible\nsh\n711\n", p.stderr


def test_root_directory_is_rootfs_s_whatever_the_layers_and_umask(tmp_path, marker):
    layer = tmp_path / "private"
    (layer / "etc").mkdir(parents=True)
    (layer / "etc" / marker).write_text("seen\n")
    (layer / "etc" / marker).chmod(0o644)
    layer.chmod(0o700)
    p = sandbox("/", "--layer", str(layer), "--user", "65534", "--entrypoint", "/bin/sh", "--",
                "-c", f"stat -c %a /; cat /etc/{marker}; ls -ld /proc /dev | cut -c1-10",
                preexec_fn=lambda: os.umask(0o077))
    assert p.stdout.split() == ["755", "seen", "drwxr-xr-x", "dr-xr-xr-x"], p.stderr  # dev, proc
