"""The tarballs of a release build on a Debian root made by debootstrap, not on the build host.

On bookworm (python3 3.11) and bullseye (3.9, the overlay's floor;
``S6PY_DEBIAN_SUITES`` chooses).  The tarballs are the ones the README's
Installing commands build on a clean clone (``tests/e2e/install.py``): the
vendored dependencies are the wheels pinned in overlays/vendor-requirements.txt,
fetched for Python 3.9 (nothing of the host's site-packages).  They are
extracted into a layer over the Debian root (its
own python3, no click or watchdog of its own), and the README's quick start
runs there: nginx as the CMD behind /init answers on 127.0.0.1; the exit
code of a CMD comes out of the container.

Slow the first time (debootstrap: about a minute with a near mirror); the
roots are cached (tests/e2e/debian.py).
"""
from __future__ import annotations

import os
import signal

import pytest

from overlays import build as ob
from tests.e2e import debian
from tests.e2e.conftest import extract
from tests.e2e.stack import Stack
from tests.init.sandbox.helpers import require_sandbox

pytestmark = [pytest.mark.slow, pytest.mark.root]

# Run by a supervised service through execline and with-contenv: the URL
# comes from `-e PROBE_URL=...`, which only with-contenv brings back.
PROBE = """\
import os, time, urllib.request
url = os.environ["PROBE_URL"]
end = time.monotonic() + 60
while True:
    try:
        with urllib.request.urlopen(url, timeout=5) as r:
            result = f"{r.status} {r.read().decode(errors='replace')}"
        break
    except OSError as e:
        if time.monotonic() > end:
            result = f"error {e}"
            break
        time.sleep(0.1)
with open("/out/status.tmp", "w") as f:
    f.write(result)
os.rename("/out/status.tmp", "/out/status")
"""


@pytest.fixture(scope="module")
def release_layer(readme_install, tmp_path_factory) -> str:
    """The tarballs the README's Installing commands build (3.9 wheels, floor 3.9), extracted."""
    require_sandbox()
    return extract(readme_install.dist, str(tmp_path_factory.mktemp("release-layer")),
                   (ob.MAIN, ob.SYMLINKS))


@pytest.fixture(scope="module", params=debian.SUITES)
def debian_root(request) -> str:
    require_sandbox()
    try:
        root, spent = debian.debian_root(request.param)
    except debian.Unavailable as e:
        pytest.skip(str(e))
    print(f"\ndebian root {root}: built in {spent:.0f} s (0: cached)")
    return root


@pytest.fixture
def image(tmp_path, debian_root, release_layer) -> Stack:
    return Stack(tmp_path, [release_layer], base=debian_root)


def test_quick_start_nginx_on_debian(image):
    root = image.base
    with open(os.path.join(root, "etc/nginx/nginx.conf")) as f:
        image.file("/etc/nginx/nginx.conf", f.read() + "daemon off;\n")   # the quick start's RUN
    image.file("/usr/local/lib/probe.py", PROBE)
    image.script("/etc/services.d/probe/run", "#!/command/execlineb -P\nwith-contenv\n"
                 "foreground { python3 /usr/local/lib/probe.py }\nsleep 1000\n")
    with image.start("/usr/sbin/nginx", env={"PROBE_URL": "http://127.0.0.1/"}) as c:
        status = c.wait_for("status")
        c.signal(signal.SIGTERM)                                         # docker stop
        r = c.wait()
    assert status.startswith("200 "), (status, r)
    assert "Welcome to nginx!" in status
    assert r.code == 0, r
    assert "s6-rc: info: service legacy-services successfully started" in r.err


def test_exit_code_cont_init_and_pid_1_runs_the_roots_python_without_its_site_packages(image):
    cmd = (". /etc/os-release; echo $VERSION_CODENAME > /out/os; "
           "python3 -c 'import click' 2> /dev/null && echo yes > /out/click || echo no > /out/click; "
           "readlink /proc/1/exe > /out/pid1; exit 3")
    image.script("/etc/cont-init.d/10-env",                 # the symlinks tarball's /usr/bin
                 '#!/usr/bin/with-contenv sh\necho "$GREETING" > /out/cont-init\n')
    r = image.run("/bin/sh", "-c", cmd, env={"GREETING": "hello"})
    assert r.code == 3, r
    assert r.file("cont-init") == "hello\n"
    with open(os.path.join(image.base, "etc/os-release")) as f:     # this root's, not the host's
        release = dict(ln.split("=", 1) for ln in f.read().splitlines() if "=" in ln)
    assert r.file("os").strip() == release["VERSION_CODENAME"] in debian.SUITES
    assert r.file("click") == "no\n"          # the root has no click: /init's is the tarball's
    python = os.path.join("/usr/bin", os.readlink(os.path.join(image.base, "usr/bin/python3")))
    assert r.file("pid1") == python + "\n"    # e.g. /usr/bin/python3.9 on bullseye
    assert "s6-rc: info: service legacy-services successfully started" in r.err
