"""``s6-rc change``, run inside the event loop.

Given a selection and a direction, computes the closure (plan.py), then
starts every transition whose prerequisites are met, in parallel, as each
completes.  Messages follow s6-rc at verbosity v (0-5, default 2):
v>=1 warnings, v>=2 ``service X: starting`` / ``service X successfully
started`` (and the stop forms), v>=3 ``bringing selected services up`` and
``service X: already up``.  Exit codes: 0 ok, 1 a transition failed, 2 the
global -t timeout expired, 3 unknown name.

The internal services s6rc-oneshot-runner and s6rc-fdholder have no process
in s6py (PID 1 runs oneshots and holds the pipes itself); their transitions
succeed at once, with the usual messages.
"""
from __future__ import annotations

from init.rc.plan import Plan, UnknownName, closure, select
from init.rc.record import factory, record


@record
class ChangeRequest:
    names: list[str]
    up: bool = True
    all_up: bool = False          # -a: add every service currently up
    timeout_ms: int = 0           # -t: global deadline
    force_essential: bool = False  # -D: stop essential services too
    verbosity: int = 2
    dry_run: bool = False         # -n (kept for completeness)
    stdio: dict[int, int] = factory(dict)


class Change:
    def __init__(self, loop, live, driver, req: ChangeRequest, say, on_done) -> None:
        self.loop = loop
        self.live = live
        self.db = live.db
        self.driver = driver
        self.req = req
        self.say = say
        self.on_done = on_done
        self.plan: Plan | None = None
        self.cancels: dict[str, object] = {}
        self.deadline = None
        self.finished = False
        self.aborting = False
        self._timer = None

    def _v(self, level: int, text: str) -> None:
        if self.req.verbosity >= level:
            self.say(text)

    def start(self) -> None:
        req = self.req
        try:
            sel = select(self.db, req.names)
        except UnknownName as e:
            self._end(3, f"s6-rc: fatal: {e.args[0]} is not a recognized identifier in "
                         f"{self.live.compiled}")
            return
        if req.all_up:
            sel |= self.live.up
        targets = closure(self.db, sel, req.up)
        self.plan = Plan(self.db, targets, req.up, self.live.up, req.force_essential)
        word = "up" if req.up else "down"
        self._v(3, f"s6-rc: info: bringing selected services {word}")
        for n in self.plan.already:
            self._v(3, f"s6-rc: info: service {n}: already {word}")
        for n in self.plan.skipped:
            self._v(1, f"s6-rc: warning: service {n} is marked as essential, not stopping it")
        if req.timeout_ms:
            self.deadline = self.loop.time() + req.timeout_ms / 1000
            self._timer = self.loop.call_at(self.deadline, self._timed_out)
        self._pump()

    def _pump(self) -> None:
        if self.finished:
            return
        plan = self.plan
        for name in plan.ready():
            self._launch(name)
        if plan.done and not self.finished:
            code = 1 if plan.failed else 0
            self._end(code, None)

    def _launch(self, name: str) -> None:
        atom = self.db.atoms[name]
        up = self.req.up
        self._v(2, f"s6-rc: info: service {name}: {'starting' if up else 'stopping'}")
        if self.req.dry_run or atom.internal:
            self.loop.call_soon(self._complete, name, True, "")
            return
        t = (atom.timeout_up if up else atom.timeout_down) / 1000 or None
        if self.deadline is not None:
            left = max(0.001, self.deadline - self.loop.time())
            t = left if t is None else min(t, left)

        def cb(ok: bool, why: str) -> None:
            self._complete(name, ok, why)

        if atom.type == "oneshot":
            text, argv = (atom.up, atom.up_argv) if up else (atom.down, atom.down_argv)
            self.cancels[name] = self.driver.oneshot(name, text, argv, t, self.req.stdio, cb)
        else:
            self.cancels[name] = self.driver.longrun(name, up, t, cb)

    def _complete(self, name: str, ok: bool, why: str) -> None:
        self.cancels.pop(name, None)
        if self.finished or self.aborting:
            return
        up = self.req.up
        if ok and not self.req.dry_run:
            (self.live.up.add if up else self.live.up.discard)(name)
            try:
                self.live.save()
            except OSError:
                pass
        if ok:
            self._v(2, f"s6-rc: info: service {name} successfully {'started' if up else 'stopped'}")
        else:
            self._v(1, f"s6-rc: warning: unable to {'start' if up else 'stop'} service {name}: {why}")
        self.plan.finish(name, ok)
        self._pump()

    def _timed_out(self) -> None:
        if self.finished:
            return
        self.aborting = True  # what the cancellations report is not news
        for cancel in list(self.cancels.values()):
            if callable(cancel):
                cancel()
        self._end(2, "s6-rc: fatal: timed out")

    def _end(self, code: int, message: str | None) -> None:
        if self.finished:
            return
        self.finished = True
        if self._timer is not None:
            self._timer.cancel()
        if message:
            self.say(message)
        self.on_done(code)
