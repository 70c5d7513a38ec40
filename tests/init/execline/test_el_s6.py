"""with-contenv through S6PY_CONTAINER_ENV_DIR and as a shebang, and s6-notifyoncheck.

The s6-portable-utils (s6-echo, s6-mkdir, s6-ln, s6-maximumtime...) and the
rest of with-contenv are pinned by the differential corpus
(el_corpus_tools), against the real programs or their recording.
"""
from __future__ import annotations

import os
import subprocess

from .el_harness import BASE_PATH, ours_cmd


def ours(script: str, tmp, env: dict | None = None, stdin: bytes = b"", mode: str = "-P",
         args: list[str] | None = None) -> subprocess.CompletedProcess:
    e = {"PATH": BASE_PATH}
    e.update(env or {})
    return subprocess.run(ours_cmd() + [mode, "-c", script] + (args or []), cwd=tmp, env=e,
                          input=stdin, capture_output=True, timeout=20)


def test_with_contenv(tmp_path) -> None:
    ce = tmp_path / "ce"
    ce.mkdir()
    (ce / "FOO").write_text("bar baz\n")
    (ce / "EMPTY").write_text("\n")
    (ce / "MULTI").write_text("l1\nl2\n")
    env = {"S6PY_CONTAINER_ENV_DIR": str(ce), "JUNK": "1"}
    r = ours("with-contenv env", tmp_path, env)
    assert sorted(r.stdout.decode().splitlines()) == sorted(
        ["PATH=" + BASE_PATH, "FOO=bar baz", "EMPTY=", "MULTI=l1", "l2"])
    r = ours("with-contenv env", tmp_path, dict(env, S6_KEEP_ENV="1"))
    assert "JUNK=1" in r.stdout.decode().splitlines()
    r = ours("with-contenv true", tmp_path, {"S6PY_CONTAINER_ENV_DIR": str(tmp_path / "no")})
    assert r.returncode == 111 and r.stderr.startswith(b"s6-envdir: fatal: unable to envdir ")
    # the seed README's script: importas after with-contenv sees the container value
    r = ours("with-contenv importas -D unset FOO FOO echo FOO=${FOO}", tmp_path, env)
    assert r.stdout == b"FOO=bar baz\n"


def test_with_contenv_shebang(tmp_path) -> None:
    """``#!/command/with-contenv sh`` runs as ``with-contenv sh script`` through multicall."""
    ce = tmp_path / "ce"
    ce.mkdir()
    (ce / "HELLO").write_text("world\n")
    script = tmp_path / "s.sh"
    script.write_text('echo "HELLO=$HELLO"\n')
    p = subprocess.run(ours_cmd("multicall") + ["with-contenv", "sh", str(script)],
                       env={"PATH": BASE_PATH, "S6PY_CONTAINER_ENV_DIR": str(ce)},
                       capture_output=True, timeout=20)
    assert p.stdout == b"HELLO=world\n"


def _supervised(tmp_path):
    """A lock on supervise/lock, as a running supervisor holds (s6_svc_ok's test)."""
    import fcntl
    (tmp_path / "supervise").mkdir()
    fd = os.open(tmp_path / "supervise" / "lock", os.O_WRONLY | os.O_CREAT, 0o644)
    fcntl.lockf(fd, fcntl.LOCK_EX)
    return fd


def test_notifyoncheck_needs_supervisor(tmp_path) -> None:
    r = ours("s6-notifyoncheck -3 1 true", tmp_path)
    assert (r.returncode, r.stderr) == (100, b"s6-notifyoncheck: fatal: s6-supervise not running.\n")
    (tmp_path / "supervise").mkdir()
    (tmp_path / "supervise" / "lock").write_text("")       # present but nobody holds it
    assert ours("s6-notifyoncheck -3 1 true", tmp_path).returncode == 100


def test_notifyoncheck(tmp_path) -> None:
    lock = _supervised(tmp_path)
    try:
        r = subprocess.run(ours_cmd() + ["-P", "-c", 's6-notifyoncheck -3 5 -s 0 -c "exit 0" sleep 0.5'],
                           cwd=tmp_path, env={"PATH": BASE_PATH}, capture_output=True, timeout=20,
                           pass_fds=(), stdin=subprocess.DEVNULL)
        assert r.returncode == 111            # fd 5 is not open: the sanity check fails
        assert r.stderr == (b"s6-notifyoncheck: fatal: notification-fd sanity check failed: "
                            b"Bad file descriptor\n")
        rd, wr = os.pipe()
        try:
            p = subprocess.Popen(ours_cmd() + ["-P", "-c", f"s6-notifyoncheck -3 {wr} -s 0 -w 10 -c "
                                               '"eltest -e ready" sleep 1'],
                                 cwd=tmp_path, env={"PATH": BASE_PATH}, pass_fds=(wr,))
            os.close(wr)
            (tmp_path / "ready").write_text("")
            assert os.read(rd, 10) == b"\n"
            p.wait(timeout=10)
            assert p.returncode == 0
        finally:
            os.close(rd)
    finally:
        os.close(lock)
