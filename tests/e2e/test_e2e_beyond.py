"""Issue 17's logd features in a user's image: the README's examples, booted under the sandbox.

Timestamps with their offset (%rfc3339), multi-line records (%join) and
``s6py health`` with S6_LOGGING_COUNTERS=1, each from the built tarballs
with /init as PID 1; and an image that does not ask for them keeps s6-log's
output and leaves no counters anywhere.
"""
from __future__ import annotations

import json
import re

import pytest

from tests.e2e import readme
from tests.e2e.stack import Stack

pytestmark = pytest.mark.root

EXAMPLES = readme.load()
RFC_UTC = re.compile(rb"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z tick \d+$")


@pytest.fixture
def image(tmp_path, overlay_layer) -> Stack:
    return Stack(tmp_path, [overlay_layer])


def wait_then(path: str, pattern: str, then: str) -> str:
    """A CMD: wait until ``path`` holds ``pattern``, then run ``then``."""
    return (f"i=0; while ! grep -q '{pattern}' {path} 2>/dev/null; do i=$((i+1)); "
            f"[ $i -gt 400 ] && exit 9; sleep 0.05; done; {then}")


def test_rfc3339_stamps_from_the_readme(image):
    image.script("/etc/services.d/clock/run",
                 "#!/bin/sh\ni=0\nwhile :; do i=$((i+1)); echo tick $i; sleep 0.05; done\n")
    image.script("/etc/services.d/clock/log/run", EXAMPLES["/etc/services.d/clock/log/run"])
    r = image.run("sh", "-c", wait_then("/var/log/clock/current", "tick 3",
                                        "cp /var/log/clock/current /out/current; "
                                        "s6py logs cat --utc --time-format rfc3339 /var/log/clock"
                                        " > /out/read"))
    assert r.code == 0, r
    lines = open(f"{r.outdir}/current", "rb").read().splitlines()
    assert lines and all(RFC_UTC.match(x) for x in lines), lines
    # read back exactly: the same instant, in the reader's RFC 3339 form
    head = lines[0][:29]
    assert r.file("read").splitlines()[0] == head.decode() + "Z tick 1"


def test_multiline_records_from_the_readme(image):
    image.script("/etc/services.d/pyapp/run", """#!/usr/bin/python3
import sys, time
for i in range(1000):
    print(time.strftime("%Y-%m-%d %H:%M:%S") + f" INFO request {i} ok", flush=True)
    if i % 3 == 1:
        try:
            raise ValueError(f"bad input {i}")
        except ValueError:
            import traceback
            traceback.print_exc(file=sys.stdout)
            sys.stdout.flush()
    time.sleep(0.02)
""")
    image.script("/etc/services.d/pyapp/log/run", EXAMPLES["/etc/services.d/pyapp/log/run"])
    r = image.run("sh", "-c", wait_then("/var/log/pyapp/current", "request 6 ok",
                                        "cp /var/log/pyapp/current /out/current"))
    assert r.code == 0, r
    text = r.file("current")
    stamped = [x for x in text.splitlines() if re.match(r"\d{4}-\d\d-\d\d \d\d:\S+  ", x)]
    unstamped = [x for x in text.splitlines() if x not in stamped]
    # the traceback continues the dated line before it: one record, one stamp
    lines = text.splitlines()
    at = lines.index(next(x for x in stamped if x.endswith(" INFO request 1 ok")))
    assert lines[at + 1] == "Traceback (most recent call last):", text
    assert lines[at + 4] == "ValueError: bad input 1", text
    assert lines[at + 1:at + 5] == unstamped[:4]
    assert not any("request" in x for x in unstamped), text


def _health(image, env: dict[str, str], *extra: str):
    cmd = ("sleep 1.5; /command/s6py health --json > /out/health.json; echo $? > /out/rc; "
           "/command/s6py health > /out/health.txt; true")
    return image.run("sh", "-c", cmd, env=env)


def test_health_with_counters(image):
    image.script("/etc/cont-init.d/10",
                 "#!/bin/sh\nmkdir -p /run/applog && chown 65534:65534 /run/applog\n")
    image.script("/etc/services.d/app/run",
                 "#!/bin/sh\nexec 2>&1\nwhile :; do echo app-line; sleep 0.05; done\n")
    image.script("/etc/services.d/app/log/run", "#!/bin/sh\nexec logutil-service /run/applog\n")
    r = _health(image, {"S6_LOGGING_COUNTERS": "1", "S6_LOGGING": "1"})
    assert r.code == 0, r
    report = json.loads(r.file("health.json"))
    assert r.file("rc") == "0\n", report
    assert report["healthy"] and not report["problems"]
    names = {s["name"]: s for s in report["services"]}
    assert names["app"]["up"] and names["app/log"]["up"]
    logdirs = {lg.get("logdir"): lg for lg in report["loggers"]}
    app = logdirs["/run/applog"]
    assert app["alive"] and app["bytes"] > 0 and app["program"] == "s6-log"
    assert "/run/uncaught-logs" in logdirs  # the catch-all logger (S6_LOGGING=1)
    assert r.file("health.txt").startswith("s6py health: healthy: ")


def test_health_says_what_is_wrong(image):
    # announces readiness on fd 3 and never gives it
    image.script("/etc/services.d/stuck/run", "#!/bin/sh\nexec sleep 1000\n")
    image.file("/etc/services.d/stuck/notification-fd", "3\n")
    r = _health(image, {"S6_LOGGING_COUNTERS": "1"})
    assert r.code == 0, r
    assert r.file("rc") == "1\n"
    report = json.loads(r.file("health.json"))
    assert report["problems"] == ["stuck: up but not ready"]
    assert "s6py health: stuck: up but not ready" in r.file("health.txt")


def test_without_the_features_nothing_changes(image):
    """No %-directive, no S6_LOGGING_COUNTERS: s6-log's lines, no counters file, no registry."""
    image.script("/etc/services.d/clock/run", "#!/bin/sh\nwhile :; do echo tick; sleep 0.05; done\n")
    image.script("/etc/services.d/clock/log/run", "#!/bin/sh\nexec s6-log n20 t /var/log/clock\n")
    r = image.run("sh", "-c", wait_then("/var/log/clock/current", "tick",
                                        "ls -a /var/log/clock > /out/ls; "
                                        "ls /run/s6py/counters > /out/reg 2>&1; "
                                        "cp /var/log/clock/current /out/current"))
    assert r.code == 0, r
    assert ".s6py-counters.json" not in r.file("ls")
    assert "No such file" in r.file("reg")
    assert all(re.match(rb"^@[0-9a-f]{24} tick$", x)
               for x in open(f"{r.outdir}/current", "rb").read().splitlines())
