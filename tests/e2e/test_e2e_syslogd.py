"""The syslogd overlay tarball stacked over the main one: /dev/log messages filed by facility.

Senders inside the container: util-linux ``logger`` (RFC 3164 on /dev/log),
Python's ``logging.handlers.SysLogHandler`` and glibc's ``syslog()``
(Python's ``syslog`` module wraps it).  The logdirs are s6-overlay's
(``messages`` takes info/notice/warn but not auth, cron, daemon or mail;
``secure`` takes auth and authpriv, which ``everything`` leaves out).
"""
from __future__ import annotations

import re
import shutil

import pytest

from tests.e2e.stack import Stack

pytestmark = pytest.mark.root

# s6-socklog keeps an RFC 3164 sender's timestamp; SysLogHandler sends none
STAMP = r"(?:[A-Z][a-z][a-z] [ 0-9]\d \d\d:\d\d:\d\d )?"
LOGDIRS = ("messages", "everything", "secure", "user", "daemon")

PY_SENDERS = """\
import logging, logging.handlers, syslog
h = logging.handlers.SysLogHandler(address="/dev/log")
log = logging.getLogger("pyapp")
log.addHandler(h)
log.warning("via-syslog-handler")
syslog.openlog("glibc", 0, syslog.LOG_DAEMON)
syslog.syslog(syslog.LOG_NOTICE, "via-glibc-syslog")
"""


def filed(label: str, text: str) -> re.Pattern:
    """One line as the logdirs hold it: ``facility.priority: [stamp ]text``."""
    return re.compile(f"(?m)^{re.escape(label)}: {STAMP}{re.escape(text)}\n")


def test_logger_python_and_glibc_messages_are_filed_by_facility(tmp_path, overlay_layer,
                                                                syslogd_layer):
    if not shutil.which("logger"):
        pytest.skip("needs util-linux logger")
    image = Stack(tmp_path, [overlay_layer, syslogd_layer])
    image.file("/usr/local/lib/senders.py", PY_SENDERS)
    # auth first: once later lines are filed, its absence from messages is final
    cmd = ("logger -p auth.info -t sshd auth-secret; logger -t me hello-syslog; "
           "python3 /usr/local/lib/senders.py; logger -t me last-line; "
           "for d in messages everything; do "
           "  while ! grep -q last-line /var/log/syslogd/$d/current 2>/dev/null; do sleep 0.05; done; "
           "done; "
           "for d in " + " ".join(LOGDIRS) + "; do cp /var/log/syslogd/$d/current /out/$d; done")
    r = image.run("sh", "-c", cmd)
    assert r.code == 0, r
    assert "service syslogd successfully started" in r.err
    messages, everything = r.file("messages"), r.file("everything")
    hello = filed("user.notice", "me: hello-syslog")
    assert hello.search(messages) and hello.search(everything), (messages, everything)
    assert hello.search(r.file("user"))
    assert filed("user.warn", "via-syslog-handler").search(messages), messages
    # daemon.* goes to daemon and everything, never to messages
    glibc = filed("daemon.notice", "glibc: via-glibc-syslog")
    assert glibc.search(r.file("daemon")) and glibc.search(everything), everything
    assert "via-glibc" not in messages
    # auth.* only to secure
    secure = r.file("secure")
    assert filed("auth.info", "sshd: auth-secret").fullmatch(secure), secure
    assert "auth-secret" not in messages + everything


def test_an_image_in_compatibility_mode_still_gets_dev_log(tmp_path, overlay_layer,
                                                          syslogd_layer):
    """The seed README's ``s6-rc.d/user/contents.d`` form (compatibility mode) with the
    overlay: s6-overlay's own overlay forces that mode; s6py's adds itself through
    user-bundles.d, which stage 2 still honours for defined names."""
    if not shutil.which("logger"):
        pytest.skip("needs util-linux logger")
    image = Stack(tmp_path, [overlay_layer, syslogd_layer])
    image.file("/etc/s6-overlay/s6-rc.d/user/contents.d/myjob", "")
    image.file("/etc/s6-overlay/s6-rc.d/myjob/type", "oneshot\n")
    image.file("/etc/s6-overlay/s6-rc.d/myjob/up", "touch /out/myjob\n")
    cmd = ("logger -t me compat-line; "
           "while ! grep -q compat-line /var/log/syslogd/messages/current 2>/dev/null; do "
           "sleep 0.05; done; cp /var/log/syslogd/messages/current /out/messages")
    r = image.run("sh", "-c", cmd)
    assert r.code == 0, r
    assert "defining user bundles in /etc/s6-overlay/s6-rc.d is deprecated" in r.err
    assert "compatibility mode: adding syslogd-bundle to user" in r.err
    assert r.exists("myjob")
    assert filed("user.notice", "me: compat-line").search(r.file("messages"))
