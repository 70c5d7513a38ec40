"""Run inside a private mount namespace (``unshare -m python3 THIS JSON``):
boot the syslogd overlay's services by hand, the way the supervisor will,
with their real run/up files, and report what happened as JSON on stdout.

/dev and /var/log get fresh tmpfs mounts; /command names resolve through a
stub directory (s6-socklog -> python3 -m syslogd, printcontenv -> printenv)
and, for the logger, a bind mount over /usr/bin/s6-log, because
``exec -c`` leaves s6-log to execline's default PATH.
"""

from __future__ import annotations

import fcntl
import json
import os
import select
import signal
import stat
import subprocess
import sys
import time

cfg = json.loads(sys.argv[1])
overlay = cfg["overlay"]
stubs = cfg["stubs"]
rc_d = os.path.join(overlay, "etc/s6-overlay/s6-rc.d")
result: dict = {}


def sh(cmd: str) -> None:
    subprocess.run(["sh", "-ec", cmd], check=True)


sh("mount --make-rprivate /")
sh("mount -t tmpfs overlay-e2e /dev && mknod -m 666 /dev/null c 1 3")
sh("mount -t tmpfs overlay-e2e /var/log")
if cfg.get("s6_log_stub"):
    sh("mount --bind %s /usr/bin/s6-log" % cfg["s6_log_stub"])

base_env = {"PATH": stubs + ":/usr/bin:/bin"}
if cfg.get("logging_script") is not None:
    base_env["S6_LOGGING_SCRIPT"] = cfg["logging_script"]

# syslogd-prepare (oneshot): the up file is one command line
up = open(os.path.join(rc_d, "syslogd-prepare/up")).read().split()
prep = subprocess.run([up[0].replace("/package", overlay + "/package", 1)] + up[1:],
                      env=base_env, capture_output=True)
result["prepare_exit"] = prep.returncode
result["prepare_stderr"] = prep.stderr.decode()
result["dirs"] = {}
for name in sorted(os.listdir("/var/log/syslogd")) + ["."]:
    st = os.stat(os.path.join("/var/log/syslogd", name))
    result["dirs"][name] = ["%04o" % stat.S_IMODE(st.st_mode), st.st_uid, st.st_gid]


def high_pipe() -> tuple[int, int]:
    """A pipe whose ends are above 9, so fd 3 stays free for dup2."""
    ends = []
    for fd in os.pipe():
        ends.append(fcntl.fcntl(fd, fcntl.F_DUPFD_CLOEXEC, 10))
        os.close(fd)
    return ends[0], ends[1]


def start(service: str, **kw) -> tuple[subprocess.Popen, bool]:
    r, w = high_pipe()
    os.dup2(w, 3)
    os.close(w)
    proc = subprocess.Popen(["execlineb", "-P", os.path.join(rc_d, service, "run")],
                            env=base_env, pass_fds=(3,), start_new_session=True, **kw)
    os.close(3)
    ready, _, _ = select.select([r], [], [], 30)
    ok = bool(ready) and os.read(r, 1) == b"\n"
    os.close(r)
    return proc, ok


pr, pw = high_pipe()
log, log_ready = start("syslogd-log", stdin=pr, stdout=subprocess.DEVNULL)
os.close(pr)
syslogd, syslogd_ready = start("syslogd", stdin=subprocess.DEVNULL, stdout=pw)
os.close(pw)
result["ready"] = [log_ready, syslogd_ready]
st = os.stat("/dev/log")
result["dev_log"] = ["%04o" % stat.S_IMODE(st.st_mode), stat.S_ISSOCK(st.st_mode), st.st_uid]


def creds(pid: int) -> list[int]:
    with open("/proc/%d/status" % pid) as f:
        fields = dict(ln.split(":", 1) for ln in f.read().splitlines())
    return [int(fields["Uid"].split()[0]), int(fields["Gid"].split()[0])]


result["creds"] = {"syslogd": creds(syslogd.pid), "syslogd-log": creds(log.pid)}
with open("/proc/%d/environ" % log.pid, "rb") as f:
    result["logger_env"] = sorted(k.split(b"=")[0].decode() for k in f.read().split(b"\0") if k)

# clients, all on the real /dev/log
glibc = r'''
import ctypes
libc = ctypes.CDLL(None)
libc.openlog(b"glibc-app", 1, 3 << 3)
libc.syslog(6, b"%s", b"tok1 from glibc")
libc.syslog(3, b"%s", b"tok2 glibc error")
libc.closelog()
libc.openlog(b"sshd", 1, 10 << 3)
libc.syslog(5, b"%s", b"tok3 secret")
'''
subprocess.run([sys.executable, "-c", glibc], check=True, env=cfg["env"])
subprocess.run(["logger", "-p", "cron.info", "tok4 from logger"], check=True)
handler = r'''
import logging, logging.handlers
h = logging.handlers.SysLogHandler(address="/dev/log", facility="mail")
lg = logging.getLogger("x"); lg.propagate = False; lg.addHandler(h)
lg.warning("tok5 from python")
'''
subprocess.run([sys.executable, "-c", handler], check=True, env=cfg["env"])
time.sleep(0.3)

syslogd.send_signal(signal.SIGTERM)
result["syslogd_exit"] = syslogd.wait(30)
result["log_exit"] = log.wait(30)
result["logdirs"] = {}
for name in sorted(os.listdir("/var/log/syslogd")):
    cur = os.path.join("/var/log/syslogd", name, "current")
    if os.path.exists(cur):
        st = os.stat(cur)
        result["logdirs"][name] = {
            "owner": [st.st_uid, st.st_gid],
            "lines": open(cur, "rb").read().decode("utf-8", "replace").split("\n")[:-1]}
print(json.dumps(result))
