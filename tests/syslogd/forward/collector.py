"""A real collector for the forwarder tests: Debian's rsyslogd, privately.

Started with its own configuration: imtcp (plain or TLS through the
``ossl`` or ``gtls`` netstream driver, whichever module is installed) or
imudp, on 127.0.0.1 only, a work directory in the test's temp dir, and no
imuxsock/imklog, so the system's /dev/log is never touched.  Every message
is written to one file with its header fields; stopped by SIGTERM to the
PID it wrote.  Its main queue is drained at a stop rather than dropped
after rsyslog's default 1.5 s: the forwarder cannot know what a collector
threw away after taking it.  The action has no queue of its own (rsyslog's
default for an action is "Direct": the main queue's workers write the file
themselves), so there is no second queue to drain.  What rsyslogd has not
read from its socket when it stops is lost with a reset: that is the
forwarder's to send again.
"""
from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import time
from pathlib import Path

RSYSLOGD = shutil.which("rsyslogd") or ("/usr/sbin/rsyslogd"
                                         if os.path.exists("/usr/sbin/rsyslogd") else None)
MODULES = Path("/usr/lib/x86_64-linux-gnu/rsyslog")
TEMPLATE = ("%pri% %timereported:::date-rfc3339% %hostname% %app-name% %procid% %msgid% "
            "%structured-data% %msg%\\n")


def tls_driver() -> str | None:
    for name in ("ossl", "gtls"):
        if any(Path(d).joinpath(f"lmnsd_{name}.so").exists()
               for d in (MODULES, Path("/usr/lib/rsyslog"), Path("/usr/lib64/rsyslog"))):
            return name
    return None


def free_udp_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def make_tls_files(d: Path) -> dict:
    """A test CA and a server certificate for 127.0.0.1/localhost (openssl)."""
    d.mkdir(parents=True, exist_ok=True)

    def ssl(*args):
        subprocess.run(["openssl", *args], check=True, capture_output=True, cwd=d)

    ssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=s6py test CA",
        "-keyout", "ca.key", "-out", "ca.pem")
    (d / "ext.cnf").write_text("subjectAltName=DNS:localhost,IP:127.0.0.1\n")
    ssl("req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=localhost", "-keyout", "server.key",
        "-out", "server.csr")
    ssl("x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key",
        "-CAcreateserial", "-days", "2", "-extfile", "ext.cnf", "-out", "server.pem")
    return {"ca": d / "ca.pem", "cert": d / "server.pem", "key": d / "server.key"}


class Rsyslog:
    def __init__(self, root: Path, proto: str = "tcp", tls: dict | None = None) -> None:
        self.root, self.proto, self.tls = root, proto, tls
        self.out = root / "received.log"
        self.port = 0
        self.proc: subprocess.Popen | None = None
        self.errors = ""
        root.mkdir(parents=True, exist_ok=True)

    def config(self) -> str:
        work = self.root / "work"
        work.mkdir(exist_ok=True)
        lines = [f'global(workDirectory="{work}" maxMessageSize="64k"']
        if self.tls:
            lines[0] += (f' defaultNetstreamDriverCAFile="{self.tls["ca"]}"'
                         f' defaultNetstreamDriverCertFile="{self.tls["cert"]}"'
                         f' defaultNetstreamDriverKeyFile="{self.tls["key"]}"')
        lines[0] += ")"
        # a stop (SIGTERM) processes what rsyslogd has taken in instead of
        # discarding its in-memory queue after 1.5 s: what can still be lost
        # is unread socket data, which the forwarder's replay covers
        lines.append('main_queue(queue.timeoutShutdown="30000")')
        if self.proto == "udp":
            if not self.port:
                self.port = free_udp_port()
            lines += ['module(load="imudp")',
                      f'input(type="imudp" address="127.0.0.1" port="{self.port}")']
        else:
            drv = (f' streamDriver.name="{tls_driver()}" streamDriver.mode="1"'
                   ' streamDriver.authMode="anon"') if self.tls else ""
            lines += [f'module(load="imtcp"{drv})',
                      f'input(type="imtcp" address="127.0.0.1" port="{self.port}"'
                      f' listenPortFileName="{self.root / "port"}")']
        lines += [f'template(name="t" type="string" string="{TEMPLATE}")',
                  f'*.* action(type="omfile" file="{self.out}" template="t")']
        return "\n".join(lines) + "\n"

    def start(self) -> Rsyslog:
        """Start (again, on the same port after the first time)."""
        conf = self.root / "rsyslog.conf"
        conf.write_text(self.config())
        portfile = self.root / "port"
        if portfile.exists():
            portfile.unlink()
        pidfile = self.root / "rsyslogd.pid"
        self.proc = subprocess.Popen([RSYSLOGD, "-n", "-f", str(conf), "-i", str(pidfile)],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        deadline = time.monotonic() + 20
        if self.proto != "udp" and self.port:
            # listenPortFileName is only written for port 0: wait for the listener
            while not self._accepts():
                if self.proc.poll() is not None or time.monotonic() > deadline:
                    self.stop()
                    raise RuntimeError(f"rsyslogd did not listen again: {self.errors}")
                time.sleep(0.02)
        elif self.proto != "udp":
            while not (portfile.exists() and portfile.read_text().strip()):
                if self.proc.poll() is not None or time.monotonic() > deadline:
                    self.stop()
                    raise RuntimeError(f"rsyslogd did not start: {self.config()}")
                time.sleep(0.02)
            self.port = int(portfile.read_text())
        else:
            while not pidfile.exists() and time.monotonic() < deadline:
                time.sleep(0.02)
            time.sleep(0.2)  # the pid file comes before the inputs: give them a moment
        return self

    def _accepts(self) -> bool:
        try:
            socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
            return True
        except OSError:
            return False

    def pause(self) -> None:
        """Stall it (SIGSTOP): its kernel goes on acknowledging what arrives."""
        assert self.proc is not None
        os.kill(self.proc.pid, signal.SIGSTOP)

    def stop(self) -> None:
        """Stop it gracefully (SIGTERM), even when paused."""
        if self.proc is not None and self.proc.poll() is None:
            os.kill(self.proc.pid, signal.SIGTERM)
            os.kill(self.proc.pid, signal.SIGCONT)
            self.proc.wait(20)
        if self.proc is not None and self.proc.stderr:
            self.errors = self.proc.stderr.read().decode(errors="replace")
            self.proc.stderr.close()
        self.proc = None

    def received(self) -> list[str]:
        if not self.out.exists():
            return []
        return self.out.read_text(errors="replace").splitlines()
