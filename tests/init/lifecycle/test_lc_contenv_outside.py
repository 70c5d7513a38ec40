"""with-contenv, printcontenv and importas outside a booted container (issue 15).

As in a ``docker build`` RUN step or ``docker run --entrypoint /bin/sh``:
/init never ran, so /run/s6/container_environment is absent, then empty,
then partly filled.  The expected output is what s6-overlay 3.2.3.2 did in
the same sandbox (its scripts and skarnet's programs built from their
release sources): with-contenv does not carry on without the directory, it
fails as its ``s6-envdir -Lf`` does (111).  Where such a real layer is at
hand (``S6PY_REAL_S6_OVERLAY_LAYER``: a directory with its /init, /command
and /package), the same script also runs there and must print the same.
"""
from __future__ import annotations

import os
import subprocess

import pytest

from tests.init.lifecycle.image import SANDBOX, env

pytestmark = pytest.mark.root

SCRIPT = r"""PATH=/command:/usr/bin:/bin
export PATH
echo "== with-contenv absent"; with-contenv env; echo "rc=$?"
echo "== printcontenv absent"; printcontenv FOO; echo "rc=$?"
echo "== printcontenv usage"; printcontenv; echo "rc=$?"
echo "== importas via with-contenv"; execlineb -P -c 'with-contenv importas -D unset FOO FOO echo FOO=${FOO}'; echo "rc=$?"
echo "== importas alone"; execlineb -P -c 'importas -D unset FOO FOO echo FOO=${FOO}'; echo "rc=$?"
echo "== keep env"; S6_KEEP_ENV=1 with-contenv sh -c 'echo FOO=$FOO'; echo "rc=$?"
mkdir -p /run/s6/container_environment
echo "== empty dir"; with-contenv env; echo "rc=$?"
printf 'hello\n' > /run/s6/container_environment/FOO
echo "== partly filled"; with-contenv env; echo "rc=$?"
echo "== printcontenv partly"; printcontenv FOO | od -c | head -2; printcontenv BAR; echo "rc=$?"
echo "== importas partly"; execlineb -P -c 'with-contenv importas -D dflt BAR BAR importas FOO FOO echo FOO=${FOO} BAR=${BAR}'; echo "rc=$?"
ln -s /nonexistent /run/s6/container_environment/DANGLING
echo "== dangling"; with-contenv env; echo "rc=$?"
"""

ENVDIR = "s6-envdir: fatal: unable to envdir /run/s6/container_environment"


def expected_stdout(sh_status: int) -> str:
    return f"""== with-contenv absent
rc=111
== printcontenv absent
rc={sh_status}
== printcontenv usage
rc=100
== importas via with-contenv
rc=111
== importas alone
FOO=bar baz
rc=0
== keep env
FOO=bar baz
rc=0
== empty dir
PATH=/command:/usr/bin:/bin
rc=0
== partly filled
PATH=/command:/usr/bin:/bin
FOO=hello
rc=0
== printcontenv partly
0000000   h   e   l   l   o  \\n  \\n
0000007
rc={sh_status}
== importas partly
FOO=hello BAR=dflt
rc=0
== dangling
rc=111
"""


EXPECTED_STDERR = (f"{ENVDIR}: No such file or directory\n"
                   "printcontenv: fatal: too few arguments\n"
                   f"{ENVDIR}: No such file or directory\n"
                   f"{ENVDIR}: Identifier removed\n")


def run(layer: str, tmp: str) -> subprocess.CompletedProcess:
    argv = SANDBOX + ["/", "--layer", layer, "--tmpdir", tmp, "--entrypoint", "/bin/sh",
                      "-e", "FOO=bar baz", "--", "-c", SCRIPT]
    return subprocess.run(argv, capture_output=True, text=True, env=env(), timeout=120,
                          stdin=subprocess.DEVNULL)


def sh_redirect_status() -> int:
    """printcontenv is a sh script in s6-overlay: a missing file is sh's redirection failure."""
    return subprocess.run(["/bin/sh", "-c", "true </nonexistent/x"],
                          capture_output=True).returncode


def test_contenv_story_outside_a_container(image):
    r = run(image.layer, image.tmp)
    assert r.returncode == 0, r.stderr
    assert r.stdout == expected_stdout(sh_redirect_status())
    assert r.stderr == EXPECTED_STDERR


@pytest.mark.skipif(not os.path.isfile(os.path.join(os.environ.get("S6PY_REAL_S6_OVERLAY_LAYER", "/-"),
                                                    "init")),
                    reason="no real s6-overlay layer (S6PY_REAL_S6_OVERLAY_LAYER)")
def test_contenv_story_same_as_real_s6_overlay(image):
    real = run(os.environ["S6PY_REAL_S6_OVERLAY_LAYER"], image.tmp)
    ours = run(image.layer, image.tmp)
    assert (ours.returncode, ours.stdout, ours.stderr) == (real.returncode, real.stdout, real.stderr)
    assert real.stdout == expected_stdout(sh_redirect_status())
