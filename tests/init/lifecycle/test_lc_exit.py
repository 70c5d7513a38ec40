"""The container's exit code in every case init.md §15.5 lists, and the signals of §6.2."""
from __future__ import annotations

import signal

import pytest

pytestmark = pytest.mark.root

RESULTS = "/run/s6-linux-init-container-results/exitcode"
LOOP = "trap 'echo TERM >> /out/cmd; exit 5' TERM; touch /out/running; while :; do sleep 0.05; done"


def test_cmd_killed_by_a_signal_gives_128_plus_n(image):
    assert image.run("sh", "-c", "kill -USR1 $$").code == 128 + signal.SIGUSR1


def test_docker_stop_without_receive_signals_uses_the_exitcode_file(image):
    with image.start("sh", "-c", LOOP) as c:
        c.wait_for("running")
        c.signal(signal.SIGTERM)
        r = c.wait()
    # the CMD trapped TERM and exited 5, but stage 3 had begun: not recorded (DECISIONS #8)
    assert r.code == 0, r
    assert r.file("cmd") == "TERM\n"


def test_docker_stop_with_a_finish_script_writing_the_code(image):
    image.legacy("myapp", "#!/bin/sh\ntouch /out/running\nexec sleep 1000\n",
                 finish="#!/bin/sh\nif test \"$1\" -eq 256 ; then e=$((128 + $2)); else e=$1; fi\n"
                 f"echo \"$e\" > {RESULTS}\n")
    with image.start() as c:
        c.wait_for("running")
        c.signal(signal.SIGTERM)
        r = c.wait()
    assert r.code == 128 + signal.SIGTERM, r


@pytest.mark.parametrize("cmd,code", [(LOOP, 5), ("touch /out/running; exec sleep 1000", 143)])
def test_docker_stop_with_receive_signals_gives_the_cmds_status(image, cmd, code):
    with image.start("sh", "-c", cmd, env={"S6_CMD_RECEIVE_SIGNALS": "1"}) as c:
        c.wait_for("running")
        c.signal(signal.SIGTERM)
        r = c.wait()
    assert r.code == code, r


def test_receive_signals_forwards_the_others_while_the_cmd_runs(image):
    cmd = ("trap 'echo USR1 >> /out/sigs' USR1; trap 'echo WINCH >> /out/sigs' WINCH; "
           "trap 'echo INT >> /out/sigs; exit 3' INT; touch /out/running; "
           "while :; do sleep 0.05; done")
    with image.start("sh", "-c", cmd, env={"S6_CMD_RECEIVE_SIGNALS": "1"}) as c:
        c.wait_for("running")
        c.signal(signal.SIGUSR1)
        c.wait_for("sigs", "USR1")
        c.signal(signal.SIGWINCH)
        c.wait_for("sigs", "WINCH")
        c.signal(signal.SIGINT)
        r = c.wait()
    assert r.code == 3, r                   # INT went to the CMD, not to a reboot
    assert r.file("sigs") == "USR1\nWINCH\nINT\n"


def test_halt_from_a_finish_script_readme_example(image):
    image.legacy("myapp", "#!/bin/sh\nsleep 0.2\nexit 0\n",
                 finish="#!/command/execlineb -S0\n"
                 f"foreground {{ redirfd -w 1 {RESULTS} echo 3 }}\n"
                 "/run/s6/basedir/bin/halt\n")
    r = image.run()
    assert r.code == 3, r


def test_exitcode_file_garbage_gives_100(image):
    image.legacy("myapp", "#!/bin/sh\nexit 0\n",
                 finish=f"#!/bin/sh\necho ' 12' > {RESULTS}\nexec /run/s6/basedir/bin/halt\n")
    assert image.run().code == 100


@pytest.mark.parametrize("b,code,cmd_ran", [("0", 4, True), ("1", 4, True), ("2", 1, False)])
def test_behaviour_if_stage2_fails_cont_init(image, b, code, cmd_ran):
    image.script("/etc/cont-init.d/10-fail", "#!/bin/sh\nexit 3\n")
    image.script("/etc/cont-init.d/20-ok", "#!/bin/sh\ntouch /out/second-ran\n")
    r = image.run("sh", "-c", "touch /out/cmd-ran; exit 4",
                  env={"S6_BEHAVIOUR_IF_STAGE2_FAILS": b})
    assert r.code == code, r
    assert r.exists("second-ran")        # every script runs
    assert r.exists("cmd-ran") is cmd_ran
    assert ("cont-init: warning: some scripts exited nonzero" in r.err) is (b != "0")
    assert ("rc.init: fatal: stopping the container." in r.err) is (b == "2")


def test_behaviour_2_with_a_failing_oneshot_and_a_failing_hook(image):
    image.rc("bad", "oneshot", up="false\n")
    r = image.run("touch", "/out/cmd-ran", env={"S6_BEHAVIOUR_IF_STAGE2_FAILS": "2"})
    assert r.code == 1 and "unable to start service bad: command exited 1" in r.err, r
    r = image.run("true", env={"S6_BEHAVIOUR_IF_STAGE2_FAILS": "2", "S6_STAGE2_HOOK": "exit 7"})
    assert r.code == 7 and "rc.init: fatal: hook exit 7 exited 7" in r.err, r
    r = image.run("true", env={"S6_STAGE2_HOOK": "exit 7"})
    assert r.code == 0 and "rc.init: warning: hook exit 7 exited 7" in r.err, r


def test_global_timeout_gives_2(image):
    image.rc("never", "longrun", run="#!/bin/sh\nexec sleep 1000\n", notification_fd="3\n")
    r = image.run("touch", "/out/cmd-ran", env={"S6_BEHAVIOUR_IF_STAGE2_FAILS": "2",
                                               "S6_CMD_WAIT_FOR_SERVICES_MAXTIME": "300"})
    assert r.code == 2 and "s6-rc: fatal: timed out" in r.err, r
    assert not r.exists("cmd-ran")


@pytest.mark.parametrize("sig,code", [(signal.SIGINT, 129), (signal.SIGUSR1, 130),
                                      (signal.SIGPWR, 130), (signal.SIGUSR2, 0)])
def test_reboot_and_poweroff_with_cap_sys_boot(image, sig, code):
    with image.start("sh", "-c", "touch /out/running; exec sleep 1000") as c:
        c.wait_for("running")
        c.signal(sig)
        r = c.wait()
    assert r.code == code, r


def test_quit_and_winch_are_ignored_hup_rescans(image):
    svc = "/run/service/late"
    cmd = (f"mkdir -p {svc} && printf '#!/bin/sh\\ntouch /out/late\\nexec sleep 100\\n' > "
           f"{svc}/run && chmod +x {svc}/run && touch /out/running && exec sleep 1000")
    with image.start("sh", "-c", cmd) as c:
        c.wait_for("running")
        c.signal(signal.SIGQUIT)
        c.signal(signal.SIGWINCH)
        c.signal(signal.SIGHUP)
        c.wait_for("late")
        assert c.proc.poll() is None
        c.signal(signal.SIGTERM)
        r = c.wait()
    assert r.code == 0, r


def test_svscanctl_t_and_poweroff_command_stop_the_container(image):
    r = image.run("sh", "-c", f"echo 6 > {RESULTS}; s6-svscanctl -t /run/service; sleep 1000")
    assert r.code == 6, r
    r = image.run("sh", "-c", f"echo 6 > {RESULTS}; /run/s6/basedir/bin/poweroff; sleep 1000")
    assert r.code == 130, r
    r = image.run("sh", "-c", "/run/s6/basedir/bin/halt; /run/s6/basedir/bin/halt; sleep 1000")
    assert r.code == 0, r


def test_require_pid1_refuses_a_subreaper(image):
    r = image.run("-c", "/init true; echo init=$? > /out/code",
                  opts=["--entrypoint", "/bin/sh"], env={"S6_REQUIRE_PID1": "1"})
    assert r.file("code") == "init=100\n", r
    assert "s6-overlay-suexec: fatal: can only run as pid 1" in r.err


def test_legacy_services_that_never_get_ready(image):
    image.legacy("slow", "#!/bin/sh\nexec sleep 1000\n", notification_fd="3\n")
    env = {"S6_CMD_WAIT_FOR_SERVICES": "1", "S6_CMD_WAIT_FOR_SERVICES_MAXTIME": "400",
           "S6_SERVICES_READYTIME": "10"}
    r = image.run("touch", "/out/cmd-ran", env=dict(env, S6_BEHAVIOUR_IF_STAGE2_FAILS="2"))
    assert r.code in (1, 2), r     # services-up fails (1), or the global timeout wins (2)
    assert not r.exists("cmd-ran")
    r = image.run("touch", "/out/cmd-ran", env=dict(env, S6_CMD_WAIT_FOR_SERVICES_MAXTIME="0",
                                                    S6_CMD_WAIT_FOR_SERVICES="0"))
    assert r.code == 0 and r.exists("cmd-ran"), r
