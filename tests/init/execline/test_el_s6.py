"""s6-portable-utils helpers (no Debian package: checked against skarnet's docs),
with-contenv, s6-maximumtime, s6-notifyoncheck."""
from __future__ import annotations

import os
import stat
import subprocess

from .el_harness import BASE_PATH, ours_cmd


def ours(script: str, tmp, env: dict | None = None, stdin: bytes = b"", mode: str = "-P",
         args: list[str] | None = None) -> subprocess.CompletedProcess:
    e = {"PATH": BASE_PATH}
    e.update(env or {})
    return subprocess.run(ours_cmd() + [mode, "-c", script] + (args or []), cwd=tmp, env=e,
                          input=stdin, capture_output=True, timeout=20)


def test_echo(tmp_path) -> None:
    assert ours("s6-echo a b", tmp_path).stdout == b"a b\n"
    assert ours("s6-echo -n -s , a b c", tmp_path).stdout == b"a,b,c"
    assert ours("s6-echo -- -n", tmp_path).stdout == b"-n\n"
    r = ours("s6-echo -q x", tmp_path)
    assert r.returncode == 100 and r.stderr.startswith(b"s6-echo: usage: ")


def test_seq(tmp_path) -> None:
    assert ours("s6-seq 3", tmp_path).stdout == b"1\n2\n3\n"
    assert ours("s6-seq 0 2", tmp_path).stdout == b"0\n1\n2\n"
    assert ours("s6-seq -w -s , 8 2 12", tmp_path).stdout == b"08,10,12,"
    assert ours("s6-seq a", tmp_path).returncode == 100


def test_mkdir_chmod_chown_rmrf(tmp_path) -> None:
    r = ours("if { s6-mkdir -p -m 0750 a/b/c } if { s6-chmod 0700 a } s6-chown -u 0 -g 0 a/b", tmp_path)
    assert r.returncode == 0, r.stderr
    assert stat.S_IMODE(os.stat(tmp_path / "a/b/c").st_mode) == 0o750
    assert stat.S_IMODE(os.stat(tmp_path / "a").st_mode) == 0o700
    r = ours("s6-mkdir a", tmp_path)
    assert r.returncode == 111 and r.stderr == b"s6-mkdir: fatal: unable to mkdir a: File exists\n"
    assert ours("s6-mkdir -p a/b", tmp_path).returncode == 0
    assert ours("s6-rmrf a", tmp_path).returncode == 0 and not (tmp_path / "a").exists()
    assert ours("s6-rmrf a", tmp_path).returncode == 0
    assert ours("s6-chmod 9 x", tmp_path).returncode == 100
    r = ours("s6-chmod 0600 nothere", tmp_path)
    assert r.returncode == 111 and b"No such file or directory" in r.stderr


def test_chown_U(tmp_path) -> None:
    (tmp_path / "f").write_text("")
    r = ours("s6-envuidgid root s6-chown -U f", tmp_path)
    assert r.returncode == 0, r.stderr
    assert ours("s6-chown -U f", tmp_path).returncode == 100


def test_ln_and_mkfifo(tmp_path) -> None:
    (tmp_path / "t").write_text("x")
    assert ours("s6-ln -s t l", tmp_path).returncode == 0
    assert os.readlink(tmp_path / "l") == "t"
    assert ours("s6-ln -s t l", tmp_path).returncode == 111
    (tmp_path / "u").write_text("y")
    assert ours("s6-ln -sf u l", tmp_path).returncode == 0
    assert os.readlink(tmp_path / "l") == "u"
    (tmp_path / "d").mkdir()
    assert ours("s6-ln t d", tmp_path).returncode == 0
    assert (tmp_path / "d/t").read_text() == "x"
    assert ours("s6-mkfifo -m 0640 f1 f2", tmp_path).returncode == 0
    st = os.stat(tmp_path / "f2")
    assert stat.S_ISFIFO(st.st_mode) and stat.S_IMODE(st.st_mode) == 0o640


def test_sleep_and_cat(tmp_path) -> None:
    assert ours("s6-sleep -m 10 echo woke", tmp_path).stdout == b"woke\n"
    assert ours("s6-sleep 0", tmp_path).returncode == 0
    assert ours("s6-cat", tmp_path, stdin=b"data\x00\n").stdout == b"data\x00\n"


def test_maximumtime(tmp_path) -> None:
    r = ours("s6-maximumtime 100 sleep 5", tmp_path)
    assert r.returncode == 99 and r.stderr == b"s6-maximumtime: fatal: timed out\n"
    assert ours('s6-maximumtime 5000 sh -c "exit 4"', tmp_path).returncode == 4
    assert ours("s6-maximumtime 0 true", tmp_path).returncode == 0
    assert ours("s6-maximumtime -k 100 sleep 5", tmp_path).returncode == 99


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


def test_notifyoncheck(tmp_path) -> None:
    r = subprocess.run(ours_cmd() + ["-P", "-c", 's6-notifyoncheck -3 5 -s 0 -c "exit 0" sleep 0.5'],
                       cwd=tmp_path, env={"PATH": BASE_PATH}, capture_output=True, timeout=20,
                       pass_fds=(), stdin=subprocess.DEVNULL)
    # fd 5 is not open: the notification write fails, the daemon still runs
    assert r.returncode == 0
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
