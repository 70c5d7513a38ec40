"""s6-svscan's job inside PID 1: scan a directory, supervise what is in it.

Every non-dot subdirectory (or symlink to one) of the scan directory is a
service, identified by (device, inode) so that a rename is not a new
service.  For each one a ``Service`` (init.supervise) runs in this process;
if ``NAME/log`` is a directory, a second ``Service`` runs the logger, and a
pipe connects the producer's stdout to the logger's stdin.  **We hold both
ends of that pipe** for as long as either side is supervised, so either can
restart without losing a byte: what the producer writes while its logger is
down waits in the pipe for the next logger.

The same plumbing serves s6-rc pipelines (``producer-for``/``consumer-for``):
``connect(producer, consumer)`` registers a funnel, several producers may
share one consumer's pipe.
"""
from __future__ import annotations

import errno
import fcntl
import os
import stat

from init import spawn as _spawn
from init.supervise.files import ServiceFiles
from init.supervise.service import GONE, Service, stderr_say
from init.svscan.pipes import Pipes

RESPAWN_GAP = 1.0   # s6-svscan respawns a dead supervisor >= 1 s after the last spawn


class ScanDirBusy(Exception):
    """Another s6-svscan holds the scan directory's lock."""


class Slot:
    """One scan directory entry: its service, maybe its logger, their pipe."""

    __slots__ = ("name", "ident", "active", "service", "logger", "spawned")

    def __init__(self, name: str, ident: tuple[int, int]) -> None:
        self.name = name
        self.ident = ident
        self.active = True
        self.service: Service | None = None
        self.logger: Service | None = None
        self.spawned: dict[str, float] = {}


class Scanner:
    """The scan directory, its slots, and the pipes between producers and loggers."""

    def __init__(self, loop, scandir: str, *, spawner=_spawn.spawn, say=stderr_say,
                 console_fd: int | None = None, max_services: int = 1000,
                 name_max: int = 251) -> None:
        self.loop = loop
        self.scandir = os.path.abspath(scandir)
        self.spawner = spawner
        self.say = say
        self.console_fd = console_fd
        self.max_services = max_services
        self.name_max = name_max
        self.slots: dict[tuple[int, int], Slot] = {}
        self.services: dict[str, Service] = {}      # "foo", "foo/log", by run name
        self.pipework = Pipes(self.scandir)         # the pipes to loggers we hold
        self.extra_stdio: dict[str, dict[int, int]] = {}  # name -> {fd: ours}, e.g. a catch-all
        self.on_service: list = []                  # cb(service) when a Service starts
        self.stopping = ""                          # "", "t" (terminate) or "q" (quit)
        self.on_finished = None                     # cb() once every supervisor is gone
        self._lock_fd = -1
        self.control_fd = -1

    # ------------------------------------------------------------ set-up

    def open(self) -> None:
        """Create .s6-svscan/, take its lock, open its control FIFO."""
        d = os.path.join(self.scandir, ".s6-svscan")
        os.makedirs(d, 0o700, exist_ok=True)
        fd = os.open(os.path.join(d, "lock"), os.O_WRONLY | os.O_CREAT | os.O_CLOEXEC, 0o600)
        try:
            fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as e:
            os.close(fd)
            if e.errno in (errno.EAGAIN, errno.EACCES):
                raise ScanDirBusy(self.scandir) from None
            raise
        self._lock_fd = fd
        ctl = os.path.join(d, "control")
        try:
            os.mkfifo(ctl, 0o600)
        except FileExistsError:
            pass
        self.control_fd = os.open(ctl, os.O_RDWR | os.O_NONBLOCK | os.O_CLOEXEC)
        self._remove_dangling()

    def _remove_dangling(self) -> None:
        for name in os.listdir(self.scandir):
            p = os.path.join(self.scandir, name)
            if os.path.islink(p) and not os.path.exists(p):
                try:
                    os.unlink(p)
                except OSError:
                    pass

    def read_control(self) -> bytes:
        try:
            return os.read(self.control_fd, 4096)
        except BlockingIOError:
            return b""

    # ------------------------------------------------------------ pipes

    def connect(self, producer: str, consumer: str) -> None:
        """Make producer's stdout feed consumer's stdin (s6-rc pipelines)."""
        self.pipework.connect(producer, consumer)

    def _stdio(self, name: str) -> dict[int, int]:
        fds = self.pipework.stdio(name)
        if name == "s6-svscan-log" and self.console_fd is not None:
            fds[2] = self.console_fd
        fds.update(self.extra_stdio.get(name, {}))
        return fds

    # ------------------------------------------------------------ scanning

    def scan(self, prune: str = "") -> None:
        """Pick up new services; with prune 'n'/'N' stop those that left."""
        if self.stopping:
            return
        seen = set()
        try:
            names = sorted(os.listdir(self.scandir))
        except OSError as e:
            self.say(f"s6-svscan: warning: unable to scan {self.scandir}: {e.strerror}")
            return
        for name in names:
            if name.startswith("."):
                continue
            if len(name) > self.name_max:
                self.say(f"s6-svscan: warning: name too long: {name}")
                continue
            path = os.path.join(self.scandir, name)
            try:
                st = os.stat(path)
            except OSError:
                continue
            if not stat.S_ISDIR(st.st_mode):
                continue
            ident = (st.st_dev, st.st_ino)
            seen.add(ident)
            slot = self.slots.get(ident)
            if slot is None:
                if len(self.slots) >= self.max_services:
                    self.say(f"s6-svscan: warning: too many services, not supervising {name}")
                    continue
                slot = self.slots[ident] = Slot(name, ident)
            elif slot.name != name:
                self._rename(slot, name)
            slot.active = True
            self._ensure(slot)
        for slot in list(self.slots.values()):
            if slot.ident not in seen:
                slot.active = False
                if prune:
                    self._prune(slot, hard=prune == "N")

    def _rename(self, slot: Slot, name: str) -> None:
        for svc in (slot.service, slot.logger):
            if svc is not None:
                self.services.pop(svc.name, None)
        slot.name = name

    def _ensure(self, slot: Slot) -> None:
        """Start whichever supervisor of the slot is missing."""
        if slot.service is None:
            slot.service = self._start(slot, slot.name)
        if slot.logger is None and os.path.isdir(os.path.join(self.scandir, slot.name, "log")):
            slot.logger = self._start(slot, slot.name + "/log")

    def _start(self, slot: Slot, name: str) -> Service | None:
        last = slot.spawned.get(name)
        now = self.loop.time()
        if last is not None and now - last < RESPAWN_GAP:
            self.loop.call_at(last + RESPAWN_GAP, self._respawn, slot)
            return None
        path = os.path.join(self.scandir, name)
        svc = Service(self.loop, ServiceFiles(path), name, stdio=self._stdio(name),
                      spawner=self.spawner, on_exit=self._on_exit, say=self.say)
        try:
            svc.start()
        except Exception as e:  # noqa: BLE001 - one bad dir must not stop the scan
            self.say(f"s6-svscan: warning: unable to supervise {name}: {e}")
            svc.files.close()
            slot.spawned[name] = now
            return None
        slot.spawned[name] = now
        self.services[name] = svc
        for cb in list(self.on_service):
            cb(svc)
        return svc

    def _respawn(self, slot: Slot) -> None:
        if slot.active and not self.stopping and self.slots.get(slot.ident) is slot:
            self._ensure(slot)

    def _prune(self, slot: Slot, hard: bool) -> None:
        if slot.service is not None and slot.service.phase != GONE:
            slot.service.terminate()
        if slot.logger is not None and slot.logger.phase != GONE:
            slot.logger.terminate() if hard else slot.logger.hangup()

    # ------------------------------------------------------------ supervisor exits

    def _slot_of(self, svc: Service) -> Slot | None:
        for slot in self.slots.values():
            if slot.service is svc or slot.logger is svc:
                return slot
        return None

    def _on_exit(self, svc: Service) -> None:
        if self.services.get(svc.name) is svc:
            del self.services[svc.name]
        slot = self._slot_of(svc)
        if slot is not None:
            if slot.service is svc:
                slot.service = None
            else:
                slot.logger = None
            if slot.active and not self.stopping:
                self.loop.call_soon(self._respawn, slot)
            else:
                self._release(svc.name, slot)
        if self.stopping and not self.services and self.on_finished is not None:
            self.on_finished()

    def _release(self, name: str, slot: Slot) -> None:
        self.pipework.released(name, lambda n: n in self.services)
        if slot.service is None and slot.logger is None:
            self.slots.pop(slot.ident, None)
            self.pipework.drop(slot.name + "/log")

    # ------------------------------------------------------------ shutdown

    def shutdown(self, how: str, keep: tuple[str, ...] = ()) -> None:
        """'t': TERM services, HUP loggers; 'q': TERM all.  Then on_finished().

        ``keep``: services left running (PID 1's catch-all logger, which
        must outlive everything that writes to it).
        """
        self.stopping = how
        consumers = {c for _, c in self.pipework.producers()}
        for name, svc in list(self.services.items()):
            if svc.phase == GONE or name in keep:
                continue
            if how == "t" and name in consumers:
                svc.hangup()
            else:
                svc.terminate()
        self.pipework.close_all_write_ends()
        if not self.services and self.on_finished is not None:
            self.on_finished()

    def close(self) -> None:
        self.pipework.close()
        for fd in (self.control_fd, self._lock_fd):
            if fd >= 0:
                os.close(fd)
        self.control_fd = self._lock_fd = -1
