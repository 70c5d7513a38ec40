"""The sandbox's pure parts: option parsing, user lookup, the mount plan, the checks."""
from __future__ import annotations

import pytest

from init.sandbox.plan import DEV_NODES, nested_layers, overlay_options, plan
from init.sandbox.prepare import has_cap_sys_admin, in_initial_userns
from init.sandbox.spec import (
    DEFAULT_PATH,
    MS_NODEV,
    MS_NOEXEC,
    MS_NOSUID,
    MS_RDONLY,
    Config,
    SpecError,
    check_overlay_path,
    container_path,
    environment,
    parse_bind,
    parse_env,
    parse_tmpfs,
)
from init.sandbox.users import resolve_user

PASSWD = """root:x:0:0:root:/root:/bin/bash
daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin
nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin
app:x:1000:1000::/home/app:/bin/sh
nohome:x:1001:1001:::/bin/sh
"""
GROUP = """root:x:0:
daemon:x:1:
audio:x:29:app
video:x:44:app,daemon
nogroup:x:65534:
app:x:1000:
"""


def test_env_sets_copies_and_skips_unset():
    host = {"FROM_HOST": "h", "EMPTY": ""}
    assert parse_env(["A=1", "B=", "C=x=y", "FROM_HOST", "EMPTY", "MISSING"], host) == [
        ("A", "1"), ("B", ""), ("C", "x=y"), ("FROM_HOST", "h"), ("EMPTY", "")]
    with pytest.raises(SpecError):
        parse_env(["=v"], {})


def test_environment_is_docker_defaults_then_env():
    cfg = Config(rootfs="/", env=[("FOO", "bar"), ("PATH", "/bin")])
    assert environment(cfg, "h1", "/root") == {"PATH": "/bin", "HOSTNAME": "h1", "FOO": "bar",
                                                "HOME": "/root"}
    env = environment(Config(rootfs="/", env=[("HOME", "/x")]), "h", "/root")
    assert env == {"PATH": DEFAULT_PATH, "HOSTNAME": "h", "HOME": "/x"}


def test_tmpfs_defaults_are_dockers_and_options_override():
    t = parse_tmpfs("/scratch")
    assert (t.target, t.flags, t.data) == ("/scratch", MS_NOEXEC | MS_NOSUID | MS_NODEV,
                                           "mode=1777")
    t = parse_tmpfs("/run:exec,size=1m,mode=0755,ro")
    assert t.flags == MS_NOSUID | MS_NODEV | MS_RDONLY
    assert t.data == "size=1m,mode=0755"
    with pytest.raises(SpecError):
        parse_tmpfs("relative")


def test_bind_specs():
    b = parse_bind("/src/dir:/dst:ro", is_dir=True)
    assert (b.source, b.target, b.readonly, b.is_dir) == ("/src/dir", "/dst", True, True)
    assert parse_bind("/a/../b:/c/./d/", is_dir=False) == parse_bind("/b:/c/d:rw", is_dir=False)
    for bad in ("/a", "rel:/b", "/a:b", "/a:/b:rx", "/a:/b:ro:x"):
        with pytest.raises(SpecError):
            parse_bind(bad)


def test_container_paths_cannot_escape_and_overlay_paths_are_checked():
    assert container_path("/a/../../etc//x/", "t") == "/etc/x"
    check_overlay_path("/var/lib/images/alpine", "t")
    for bad in ("/a,b", "/a:b", "/a\\b"):
        with pytest.raises(SpecError):
            check_overlay_path(bad, "t")


@pytest.mark.parametrize("spec, expect", [
    ("", (0, 0, (), "/root")),
    ("root", (0, 0, (), "/root")),
    ("app", (1000, 1000, (29, 44), "/home/app")),
    ("1000", (1000, 1000, (29, 44), "/home/app")),
    ("app:audio", (1000, 29, (29, 44), "/home/app")),
    ("app:7", (1000, 7, (29, 44), "/home/app")),
    ("65534", (65534, 65534, (), "/nonexistent")),
    ("4242", (4242, 0, (), "/")),
    ("4242:4243", (4242, 4243, (), "/")),
    ("nohome", (1001, 1001, (), "/")),
])
def test_users_resolve_as_docker(spec, expect):
    u = resolve_user(spec, PASSWD, GROUP)
    assert (u.uid, u.gid, u.groups, u.home) == expect


def test_users_unknown_names_are_errors():
    with pytest.raises(SpecError, match="unable to find user ghost"):
        resolve_user("ghost", PASSWD, GROUP)
    with pytest.raises(SpecError, match="unable to find group ghosts"):
        resolve_user("app:ghosts", PASSWD, GROUP)
    assert resolve_user("", "", "").home == "/root"


def test_plan_order_and_contents():
    cfg = Config(rootfs="/", workdir="/srv/app", tmpfs=[parse_tmpfs("/data/cache")],
                 binds=[parse_bind("/host/ro:/data/ro:ro"), parse_bind("/h:/data", True)])
    steps = plan(cfg)
    mounts = [(s.op, s.path) for s in steps if s.op in ("mount", "bind", "remount-ro")]
    assert mounts[:3] == [("mount", "/proc"), ("mount", "/sys"), ("mount", "/dev")]
    assert [p for op, p in mounts if op == "bind" and p.startswith("/dev/")] == \
        [f"/dev/{n}" for n in DEV_NODES]
    assert mounts.index(("mount", "/run")) < mounts.index(("bind", "/data"))
    # parents before children, whatever the option order
    assert mounts.index(("bind", "/data")) < mounts.index(("mount", "/data/cache"))
    assert mounts.index(("bind", "/data/ro")) < mounts.index(("remount-ro", "/data/ro"))
    assert steps[-1].op == "mkdir" and steps[-1].path == "/srv/app"
    sysfs = next(s for s in steps if s.path == "/sys" and s.op == "mount")
    assert sysfs.optional and sysfs.flags & MS_RDONLY
    # every mount point is created before it is mounted on
    made = set()
    for s in steps:
        if s.op in ("mkdir", "touch"):
            made.add(s.path)
        elif s.op in ("mount", "bind"):
            assert s.path in made, s


def test_plan_without_run_tmpfs_and_with_file_bind():
    steps = plan(Config(rootfs="/", run_tmpfs=False, binds=[parse_bind("/f:/etc/f", False)]))
    assert not any(s.path == "/run" for s in steps)
    touch = next(s for s in steps if s.path == "/etc/f")
    assert touch.op == "touch"


def test_overlay_options_put_the_top_layer_first():
    assert overlay_options(["/base", "/l1", "/l2"], "/s/u", "/s/w") == \
        "lowerdir=/l2:/l1:/base,upperdir=/s/u,workdir=/s/w"
    assert overlay_options(["/b"], "/u", "/w", userxattr=True).endswith(",userxattr")


def test_capability_and_userns_checks():
    assert has_cap_sys_admin("Name:\tx\nCapEff:\t000001ffffffffff\n")
    assert not has_cap_sys_admin("CapEff:\t00000000a80425fb\n")  # docker's default set
    assert not has_cap_sys_admin("")
    assert in_initial_userns("         0          0 4294967295\n")
    assert not in_initial_userns("         0       1000          1\n")


def test_nested_layers_are_the_ones_to_copy():
    assert nested_layers(["/", "/tmp/x/layer", "/srv"]) == [1, 2]
    assert nested_layers(["/img", "/img2", "/img/sub", "/img/sub/deeper"]) == [2, 3]
    assert nested_layers(["/a", "/b"]) == []


def test_relay_holds_signals_until_pid1_is_known_and_kills_the_keeper_at_the_deadline():
    import signal
    import subprocess

    from init.sandbox.relay import Relay

    pid1 = subprocess.Popen(["sleep", "60"])
    keeper = subprocess.Popen(["sleep", "60"])
    relay = Relay(stop_timeout=3600)
    try:
        relay.keeper = keeper.pid
        relay.handle(signal.SIGTERM)   # a stop before PID 1 is reported: held
        assert relay.pending == [signal.SIGTERM] and pid1.poll() is None
        relay.handle(signal.SIGALRM)   # the deadline, still no PID 1: the keeper goes
        assert keeper.wait(10) == -signal.SIGKILL
        relay.started(pid1.pid)        # held signals go out once, in order
        assert pid1.wait(10) == -signal.SIGTERM and relay.pending == []
    finally:
        relay.restore()
        for p in (pid1, keeper):
            if p.poll() is None:
                p.kill()
                p.wait()


@pytest.mark.parametrize("ignores_term", [False, True])
def test_wait_relays_a_stop_and_kills_at_the_deadline(ignores_term):
    """A SIGTERM to the runner while it waits reaches PID 1; if PID 1 ignores it, SIGKILL
    follows stop_timeout later (here the "keeper" is PID 1 itself)."""
    import os
    import signal
    import subprocess
    import time

    from init.sandbox.relay import Relay, wait

    script = ("trap '' TERM; " if ignores_term else "") + "echo up; while :; do sleep 0.05; done"
    pid1 = subprocess.Popen(["sh", "-c", script], stdout=subprocess.PIPE)
    assert pid1.stdout.readline() == b"up\n"
    r, w = os.pipe()
    relay = Relay(stop_timeout=0.3)
    relay.install()
    killer, reaped = None, False
    try:
        relay.keeper = pid1.pid
        os.write(w, f"pid {pid1.pid}\n".encode())
        os.close(w)
        killer = subprocess.Popen(["sh", "-c", f"sleep 0.1; kill -TERM {os.getpid()}"])
        start = time.monotonic()
        status, errors = wait(pid1.pid, r, relay)  # reaps pid1
        reaped, took = True, time.monotonic() - start
    finally:
        relay.restore()
        os.close(r)
        if killer:
            killer.wait()
        if not reaped:
            pid1.kill()
            pid1.wait()
    expected = signal.SIGKILL if ignores_term else signal.SIGTERM
    assert (os.waitstatus_to_exitcode(status), errors) == (-expected, [])
    assert took < 10 and (not ignores_term or took >= 0.3)
