"""The syslogd overlay under /init (its bundle comes in through user-bundles.d, DECISIONS #12)."""
from __future__ import annotations

import os
import shutil

import pytest

from tests.init.lifecycle.image import ROOT

pytestmark = pytest.mark.root


def test_syslogd_overlay_files_a_logger_message(image):
    shutil.copytree(os.path.join(ROOT, "overlays", "syslogd"), image.layer, dirs_exist_ok=True,
                    symlinks=True)
    if not shutil.which("logger"):
        pytest.skip("needs util-linux logger")
    cmd = ("logger -t me hello-syslog; while ! grep -q hello-syslog "
           "/var/log/syslogd/user/current 2>/dev/null; do sleep 0.05; done; "
           "cp /var/log/syslogd/user/current /out/user; stat -c %u /var/log/syslogd/user > /out/uid")
    r = image.run("sh", "-c", cmd)
    assert r.code == 0, r
    assert r.file("user").endswith("me: hello-syslog\n")
    assert r.file("uid") == "32761\n"
    assert "service syslogd successfully started" in r.err
