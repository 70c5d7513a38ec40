"""The README-built tarballs on an Alpine-like root: busybox for /bin/sh and every command.

The root (``tests/e2e/busybox.py``) holds busybox, Debian bullseye's python3
(3.9, the floor) and the libraries they need, nothing else: no dash, bash,
coreutils, util-linux, findutils or sed of its own.  The tarballs are
checked and extracted inside it with busybox's ``sha256sum -c`` and ``tar
-Jxpf``, as an Alpine Dockerfile's ``RUN`` would, then ``/init`` boots it with
the README's logged service (``#!/bin/sh`` run and log/run, the cont-init.d
script preparing the logdir with busybox mkdir/chown/chmod), a
``#!/command/with-contenv sh`` script, and the syslogd overlay receiving
busybox ``logger``'s line.  Covered: a busybox userland in every script the
overlay ships or runs.  Not covered: musl (this root is glibc) and Alpine's
own python3 build.
"""
from __future__ import annotations

import os

import pytest

from overlays import build as ob
from tests.e2e import busybox, debian, readme
from tests.e2e.stack import Stack
from tests.init.sandbox.helpers import require_sandbox, sandbox

pytestmark = [pytest.mark.slow, pytest.mark.root]

NAMES = (ob.MAIN, ob.SYMLINKS, ob.SYSLOGD)
EXAMPLES = readme.load()
MYDAEMON = """#!/bin/sh
echo "mydaemon: started $*" >&2
i=0
while :; do i=$((i+1)); echo "mydaemon: tick $i" >&2; sleep 1; done
"""
# The CMD: syslog through busybox logger, then wait for both logs to have a line.
CMD = """
logger -t bbtest 'hello from busybox logger'
for i in $(seq 150); do
  grep -q 'hello from busybox logger' /var/log/syslogd/everything/current 2>/dev/null &&
    grep -q 'mydaemon: tick' /var/log/myapp/current 2>/dev/null && break
  sleep 0.2
done
cp /var/log/syslogd/everything/current /out/syslog
cp /var/log/myapp/current /out/myapp
readlink /proc/1/exe > /out/pid1
exit 3
"""


@pytest.fixture(scope="module")
def root() -> str:
    require_sandbox()
    try:
        path, spent = busybox.busybox_root()
    except debian.Unavailable as e:
        pytest.skip(str(e))
    print(f"\nbusybox root {path}: built in {spent:.0f} s (0: cached)")
    return path


@pytest.fixture(scope="module")
def layer(root, readme_install, tmp_path_factory) -> str:
    """The three tarballs, verified and extracted by busybox inside the root."""
    target = str(tmp_path_factory.mktemp("busybox-layer"))
    script = ("cd /dist && sha256sum -c " + " ".join(n + ".sha256" for n in NAMES)
              + "".join(f" && tar -C /target -Jxpf /dist/{n}" for n in NAMES))
    p = sandbox(root, "--entrypoint", "/bin/sh", "--bind", f"{readme_install.dist}:/dist:ro",
                "--bind", f"{target}:/target", "--", "-ec", script)
    assert p.returncode == 0, p.stdout + p.stderr
    assert p.stdout.count(": OK") == 3, p.stdout
    return target


def test_the_root_has_busybox_and_python39_only(root):
    script = ("for c in sh ls cat tar sed mkdir chown env grep; do readlink $(which $c); done; "
              "for c in dash bash; do which $c || echo no-$c; done; "
              "python3 -c 'import sys; print(sys.version_info[:2])'")
    p = sandbox(root, "--entrypoint", "/bin/sh", "--", "-c", script)
    assert p.stdout.split("\n") == ["/bin/busybox"] * 9 + ["no-dash", "no-bash", "(3, 9)", ""], \
        p.stdout + p.stderr


def test_init_boots_a_logged_service_and_syslog_on_busybox(root, layer, tmp_path):
    image = Stack(tmp_path, [layer], base=root)
    for path in ("/etc/services.d/myapp/run", "/etc/services.d/myapp/log/run",
                 "/etc/cont-init.d/myapp-log-prepare"):
        image.script(path, EXAMPLES[path])
    image.script("/usr/local/bin/mydaemon", MYDAEMON)
    image.script("/etc/cont-init.d/20-env", '#!/command/with-contenv sh\n'
                 'echo "$GREETING" > /out/cont-init\n')
    r = image.run("/bin/sh", "-c", CMD, env={"GREETING": "hello"})
    assert r.code == 3, r
    assert r.file("pid1") == "/usr/bin/python3.9\n"
    assert r.file("cont-init") == "hello\n"
    assert "user.notice: " in r.file("syslog") and "bbtest: hello from busybox logger" in \
        r.file("syslog"), r.err
    lines = r.file("myapp").splitlines()
    assert lines[0].endswith("  mydaemon: started --foreground"), lines
    assert any(ln.endswith("  mydaemon: tick 1") for ln in lines), lines
    assert "cont-init: info: /etc/cont-init.d/myapp-log-prepare exited 0" in r.err
    assert "unable to exec" not in r.err and "not found" not in r.err, r.err


def test_every_shipped_script_has_its_interpreter_on_busybox(root, layer):
    """Every shipped script's #! names a program that exists once the tarballs are extracted
    over the busybox root (not bash, not a coreutils path)."""
    bad, checked = [], 0
    for dirpath, _, files in os.walk(layer):
        for name in files:
            path = os.path.join(dirpath, name)
            if os.path.islink(path) or not os.access(path, os.X_OK):
                continue
            with open(path, "rb") as f:
                first = f.readline()
            if first.startswith(b"#!"):
                prog = first[2:].split()[0].decode().lstrip("/")
                if not any(os.path.lexists(os.path.join(d, prog)) for d in (layer, root)):
                    bad.append(f"{os.path.relpath(path, layer)}: /{prog}")
                checked += 1
    assert checked > 50 and not bad, (checked, bad)
