"""``overlays.demo.container``: the docker-stop mechanics on a bare sandbox (no /init).

The runner is booted with a shell as its entrypoint, so these tests see
the exit code, the CMD's reported code and the stop the way ``demo``
does, without building the overlay.
"""
from __future__ import annotations

import pytest

from overlays.demo import container, rules
from tests.init.sandbox.helpers import require_sandbox

pytestmark = pytest.mark.root


def test_boot_and_stop_passes_the_real_exit_code_after_docker_stop(tmp_path):
    """The stop mechanics on a bare sandbox (no /init): a CMD that says it waits, gets
    the runner's forwarded SIGTERM and exits 3; the code is the runner's, not a guess."""
    require_sandbox()
    script = ("trap 'echo \"CMD: SIGTERM received: 0/0 checks passed; exiting 3\"; exit 3' TERM; "
              "echo 'CMD: waiting for docker stop'; while :; do sleep 0.05; done")
    said: list[str] = []
    s = container.boot_and_stop(["/", "--entrypoint", "/bin/sh", "--", "-c", script], said.append,
                                timeout=60, workdir=str(tmp_path))
    assert (s.code, s.cmd_code, s.waited) == (3, 3, True), said
    assert said.index("== stopping (docker stop: SIGTERM to the container's runner, forwarded to "
                      "PID 1)") == said.index("   CMD: waiting for docker stop") + 1


def test_boot_and_stop_stops_a_cmd_that_never_waits(tmp_path):
    """--timeout's stop.  The timeout leaves the sandbox time to boot: a SIGTERM that
    reached the shell (PID 1, which ignores what it has no handler for) before its
    trap would be lost, and the SIGKILL 10 s later would make it 137, not 5."""
    require_sandbox()
    script = "trap 'exit 5' TERM; while :; do sleep 0.05; done"
    said: list[str] = []
    s = container.boot_and_stop(["/", "--entrypoint", "/bin/sh", "--", "-c", script], said.append,
                                timeout=5, workdir=str(tmp_path))
    assert (s.code, s.cmd_code, s.waited) == (5, None, False), said
    assert any("did not reach its wait in 5 s" in ln for ln in said)
    assert "the CMD never said it waits for docker stop" in rules.checks(s)
