"""fix-attrs.d applied at boot (init.md §12; DECISIONS #10, #11)."""
from __future__ import annotations

import pytest

pytestmark = pytest.mark.root

REPORT = ("find /data -exec stat -c '%n %u:%g %a' {} + | sort > /out/report")


def tree(image):
    for path in ("/data/a/f1", "/data/a/f2", "/data/a/sub/f3", "/data/a/.hidden",
                 "/data/b.log", "/data/c.log", "/data/keep"):
        image.file(path, "x\n", 0o600)


def report(r) -> dict[str, str]:
    return dict(line.split(" ", 1) for line in r.file("report").splitlines())


@pytest.mark.parametrize("hidden", ["0", "1"])
def test_recursive_walk_globs_and_hidden(image, hidden):
    tree(image)
    image.file("/etc/fix-attrs.d/01-data", "# comment\n/data/a true daemon 0640 0750\n"
               "/data/*.log false nobody,32768:32768 0604 0700\n"
               "/data/keep false 2:3,1:1 0611 0700\n")
    r = image.run("sh", "-c", REPORT, env={"S6_FIX_ATTRS_HIDDEN": hidden})
    assert r.code == 0, r
    got = report(r)
    for d in ("/data/a", "/data/a/sub"):
        assert got[d] == "1:1 750", d
    for f in ("/data/a/f1", "/data/a/f2", "/data/a/sub/f3"):
        assert got[f] == "1:1 640", f
    assert got["/data/a/.hidden"] == ("1:1 640" if hidden == "1" else "0:0 600")
    assert got["/data/b.log"] == got["/data/c.log"] == "65534:65534 604"
    assert got["/data/keep"] == "2:3 611"
    assert "fix-attrs: info: applying /etc/fix-attrs.d/01-data" in r.err
    assert "fix-attrs: warning: fix-attrs is deprecated" in r.err


def test_a_failing_line_abandons_its_file_only(image):
    tree(image)
    image.file("/etc/fix-attrs.d/01-bad", "/data/b.log false root 0601 0700\n"
               "/data/nothing-here* false root 0644 0755\n/data/c.log false root 0602 0700\n")
    image.file("/etc/fix-attrs.d/02-good", "/data/keep false daemon: 0644 0700\n")
    r = image.run("sh", "-c", REPORT, env={"S6_BEHAVIOUR_IF_STAGE2_FAILS": "1"})
    assert r.code == 0, r
    got = report(r)
    assert got["/data/b.log"] == "0:0 601"       # before the failure
    assert got["/data/c.log"] == "0:0 600"       # after it: not applied
    assert got["/data/keep"] == "1:0 644"        # the next file still is; daemon: -> gid 0
    assert "s6-chown: fatal: unable to chown /data/nothing-here*" in r.err
    assert "fix-attrs: warning: some fix files failed to apply" in r.err


def test_unknown_account_with_behaviour_2_stops_the_container(image):
    image.file("/etc/fix-attrs.d/01", "/etc/hostname false nosuchuser 0644 0755\n")
    image.script("/etc/cont-init.d/10", "#!/bin/sh\ntouch /out/cont-init\n")
    r = image.run("touch", "/out/cmd", env={"S6_BEHAVIOUR_IF_STAGE2_FAILS": "2"})
    assert r.code == 1, r
    assert "s6-envuidgid: fatal: unknown user: nosuchuser" in r.err
    assert not r.exists("cont-init") and not r.exists("cmd")
