"""The service database inside PID 1: its live state and one change at a time.

``init()`` is s6-rc-init (live dir, longruns linked into the scan directory
with ``down`` files, pipelines registered with the scanner so PID 1 holds
their pipes); ``change()`` queues or refuses a change while another runs,
as s6-rc's lock does (``-b`` waits for it).
"""
from __future__ import annotations

from init.rc.driver import DEFAULT_EXECLINEB, TreeDriver
from init.rc.engine import Change, ChangeRequest
from init.rc.live import Live


class RcManager:
    def __init__(self, loop, scanner, *, runner: list[str] | None = DEFAULT_EXECLINEB) -> None:
        self.loop = loop
        self.scanner = scanner
        self.runner = runner
        self.live: Live | None = None
        self.driver: TreeDriver | None = None
        self.current: Change | None = None
        self.waiting: list[tuple] = []

    def init(self, compiled: str, live_path: str) -> Live:
        """s6-rc-init: raises OSError/ValueError if it cannot be done."""
        if self.live is not None:
            raise FileExistsError(17, "a service database is already initialised", self.live.path)
        live = Live.create(compiled, live_path, self.scanner.scandir)
        for name, atom in live.db.atoms.items():
            if atom.producer_for and not atom.internal:
                self.scanner.connect(name, atom.producer_for)
        self.live = live
        self.driver = TreeDriver(self.loop, self.scanner, live, runner=self.runner)
        self.scanner.scan()
        return live

    def change(self, req: ChangeRequest, say, on_done, wait: bool = False) -> None:
        """Run req; say(line) for messages, on_done(exit code) at the end."""
        if self.live is None:
            say("s6-rc: fatal: unable to take locks: no service database is initialised")
            on_done(111)
            return
        if self.current is not None:
            if wait:
                self.waiting.append((req, say, on_done))
            else:
                say("s6-rc: fatal: unable to take locks: Resource busy")
                on_done(111)
            return
        self._run(req, say, on_done)

    def _run(self, req: ChangeRequest, say, on_done) -> None:
        def done(code: int) -> None:
            self.current = None
            try:
                on_done(code)
            finally:
                if self.waiting:
                    self.loop.call_soon(self._run, *self.waiting.pop(0))

        self.current = Change(self.loop, self.live, self.driver, req, say, done)
        self.current.start()
