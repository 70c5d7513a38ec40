"""The s6-supervise state machine, driven by a fake clock and fake processes.

Every expectation comes from supervision.md §2-§3 (what the real
s6-supervise was observed to do); times are exact because the clock is ours.
"""
from __future__ import annotations

import os
import signal

import pytest

from init.supervise import status as S
from init.supervise.files import ServiceFiles
from init.supervise.service import DOWN, FINISH, GONE, UP, Service
from tests.init.sv_fakes import FakeLoop, FakeSpawner, Kills, exited, killed


@pytest.fixture
def env(tmp_path):
    class Env:
        pass

    e = Env()
    e.dir = tmp_path / "svc"
    e.dir.mkdir()
    (e.dir / "run").write_text("#!/bin/sh\nexec sleep 100\n")
    e.loop = FakeLoop()
    e.spawner = FakeSpawner()
    e.kills = Kills()
    e.said: list[str] = []
    e.events: list[str] = []

    def make(name="svc", start=True):
        svc = Service(e.loop, ServiceFiles(str(e.dir)), name, spawner=e.spawner,
                      say=e.said.append, kill=e.kills.kill, killpg=e.kills.killpg)
        svc.listeners.append(lambda _s, letters: e.events.extend(letters.decode()))
        if start:
            svc.start()
        e.svc = svc
        return svc

    e.make = make
    yield e
    if getattr(e, "svc", None) is not None and e.svc.phase != GONE:
        e.svc.files.close()
    for fd in e.spawner.notify_w.values():
        try:
            os.close(fd)
        except OSError:
            pass


def file_status(e) -> S.Status:
    return S.unpack((e.dir / "supervise" / "status").read_bytes())


def test_start_spawns_run_with_the_name_in_its_dir(env):
    svc = env.make()
    call = env.spawner.last("./run")
    assert call["argv"] == ["./run", "svc"]
    assert os.readlink(f"/proc/self/fd/{call['cwd']}") == str(env.dir)
    assert svc.phase == UP and svc.pid == call["pid"]
    st = file_status(env)
    assert st.pid == call["pid"] and st.up and st.wantup and not st.ready
    assert env.events == ["s", "u"]


def test_down_file_means_not_started_until_u(env):
    (env.dir / "down").write_text("")
    svc = env.make()
    assert env.spawner.count("./run") == 0
    st = file_status(env)
    assert not st.up and not st.wantup and st.never_started
    svc.command(b"u")
    assert env.spawner.count("./run") == 1 and svc.phase == UP
    assert file_status(env).wantup and not file_status(env).never_started


def test_quick_death_restarts_one_second_after_down(env):
    svc = env.make()
    pid = svc.pid
    env.loop.advance(0.2)
    env.loop.die(pid, exited(3))
    assert svc.phase == DOWN
    st = file_status(env)
    assert st.pid == 0 and st.wstat == exited(3) and st.ready and st.wantup
    assert env.events[-2:] == ["d", "D"]
    env.loop.advance(0.999)
    assert env.spawner.count("./run") == 1
    env.loop.advance(0.001)
    assert env.spawner.count("./run") == 2


def test_ready_for_a_second_restarts_at_once(env):
    (env.dir / "notification-fd").write_text("3\n")
    svc = env.make()
    pid = svc.pid
    env.loop.advance(0.3)
    os.write(env.spawner.notify_w[pid], b"ready\n")
    env.loop.readers[svc._notif]()
    assert svc.ready and env.events[-1] == "U"
    assert file_status(env).ready
    env.loop.advance(1.5)              # dies at +1.8, ready since +0.3
    env.loop.die(pid, exited(0))
    assert env.spawner.count("./run") == 2


def test_ready_briefly_restarts_one_second_after_readiness(env):
    (env.dir / "notification-fd").write_text("3")
    svc = env.make()
    pid = svc.pid
    env.loop.advance(0.3)
    os.write(env.spawner.notify_w[pid], b"\n")
    env.loop.readers[svc._notif]()
    env.loop.advance(0.2)              # dies at +0.5: next start at +1.3
    env.loop.die(pid, exited(1))
    env.loop.advance(0.799)
    assert env.spawner.count("./run") == 1
    env.loop.advance(0.001)
    assert env.spawner.count("./run") == 2


def test_notification_eof_without_newline_is_not_ready(env):
    (env.dir / "notification-fd").write_text("3\n")
    svc = env.make()
    os.write(env.spawner.notify_w[svc.pid], b"almost")
    os.close(env.spawner.notify_w.pop(svc.pid))
    env.loop.readers[svc._notif]()     # data without newline
    env.loop.readers[svc._notif]()     # EOF
    assert not svc.ready and svc._notif == -1 and "U" not in env.events


def test_notification_fd_goes_to_the_child(env):
    (env.dir / "notification-fd").write_text("5\n")
    env.make()
    assert 5 in env.spawner.last("./run")["fds"]


@pytest.mark.parametrize("wstat,args", [
    (killed(signal.SIGKILL), ["256", "9"]),
    (killed(signal.SIGTERM), ["256", "15"]),
    (exited(3), ["3", "0"]),
    (exited(0), ["0", "0"]),
])
def test_finish_gets_four_arguments(env, wstat, args):
    (env.dir / "finish").write_text("#!/bin/sh\n")
    svc = env.make("mysvc")
    pid = svc.pid
    env.loop.die(pid, wstat)
    call = env.spawner.last("./finish")
    assert call["argv"] == ["./finish"] + args + ["mysvc", str(pid)]
    assert os.readlink(f"/proc/self/fd/{call['cwd']}") == str(env.dir)
    assert svc.phase == FINISH
    st = file_status(env)
    assert st.finishing and not st.up and not st.ready
    assert env.events[-1] == "d"


def test_restart_one_second_after_finish_returns(env):
    (env.dir / "finish").write_text("#!/bin/sh\n")
    svc = env.make()
    env.loop.die(svc.pid, exited(1))
    fpid = env.spawner.last("./finish")["pid"]
    env.loop.advance(2.0)             # finish takes 2 s
    assert env.spawner.count("./run") == 1
    env.loop.die(fpid, exited(0))
    assert env.events[-1] == "D" and file_status(env).ready
    env.loop.advance(0.999)
    assert env.spawner.count("./run") == 1
    env.loop.advance(0.001)
    assert env.spawner.count("./run") == 2


def test_finish_exit_125_means_no_restart(env):
    (env.dir / "finish").write_text("#!/bin/sh\nexit 125\n")
    svc = env.make()
    env.loop.die(svc.pid, exited(7))
    env.loop.die(env.spawner.last("./finish")["pid"], exited(125))
    assert env.events[-2:] == ["O", "D"]
    env.loop.advance(10)
    assert env.spawner.count("./run") == 1
    st = file_status(env)
    assert not st.wantup and st.wstat == exited(7)


def test_timeout_finish_kills_finish(env):
    (env.dir / "finish").write_text("#!/bin/sh\nsleep 100\n")
    (env.dir / "timeout-finish").write_text("200\n")
    svc = env.make()
    env.loop.die(svc.pid, exited(0))
    fpid = env.spawner.last("./finish")["pid"]
    env.loop.advance(0.199)
    assert not [k for k in env.kills.sent if k[1] == fpid]
    env.loop.advance(0.001)
    assert ("kill", fpid, signal.SIGKILL) in env.kills.sent
    assert env.said == ["s6-supervise svc: warning: finish script lifetime reached maximum "
                        "value - sending it a SIGKILL"]


def test_default_timeout_finish_is_five_seconds(env):
    (env.dir / "finish").write_text("#!/bin/sh\n")
    svc = env.make()
    env.loop.die(svc.pid, exited(0))
    fpid = env.spawner.last("./finish")["pid"]
    env.loop.advance(4.99)
    assert not env.kills.sent
    env.loop.advance(0.01)
    assert ("kill", fpid, signal.SIGKILL) in env.kills.sent


def test_d_sends_down_signal_then_cont_and_timeout_kill(env):
    (env.dir / "timeout-kill").write_text("1000\n")
    (env.dir / "down-signal").write_text("SIGHUP\n")
    svc = env.make()
    pid = svc.pid
    svc.command(b"d")
    assert env.kills.sent == [("kill", pid, signal.SIGHUP), ("kill", pid, signal.SIGCONT)]
    assert not file_status(env).wantup
    env.loop.advance(0.999)
    assert len(env.kills.sent) == 2
    env.loop.advance(0.001)
    assert env.kills.sent[2:] == [("kill", pid, signal.SIGKILL), ("kill", pid, signal.SIGCONT)]
    env.loop.advance(5)               # retried every 5 s while it lives
    assert env.kills.sent[4:] == [("kill", pid, signal.SIGKILL), ("kill", pid, signal.SIGCONT)]
    env.loop.die(pid, killed(9))
    env.loop.advance(20)
    assert len(env.kills.sent) == 6 and env.spawner.count("./run") == 1


def test_timeout_kill_to_the_process_group(env):
    (env.dir / "timeout-kill").write_text("100")
    (env.dir / "flag-timeout-killpg").write_text("")
    svc = env.make()
    svc.command(b"d")
    env.loop.advance(0.1)
    assert ("killpg", svc.pid, signal.SIGKILL) in env.kills.sent


def test_no_timeout_kill_means_no_escalation(env):
    svc = env.make()
    svc.command(b"d")
    env.loop.advance(60)
    assert env.kills.sent == [("kill", svc.pid, signal.SIGTERM), ("kill", svc.pid, signal.SIGCONT)]


def test_r_sends_down_signal_and_restarts(env):
    svc = env.make()
    pid = svc.pid
    env.loop.advance(3)
    svc.command(b"r")
    assert ("kill", pid, signal.SIGTERM) in env.kills.sent
    env.loop.die(pid, killed(15))
    env.loop.advance(1)
    assert env.spawner.count("./run") == 2 and file_status(env).wantup


def test_u_bypasses_a_pending_restart_delay(env):
    svc = env.make()
    svc.command(b"k")
    env.loop.die(svc.pid, killed(9))
    env.loop.advance(0.2)
    svc.command(b"u")
    assert env.spawner.count("./run") == 2


def test_u_while_finishing_only_records_the_wish(env):
    (env.dir / "finish").write_text("#!/bin/sh\n")
    svc = env.make()
    svc.command(b"d")
    env.loop.die(svc.pid, killed(15))
    svc.command(b"u")
    assert env.spawner.count("./run") == 1 and file_status(env).wantup
    env.loop.die(env.spawner.last("./finish")["pid"], exited(0))
    env.loop.advance(1)
    assert env.spawner.count("./run") == 2


def test_o_runs_once(env):
    (env.dir / "down").write_text("")
    svc = env.make()
    svc.command(b"o")
    assert svc.phase == UP and not file_status(env).wantup
    env.loop.die(svc.pid, exited(0))
    env.loop.advance(5)
    assert env.spawner.count("./run") == 1


def test_O_on_up_service_means_no_restart_after_death(env):
    svc = env.make()
    svc.command(b"O")
    assert env.kills.sent == [] and svc.phase == UP
    env.loop.die(svc.pid, exited(0))
    env.loop.advance(5)
    assert env.spawner.count("./run") == 1


def test_U_and_D_manage_the_down_file(env):
    svc = env.make()
    svc.command(b"D")
    assert (env.dir / "down").exists()
    env.loop.die(svc.pid, killed(15))
    svc.command(b"U")
    assert not (env.dir / "down").exists() and svc.phase == UP


@pytest.mark.parametrize("letter,sig", [
    ("a", signal.SIGALRM), ("b", signal.SIGABRT), ("q", signal.SIGQUIT), ("h", signal.SIGHUP),
    ("k", signal.SIGKILL), ("t", signal.SIGTERM), ("i", signal.SIGINT), ("1", signal.SIGUSR1),
    ("2", signal.SIGUSR2), ("p", signal.SIGSTOP), ("c", signal.SIGCONT), ("y", signal.SIGWINCH),
])
def test_signal_letters(env, letter, sig):
    svc = env.make()
    svc.command(letter.encode())
    assert env.kills.sent == [("kill", svc.pid, sig)]


def test_pause_flag(env):
    svc = env.make()
    svc.command(b"p")
    assert file_status(env).paused
    svc.command(b"c")
    assert not file_status(env).paused


def test_group_letters(env):
    svc = env.make()
    svc.command(b"PCK")
    assert env.kills.sent == [("killpg", svc.pid, signal.SIGSTOP), ("killpg", svc.pid, signal.SIGCONT),
                              ("killpg", svc.pid, signal.SIGKILL)]


def test_signals_are_not_sent_to_a_down_service(env):
    (env.dir / "down").write_text("")
    svc = env.make()
    svc.command(b"kthr")
    assert env.kills.sent == []


def test_x_exits_when_down_and_releases_the_lock(env):
    svc = env.make()
    exits = []
    svc.on_exit = exits.append
    svc.command(b"x")
    assert svc.phase == UP and not exits
    env.loop.die(svc.pid, exited(0))
    assert svc.phase == GONE and exits == [svc] and env.events[-1] == "x"
    assert svc.files.lock_fd == -1
    env.loop.advance(5)
    assert env.spawner.count("./run") == 1


def test_terminate_brings_down_then_exits(env):
    svc = env.make()
    svc.terminate()
    assert ("kill", svc.pid, signal.SIGTERM) in env.kills.sent
    env.loop.die(svc.pid, killed(15))
    assert svc.phase == GONE


def test_terminate_a_down_service_exits_at_once(env):
    (env.dir / "down").write_text("")
    svc = env.make()
    svc.terminate()
    assert svc.phase == GONE


def test_last_finish_before_exit_gets_devnull_stdio(env):
    (env.dir / "finish").write_text("#!/bin/sh\n")
    svc = env.make()
    svc.stdio = {1: 99}
    svc.terminate()
    env.loop.die(svc.pid, killed(15))
    fds = env.spawner.last("./finish")["fds"]
    assert fds[0] == fds[1] and fds[1] != 99


def test_spawn_failure_waits_sixty_seconds(env):
    env.spawner.fail.add("./run")
    svc = env.make()
    assert svc.phase == DOWN
    assert env.said == ["s6-supervise svc: warning: unable to spawn ./run (waiting 60 seconds)"]
    env.spawner.fail.clear()
    env.loop.advance(59.9)
    assert env.spawner.count("./run") == 0
    env.loop.advance(0.1)
    assert env.spawner.count("./run") == 1


def test_death_tally_is_capped(env):
    (env.dir / "max-death-tally").write_text("3\n")
    svc = env.make()
    for i in range(5):
        env.loop.die(svc.pid, exited(i))
        env.loop.advance(1)
    data = (env.dir / "supervise" / "death_tally").read_bytes()
    assert len(data) == 3 * 14
    assert [data[14 * k + 12] for k in range(3)] == [2, 3, 4]


def test_invalid_numeric_file_warns_and_uses_default(env):
    (env.dir / "timeout-kill").write_text("soon\n")
    svc = env.make()
    assert "s6-supervise svc: warning: invalid timeout-kill" in env.said
    svc.command(b"d")
    env.loop.advance(100)
    assert len(env.kills.sent) == 2


def test_control_fifo_feeds_commands(env):
    svc = env.make()
    fd = os.open(env.dir / "supervise" / "control", os.O_WRONLY | os.O_NONBLOCK)
    os.write(fd, b"d")
    os.close(fd)
    env.loop.readers[svc.files.control_fd]()
    assert not svc.want_up and ("kill", svc.pid, signal.SIGTERM) in env.kills.sent


def test_a_second_supervisor_is_refused(env):
    env.make()
    other = ServiceFiles(str(env.dir))
    from init.supervise.files import AlreadySupervised
    # POSIX locks are per process: the refusal is checked from a child.
    pid = os.fork()
    if pid == 0:
        try:
            other.open()
            os._exit(1)
        except AlreadySupervised:
            os._exit(0)
        except BaseException:
            os._exit(2)
    _, st = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(st) == 0


def test_supervision_survives_the_directory_moving(env, tmp_path):
    (env.dir / "finish").write_text("#!/bin/sh\n")
    svc = env.make()
    os.rename(env.dir, tmp_path / "moved")
    env.loop.die(svc.pid, exited(2))
    assert env.spawner.last("./finish")["argv"][1] == "2"
    env.loop.die(env.spawner.last("./finish")["pid"], exited(0))
    env.loop.advance(1)
    assert env.spawner.count("./run") == 2
    st = S.unpack((tmp_path / "moved" / "supervise" / "status").read_bytes())
    assert st.up and env.said == []
