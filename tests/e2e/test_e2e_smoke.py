"""The smallest end-to-end check: the built tarballs boot a CMD and pass its exit code through."""
from __future__ import annotations

from tests.init.sandbox.helpers import sandbox


def test_tarballs_boot_a_cmd_and_pass_its_code(overlay_layer):
    p = sandbox("/", "--layer", overlay_layer, "--", "/bin/sh", "-c", "echo from-cmd; exit 7")
    assert p.returncode == 7, p.stderr
    assert "from-cmd" in p.stdout
    assert "s6-rc: info: service legacy-services successfully started" in p.stderr
