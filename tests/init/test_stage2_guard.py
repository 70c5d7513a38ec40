"""A bug of ours inside a stage-2 step ends the container (111) instead of freezing it.

Found on a python3-minimal root: ``json`` was missing, the step raised,
PID 1's loop reported it and went on, and the container sat forever with
no CMD.  Each step is now guarded (init/pid1/stage2.py ``_step``).
"""
from __future__ import annotations

from init import contenv
from init.pid1 import stage2
from init.pid1.stage2 import Stage2


class FakeContainer:
    stopping = False
    child_env: dict = {}
    cmd = ["true"]

    def __init__(self) -> None:
        self.said: list[str] = []
        self.exitcode = None
        self.halted = None

    def say(self, text: str) -> None:
        self.said.append(text)

    def write_exitcode(self, code: int) -> None:
        self.exitcode = code

    def halt(self, how: str) -> None:
        self.halted = how


def test_an_exception_in_a_step_halts_with_111(monkeypatch, capfd):
    def broken(*a, **k):
        raise ModuleNotFoundError("No module named 'json'")

    monkeypatch.setattr(contenv, "get", broken)
    c = FakeContainer()
    s = Stage2(c)
    assert s.start() is None
    assert (c.exitcode, c.halted, s.done) == (111, "h", True)
    assert c.said == [f"{stage2.PROG}: fatal: internal error in stage 2, stopping the container"]
    assert "internal error in Stage2.start: ModuleNotFoundError" in capfd.readouterr().err


def test_a_halt_that_fails_too_is_only_reported(monkeypatch, capfd):
    monkeypatch.setattr(contenv, "get", lambda *a, **k: 1 / 0)
    c = FakeContainer()
    c.halt = lambda how: [][1]
    Stage2(c).start()  # does not raise
    err = capfd.readouterr().err
    assert "ZeroDivisionError" in err and "IndexError" in err
