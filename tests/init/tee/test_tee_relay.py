"""The relay in a loop of its own, with real pipes: whole lines, order, back-pressure,
a failing console, the console modes, and the ``tee`` request on the s6-rc socket."""
from __future__ import annotations

import os
import pty
import socket
import threading

from init.loop import Loop
from init.rc.server import RcServer, socket_path
from init.tee import client
from init.tee import relay as relay_mod
from init.tee.console import Console
from init.tee.relay import HIGH, Relay


class Env:
    def __init__(self, console_fd: int) -> None:
        self.loop = Loop()
        self.said: list[str] = []
        self.relay = Relay(self.loop, console_fd, self.said.append)

    def stream(self, name: str) -> int:
        r, w = os.pipe()
        self.relay.add(name, r)
        return w

    def spin(self, until, timeout: float = 10) -> None:
        assert self.loop.run(until=until, timeout=timeout), "timed out"


def read_all(fd: int) -> bytes:
    out = b""
    while True:
        data = os.read(fd, 65536)
        if not data:
            return out
        out += data


def test_lines_of_several_loggers_arrive_whole_and_each_in_order():
    cr, cw = os.pipe()
    env = Env(cw)
    ws = {name: env.stream(name) for name in ("web", "db")}
    for i in range(500):
        for name, w in ws.items():
            os.write(w, f"[{name}] line {i}".encode())   # the newline comes with the next write
            os.write(w, b"\n")
    for w in ws.values():
        os.close(w)
    env.spin(lambda: not env.relay.busy)
    os.close(cw)
    lines = read_all(cr).decode().splitlines()
    for name in ("web", "db"):
        mine = [x for x in lines if x.startswith(f"[{name}] ")]
        assert mine == [f"[{name}] line {i}" for i in range(500)]
    assert len(lines) == 1000
    assert not env.said


def test_a_dead_loggers_leftovers_go_before_its_successors_lines():
    cr, cw = os.pipe()
    env = Env(cw)
    old = env.stream("web")
    os.write(old, b"[web] old 1\n[web] old 2\n[web] old 3 (no newline: killed mid-line)")
    os.close(old)                                # the logger died
    new = env.stream("web")
    os.write(new, b"[web] new 1\n")
    newest_fd = max(env.relay.streams)           # the successor's pipe, registered last
    env.relay._readable(newest_fd)               # even if it is seen readable first
    os.close(new)
    env.spin(lambda: not env.relay.busy)
    os.close(cw)
    assert read_all(cr) == (b"[web] old 1\n[web] old 2\n"
                            b"[web] old 3 (no newline: killed mid-line)\n[web] new 1\n")


def test_a_blocked_console_holds_the_loggers_back_and_loses_nothing():
    cr, cw = os.pipe()
    env = Env(cw)
    w = env.stream("flood")
    lines = [f"[flood] {i:07d} ".encode() + b"x" * 80 + b"\n" for i in range(30000)]
    done = threading.Event()

    def writer():                                # a logger whose stdout blocks when full
        for i in range(0, len(lines), 100):
            os.write(w, b"".join(lines[i:i + 100]))
        os.close(w)
        done.set()

    t = threading.Thread(target=writer)
    t.start()
    env.spin(lambda: env.relay.paused)           # nobody reads the console: the relay stops
    held = env.relay.outbox.size
    assert HIGH <= held < HIGH + relay_mod.READ
    env.loop.run(timeout=0.3)
    assert not done.is_set()                     # ... and the logger waits behind its pipe
    assert env.relay.outbox.size == held
    assert os.get_blocking(cw)                   # the console's description is left as it was
    got = []
    reader = threading.Thread(target=lambda: got.append(read_all(cr)))
    reader.start()
    env.spin(lambda: done.is_set() and not env.relay.busy, timeout=30)
    t.join()
    os.close(cw)
    reader.join()
    assert got[0] == b"".join(lines)


def test_a_console_that_fails_is_dropped_once_and_the_loggers_go_on():
    cr, cw = os.pipe()
    os.close(cr)                                 # nobody will ever read: EPIPE
    env = Env(cw)
    w = env.stream("web")
    for i in range(2000):                        # more than a pipe holds: must not block
        os.write(w, b"[web] %d %s\n" % (i, b"y" * 100))
        if i % 200 == 0:
            env.loop.run(timeout=0.01)
    os.close(w)
    env.spin(lambda: not env.relay.busy)
    assert len(env.said) == 1 and "tee: unable to write to stdout" in env.said[0]
    assert "Broken pipe" in env.said[0]
    assert env.relay.dead and env.relay.dropped > 0
    os.close(cw)


def test_console_modes_never_change_the_shared_description(tmp_path):
    r, w = os.pipe()
    c = Console(w)
    assert c.mode == "nowait" and c.fd == w and os.get_blocking(w)
    assert c.room() > 60000
    while True:                                  # fill it: EAGAIN, never a blocking write
        try:
            c.write(b"z" * 4096)
        except BlockingIOError:
            break
    assert c.room() == 0 and os.get_blocking(w)
    master, slave = pty.openpty()
    t = Console(slave)
    assert t.mode == "private" and t.fd != slave and os.get_blocking(slave)
    assert t.write(b"hello\n") == 6
    t.close()
    f = open(tmp_path / "out", "wb")
    p = Console(f.fileno())
    assert p.mode == "plain" and not p.pollable and p.room() is None
    p.write(b"to a file\n")
    f.close()
    assert (tmp_path / "out").read_bytes() == b"to a file\n"
    a, b = socket.socketpair()
    s = Console(a.fileno())
    assert s.mode == "socket" and a.getblocking()
    assert s.write(b"sock\n") == 5 and b.recv(10) == b"sock\n"
    s.close()
    for fd in (r, w, master, slave):
        os.close(fd)
    a.close()
    b.close()


def test_the_tee_request_hands_a_pipe_to_the_relay_through_the_rc_socket(tmp_path):
    scandir = tmp_path / "scan"
    (scandir / ".s6-svscan").mkdir(parents=True)
    loop = Loop()
    cr, cw = os.pipe()
    server = RcServer(loop, manager=None, scandir=str(scandir), tee_fd=cw)
    assert server.relay is None                  # nothing until a logger asks
    r, w = os.pipe2(os.O_CLOEXEC)
    answer = []
    t = threading.Thread(target=lambda: answer.append(
        client._ask(socket_path(str(scandir)), "web", r)))
    t.start()
    assert loop.run(until=lambda: answer, timeout=10)
    t.join()
    assert server.relay is not None and len(server.relay.streams) == 1
    os.close(r)
    assert answer == [True]
    os.write(w, b"[web] through PID 1\n")
    os.close(w)
    assert loop.run(until=lambda: not server.relay.busy, timeout=10)
    os.close(cw)
    assert read_all(cr) == b"[web] through PID 1\n"
    server.close()


def test_where_a_logger_looks_for_its_supervisor():
    assert client.sockets("/scan/web-log") == ["/scan/.s6-svscan/s6py-rc",
                                               "/.s6-svscan/s6py-rc",
                                               "/run/service/.s6-svscan/s6py-rc"]
    assert client.sockets("/scan/web/log")[:2] == ["/scan/web/.s6-svscan/s6py-rc",
                                                   "/scan/.s6-svscan/s6py-rc"]
