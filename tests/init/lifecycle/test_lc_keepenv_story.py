"""S6_KEEP_ENV=0 and with-contenv scripts that go on after a failing command (issue 15).

cont-init scripts (``#!/command/with-contenv sh``, bash, execline) and a
CMD run a second command after one that failed and print the status they
see.  The expected lines are what s6-overlay 3.2.3.2 printed when this
image was booted under it (built from its sources, issue 15); with
``S6PY_REAL_S6_OVERLAY_LAYER`` set, the image is also booted there and both
must print the same.
"""
from __future__ import annotations

import os
import subprocess

import pytest

from tests.init.lifecycle.image import SANDBOX, env

pytestmark = pytest.mark.root

FILES = {
    "/etc/cont-init.d/10-sh": "#!/command/with-contenv sh\nfalse\necho \"sh after false: $? FOO=$FOO\"\n",
    "/etc/cont-init.d/20-el": ("#!/command/execlineb -P\nwith-contenv\nforeground { false }\n"
                               "importas -D unset ? ?\nforeground { echo \"el after false: $?\" }\n"
                               "importas -D unset FOO FOO\necho FOO=$FOO\n"),
    "/etc/cont-init.d/30-bash": "#!/command/with-contenv bash\nfalse\necho \"bash after false: $?\"\nfalse\n",
    "/etc/cont-init.d/40-el2": ("#!/command/execlineb -P\nforeground { false }\nwith-contenv\n"
                                "importas -D unset ? ?\necho \"wc after failed fg: $?\"\n"),
}
CMD = ["/command/with-contenv", "sh", "-c",
       "false; echo cmd after false: $?; sh -c 'exit 3'; echo then $?; exit 5"]
STDOUT = ["sh after false: 1 FOO=bar", "el after false: 1", "FOO=bar", "bash after false: 1",
          "wc after failed fg: unset", "cmd after false: 1", "then 3"]
CONT_INIT = ["cont-init: info: running /etc/cont-init.d/10-sh",
             "cont-init: info: /etc/cont-init.d/10-sh exited 0",
             "cont-init: info: running /etc/cont-init.d/20-el",
             "cont-init: info: /etc/cont-init.d/20-el exited 0",
             "cont-init: info: running /etc/cont-init.d/30-bash",
             "cont-init: info: /etc/cont-init.d/30-bash exited 1",
             "cont-init: info: running /etc/cont-init.d/40-el2",
             "cont-init: info: /etc/cont-init.d/40-el2 exited 0"]
VARS = {"FOO": "bar", "S6_KEEP_ENV": "0"}


def shape(code: int, out: str, err: str) -> tuple:
    return code, out.splitlines(), [x for x in err.splitlines() if x.startswith("cont-init:")]


def test_keep_env_0_statuses_after_a_failure(image):
    for path, text in FILES.items():
        image.script(path, text)
    r = image.run(*CMD, env=VARS)
    assert shape(r.code, r.out, r.err) == (5, STDOUT, CONT_INIT), r


@pytest.mark.skipif(not os.path.isfile(os.path.join(os.environ.get("S6PY_REAL_S6_OVERLAY_LAYER", "/-"),
                                                    "init")),
                    reason="no real s6-overlay layer (S6PY_REAL_S6_OVERLAY_LAYER)")
def test_keep_env_0_same_as_real_s6_overlay(image, tmp_path):
    user = tmp_path / "user"
    for path, text in FILES.items():
        image.script(path, text)
        p = user / path.lstrip("/")
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text)
        p.chmod(0o755)
    argv = SANDBOX + ["/", "--layer", os.environ["S6PY_REAL_S6_OVERLAY_LAYER"], "--layer", str(user),
                      "--tmpdir", str(tmp_path)]
    for k, v in VARS.items():
        argv += ["-e", f"{k}={v}"]
    real = subprocess.run(argv + ["--"] + CMD, capture_output=True, text=True, env=env(),
                          timeout=120, stdin=subprocess.DEVNULL)
    ours = image.run(*CMD, env=VARS)
    assert shape(ours.code, ours.out, ours.err) == shape(real.returncode, real.stdout, real.stderr)
    assert shape(real.returncode, real.stdout, real.stderr) == (5, STDOUT, CONT_INIT)
