"""What every child of PID 1 gets (clean signals, fds, environment, session),
and the loop's guarantees (reaping, guarded callbacks, timers, signals)."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

from init import spawn
from init.loop import Loop

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

PROBE = r"""
import os, sys
st = {l.split(':')[0]: l.split(':')[1].strip() for l in open('/proc/self/status')}
print('SigIgn', st['SigIgn'])
print('SigBlk', st['SigBlk'])
print('fds', sorted(int(x) for x in os.listdir('/proc/self/fd')))
print('session', os.getsid(0) == os.getpid())
print('cwd', os.getcwd())
"""


def run_probe(tmp_path, **kw):
    out = tmp_path / "probe.out"
    fd = os.open(out, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_CLOEXEC, 0o644)
    fds = {1: fd}
    fds.update(kw.pop("fds", {}))
    try:
        pid = spawn.spawn([sys.executable, "-S", "-c", PROBE], fds=fds, **kw)
    finally:
        os.close(fd)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    return dict(line.split(" ", 1) for line in out.read_text().splitlines())


def test_child_gets_default_signals_empty_mask_own_session(tmp_path):
    old_hup = signal.signal(signal.SIGHUP, signal.SIG_IGN)
    old_mask = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGUSR1})
    leak = os.open(os.devnull, os.O_RDONLY)
    os.set_inheritable(leak, True)
    try:
        assert signal.getsignal(signal.SIGPIPE) == signal.SIG_IGN  # CPython's default
        spawn.seal_inherited_fds()
        got = run_probe(tmp_path, cwd=str(tmp_path))
    finally:
        signal.signal(signal.SIGHUP, old_hup)
        signal.pthread_sigmask(signal.SIG_SETMASK, old_mask)
        os.close(leak)
    # The probe's interpreter ignores SIGPIPE/SIGXFSZ itself again; nothing else
    # (notably not glibc's internal signals 32 and 33, which posix_spawn leaves ignored).
    ign = int(got["SigIgn"], 16)
    assert ign & ~((1 << (signal.SIGPIPE - 1)) | (1 << (signal.SIGXFSZ - 1))) == 0
    assert int(got["SigBlk"], 16) == 0
    assert got["fds"] == "[0, 1, 2, 3]"   # 3: the probe's own listdir
    assert got["session"] == "True"
    assert got["cwd"] == str(tmp_path)


def test_stray_inheritable_fds_are_not_passed_on(tmp_path):
    # e.g. descriptors received over a socket without MSG_CMSG_CLOEXEC
    leak = os.open(os.devnull, os.O_RDONLY)
    os.set_inheritable(leak, True)
    try:
        got = run_probe(tmp_path)
    finally:
        os.close(leak)
    assert got["fds"] == "[0, 1, 2, 3]"   # 3: the probe's own listdir


def test_sigpipe_is_default_in_the_child(tmp_path):
    # A shell reports what it inherited: "trap" lists ignored signals as ''.
    out = tmp_path / "o"
    fd = os.open(out, os.O_WRONLY | os.O_CREAT | os.O_CLOEXEC, 0o644)
    pid = spawn.spawn(["/bin/sh", "-c", "trap"], fds={1: fd})
    os.close(fd)
    os.waitpid(pid, 0)
    assert "PIPE" not in out.read_text() and "XFSZ" not in out.read_text()


def test_fd_mapping_with_overlaps(tmp_path):
    a = os.open(tmp_path / "a", os.O_WRONLY | os.O_CREAT | os.O_CLOEXEC, 0o644)
    b = os.open(tmp_path / "b", os.O_WRONLY | os.O_CREAT | os.O_CLOEXEC, 0o644)
    # child fd 1 <- b, child fd b <- a : b is both a source and a target
    code = f"import os; os.write(1, b'one\\n'); os.write({b}, b'two\\n')"
    pid = spawn.spawn([sys.executable, "-S", "-c", code], fds={1: b, b: a})
    os.waitpid(pid, 0)
    os.close(a)
    os.close(b)
    assert (tmp_path / "b").read_text() == "one\n"
    assert (tmp_path / "a").read_text() == "two\n"


def test_fd_mapped_onto_itself_is_inherited(tmp_path):
    a = os.open(tmp_path / "a", os.O_WRONLY | os.O_CREAT | os.O_CLOEXEC, 0o644)
    pid = spawn.spawn([sys.executable, "-S", "-c", f"import os; os.write({a}, b'same\\n')"],
                      fds={a: a})
    os.waitpid(pid, 0)
    os.close(a)
    assert (tmp_path / "a").read_text() == "same\n"


def test_exec_failure_is_an_oserror(tmp_path):
    import pytest
    with pytest.raises(FileNotFoundError):
        spawn.spawn([str(tmp_path / "missing")])
    (tmp_path / "noexec").write_text("#!/bin/sh\n")
    with pytest.raises(PermissionError):
        spawn.spawn([str(tmp_path / "noexec")])


def test_locale_coercion_is_undone():
    code = ("import os; from init import spawn; "
            "print('LC_CTYPE' in os.environ, 'LC_CTYPE' in spawn.original_environ())")
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LANG": "C", "PYTHONPATH": ROOT}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                         cwd=ROOT)
    assert out.stdout.split() == ["True", "False"]


def test_which_uses_the_given_path(tmp_path):
    (tmp_path / "prog").write_text("#!/bin/sh\n")
    os.chmod(tmp_path / "prog", 0o755)
    assert spawn.which("prog", {"PATH": f"/nonexistent:{tmp_path}"}) == str(tmp_path / "prog")
    assert spawn.which("prog", {"PATH": "/nonexistent"}) is None
    assert spawn.which("./x", {}) == "./x"


def test_loop_reaps_registered_children_and_orphans():
    loop = Loop()
    got = []
    pid = spawn.spawn(["/bin/sh", "-c", "exit 3"])
    loop.watch_child(pid, lambda p, st: got.append((p, os.waitstatus_to_exitcode(st))))
    orphan = os.posix_spawn("/bin/true", ["true"], os.environ)
    try:
        assert loop.run(until=lambda: got and loop.reaped_orphans, timeout=10)
    finally:
        loop.close()
    assert got == [(pid, 3)]
    import pytest
    with pytest.raises(ChildProcessError):
        os.waitpid(orphan, os.WNOHANG)


def test_callback_exceptions_do_not_stop_the_loop(capfd):
    loop = Loop()
    hits = []

    def boom():
        raise RuntimeError("bug")

    loop.call_later(0.001, boom)
    loop.call_later(0.002, hits.append, 1)
    try:
        assert loop.run(until=lambda: hits, timeout=5)
    finally:
        loop.close()
    assert "internal error" in capfd.readouterr().err


def test_timers_fire_in_order_and_cancel():
    loop = Loop()
    seen = []
    loop.call_later(0.02, seen.append, "b")
    loop.call_later(0.01, seen.append, "a")
    t = loop.call_later(0.015, seen.append, "never")
    t.cancel()
    try:
        loop.run(until=lambda: len(seen) == 2, timeout=5)
    finally:
        loop.close()
    assert seen == ["a", "b"]


def test_signals_are_routed():
    loop = Loop()
    got = []
    loop.on_signal(signal.SIGUSR2, got.append)
    try:
        os.kill(os.getpid(), signal.SIGUSR2)
        loop.run(until=lambda: got, timeout=5)
    finally:
        loop.on_signal(signal.SIGUSR2, None)
        loop.close()
    assert got == [signal.SIGUSR2]


def test_readers(tmp_path):
    loop = Loop()
    r, w = os.pipe()
    got = []
    loop.add_reader(r, lambda: got.append(os.read(r, 10)))
    os.write(w, b"hi")
    t0 = time.monotonic()
    try:
        loop.run(until=lambda: got, timeout=5)
    finally:
        loop.remove_reader(r)
        loop.close()
        os.close(r)
        os.close(w)
    assert got == [b"hi"] and time.monotonic() - t0 < 5
