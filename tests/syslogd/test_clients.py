"""Real clients through the whole syslogd-overlay pipeline: syslogd piped
into the logger running the overlay's routing script (T stamps).  Every
message must land in exactly the logdirs s6-overlay files it in."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest

from .helpers import LOGDIRS, LOGGER, Pipeline, can_unshare, env, route

pytestmark = pytest.mark.slow

HANDLER = r'''
import json, logging, logging.handlers, sys
cfg = json.loads(sys.argv[2])
h = logging.handlers.SysLogHandler(address=sys.argv[1], **cfg.get("kw", {}))
if "ident" in cfg:
    h.ident = cfg["ident"]
lg = logging.getLogger("t")
lg.propagate = False
lg.setLevel(1)
lg.addHandler(h)
for level, msg in cfg["records"]:
    lg.log(level, msg)
h.close()
'''

GLIBC = r'''
import ctypes, json, sys
libc = ctypes.CDLL(None)
libc.openlog.argtypes = [ctypes.c_char_p, ctypes.c_int, ctypes.c_int]
cfg = json.loads(sys.argv[1])
if "ident" in cfg:
    ident = ctypes.c_char_p(cfg["ident"].encode())
    libc.openlog(ident, cfg.get("option", 0), cfg.get("facility", 8))
for pri, msg in cfg["records"]:
    libc.syslog(ctypes.c_int(pri), b"%s", msg.encode())
libc.closelog()
'''

# run argv with /dev/log replaced by the socket "$0", in a private mount namespace
DEVLOG = ('mount --make-rprivate / && mount -t tmpfs devlog-test /dev && '
          'mknod -m 666 /dev/null c 1 3 && : > /dev/log && '
          'mount --bind "$0" /dev/log && exec "$@"')


def collect(p: Pipeline) -> dict[bytes, tuple[bytes, set[str]]]:
    """token -> (the line as syslogd wrote it, logdirs holding it)."""
    found: dict[bytes, tuple[bytes, set[str]]] = {}
    for name in LOGDIRS:
        for line in p.logdir_lines(name):
            m = re.search(rb"tok\d+", line)
            if m:
                prev = found.get(m.group(0), (line, set()))
                assert prev[0] == line, (prev[0], line)
                assert name not in prev[1], "%s twice in %s" % (line, name)
                prev[1].add(name)
                found[m.group(0)] = prev
    return found


def check(found, token: bytes, pattern: bytes) -> None:
    assert token in found, "%s never arrived" % token
    line, dirs = found[token]
    assert re.fullmatch(pattern, line), line
    assert dirs == route(line), (line, dirs)


def stop(p: Pipeline) -> None:
    rc, lrc = p.stop()
    assert (rc, lrc) == (0, 0)


@pytest.mark.skipif(not LOGGER, reason="util-linux logger not installed")
def test_util_linux_logger(tmp_path):
    p = Pipeline(tmp_path)
    sock = str(p.path)
    runs = [
        ([], b"tok1 hello"),
        (["--rfc3164"], b"tok2 hello"),
        (["--rfc5424"], b"tok3 hello"),
        (["-p", "local3.err", "-t", "mytag", "-i"], b"tok4 hello"),
        (["--rfc5424=notime,notq,nohost", "-p", "auth.info", "--msgid", "MID",
          "--sd-id", "x@1", "--sd-param", 'a="b"'], b"tok5 hi"),
        (["-p", "mail.warning"], b"tok6 mail"),
        (["-p", "cron.debug", "-d"], b"tok7 cron"),
        (["-p", "daemon.crit"], b"tok8 dead"),
    ]
    try:
        for args, msg in runs:
            subprocess.run([LOGGER, "-u", sock] + args + [msg.decode()], check=True, timeout=20)
        subprocess.run([LOGGER, "-u", sock, "-t", "t"], input=b"tok9 l1\ntok10 l2\n",
                       check=True, timeout=20)
    finally:
        stop(p)
    f = collect(p)
    ts = rb"[A-Z][a-z]{2} [ 0-3]\d \d\d:\d\d:\d\d"
    check(f, b"tok1", rb"user\.notice: " + ts + rb" \S+: tok1 hello")
    check(f, b"tok2", rb"user\.notice: " + ts + rb" \S+ \S+: tok2 hello")
    check(f, b"tok3", rb"user\.notice: 1 \S+ \S+ \S+ - - \[timeQuality [^\]]*\] tok3 hello")
    check(f, b"tok4", rb"local3\.err: " + ts + rb" mytag\[\d+\]: tok4 hello")
    check(f, b"tok5", rb'auth\.info: 1 - - \S+ - MID \[x@1 a="b"\] tok5 hi')
    check(f, b"tok6", rb"mail\.warn: " + ts + rb" \S+: tok6 mail")
    check(f, b"tok7", rb"cron\.debug: " + ts + rb" \S+: tok7 cron")
    check(f, b"tok8", rb"daemon\.crit: " + ts + rb" \S+: tok8 dead")
    check(f, b"tok9", rb"user\.notice: " + ts + rb" t: tok9 l1")
    check(f, b"tok10", rb"user\.notice: " + ts + rb" t: tok10 l2")
    assert f[b"tok5"][1] == {"secure"}            # auth stays private
    assert f[b"tok4"][1] == {"errors", "everything"}


def test_python_syslog_handler(tmp_path):
    p = Pipeline(tmp_path)
    cfgs = [
        {"records": [[20, "tok1 hello"]]},
        {"kw": {"facility": "local4"}, "ident": "app: ",
         "records": [[10, "tok2 d"], [20, "tok3 i"], [30, "tok4 w"], [40, "tok5 e"],
                     [50, "tok6 c"], [25, "tok7 odd level"]]},
        {"kw": {"facility": "authpriv"}, "records": [[30, "tok8 sudo"]]},
        {"records": [[20, "tok9 multi\nline"]]},
    ]
    try:
        for cfg in cfgs:
            subprocess.run([sys.executable, "-c", HANDLER, str(p.path), json.dumps(cfg)],
                           check=True, timeout=20)
    finally:
        stop(p)
    f = collect(p)
    check(f, b"tok1", rb"user\.info: tok1 hello")
    for tok, sev in ((b"tok2", b"debug"), (b"tok3", b"info"), (b"tok4", b"warn"),
                     (b"tok5", b"err"), (b"tok6", b"crit"), (b"tok7", b"warn")):
        check(f, tok, rb"local4\." + sev + rb": app: " + tok + rb" \w+( level)?")
    check(f, b"tok8", rb"authpriv\.warn: tok8 sudo")
    check(f, b"tok9", rb"user\.info: tok9 multi~line")
    assert f[b"tok2"][1] == {"debug", "everything"}
    assert f[b"tok3"][1] == {"messages", "everything"}


@pytest.mark.root
@pytest.mark.skipif(not can_unshare(), reason="needs root and unshare -m")
def test_glibc_syslog_through_dev_log(tmp_path):
    p = Pipeline(tmp_path)
    cfgs = [
        {"records": [[6, "tok1 no openlog"]]},
        {"ident": "my app", "option": 1, "facility": 3 << 3,
         "records": [[6, "tok2 x"], [0, "tok3 emerg"]]},
        {"records": [[3, "tok4 trailing nl\n"], [6, "tok5 multi\nline"]]},
        {"ident": "k", "facility": 10 << 3, "records": [[5, "tok6 auth"]]},
    ]
    try:
        for cfg in cfgs:
            subprocess.run(["unshare", "-m", "sh", "-c", DEVLOG, str(p.path), sys.executable,
                            "-c", GLIBC, json.dumps(cfg)], check=True, timeout=30, env=env())
    finally:
        stop(p)
    f = collect(p)
    ts = rb"[A-Z][a-z]{2} [ 0-3]\d \d\d:\d\d:\d\d"
    check(f, b"tok1", rb"user\.info: " + ts + rb" \S+: tok1 no openlog")
    check(f, b"tok2", rb"daemon\.info: " + ts + rb" my app\[\d+\]: tok2 x")
    check(f, b"tok3", rb"daemon\.emerg: " + ts + rb" my app\[\d+\]: tok3 emerg")
    check(f, b"tok4", rb"user\.err: " + ts + rb" \S+: tok4 trailing nl")
    check(f, b"tok5", rb"user\.info: " + ts + rb" \S+: tok5 multi~line")
    check(f, b"tok6", rb"authpriv\.notice: " + ts + rb" k: tok6 auth")
    assert f[b"tok3"][1] == {"daemon", "errors", "everything"}
