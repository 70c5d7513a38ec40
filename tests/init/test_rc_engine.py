"""The change engine's messages, exit codes and timeouts, with a fake driver
and a fake clock (transitions complete when the test says so)."""
from __future__ import annotations

import pytest

from init.rc.database import FDHOLDER, RUNNER, Atom, Database
from init.rc.engine import Change, ChangeRequest
from init.rc.live import Live
from tests.init.sv_fakes import FakeLoop


class FakeDriver:
    def __init__(self, loop):
        self.loop = loop
        self.calls: list[tuple] = []
        self.cbs: dict[str, object] = {}
        self.cancelled: list[str] = []

    def longrun(self, name, up, timeout, cb):
        self.calls.append(("longrun", name, up, timeout))
        self.cbs[name] = cb
        return lambda: self.cancelled.append(name)

    def oneshot(self, name, text, argv, timeout, stdio, cb):
        self.calls.append(("oneshot", name, text, timeout))
        self.cbs[name] = cb
        return None

    def complete(self, name, ok=True, why=""):
        self.cbs.pop(name)(ok, why)
        self.loop.run_due()


def make_db():
    atoms = {
        RUNNER: Atom(RUNNER, "longrun", essential=True, internal=True),
        FDHOLDER: Atom(FDHOLDER, "longrun", essential=True, internal=True),
        "setup": Atom("setup", "oneshot", deps=[RUNNER], up="setup-up\n", down="setup-down\n",
                      timeout_up=500),
        "db": Atom("db", "longrun", deps=["setup"], timeout_up=3000),
        "web": Atom("web", "longrun", deps=["db"]),
        "cron": Atom("cron", "longrun", deps=["setup"]),
    }
    return Database(atoms=atoms, bundles={"app": ["web", "cron"]})


@pytest.fixture
def rig(tmp_path):
    class Rig:
        pass

    r = Rig()
    r.loop = FakeLoop()
    r.driver = FakeDriver(r.loop)
    r.live = Live(str(tmp_path), make_db())
    r.said: list[str] = []
    r.codes: list[int] = []

    def change(names, **kw):
        req = ChangeRequest(names=names, **kw)
        c = Change(r.loop, r.live, r.driver, req, r.said.append, r.codes.append)
        c.start()
        r.loop.run_due()
        return c

    r.change = change
    return r


def test_up_messages_order_and_parallelism(rig):
    rig.change(["app"], verbosity=3)
    assert rig.said[:4] == ["s6-rc: info: bringing selected services up",
                            f"s6-rc: info: service {RUNNER}: starting",
                            f"s6-rc: info: service {RUNNER} successfully started",
                            "s6-rc: info: service setup: starting"]
    assert rig.driver.calls == [("oneshot", "setup", "setup-up\n", 0.5)]
    rig.driver.complete("setup")
    # db and cron only need setup: both start before either completes
    assert [c[1] for c in rig.driver.calls[1:]] == ["cron", "db"]
    assert rig.driver.calls[2] == ("longrun", "db", True, 3.0)
    rig.driver.complete("db")
    assert rig.driver.calls[-1][1] == "web"
    rig.driver.complete("web")
    assert rig.codes == []
    rig.driver.complete("cron")
    assert rig.codes == [0]
    assert rig.said[-1] == "s6-rc: info: service cron successfully started"
    assert rig.live.up == {RUNNER, "setup", "db", "web", "cron"}
    assert open(rig.live.path + "/state").read().split() == sorted(rig.live.up)


def test_verbosity_levels(rig):
    rig.change(["setup"], verbosity=1)
    rig.driver.complete("setup")
    assert rig.said == [] and rig.codes == [0]
    rig.change(["setup"], verbosity=3)
    assert rig.said == ["s6-rc: info: bringing selected services up",
                        f"s6-rc: info: service {RUNNER}: already up",
                        "s6-rc: info: service setup: already up"]
    assert rig.codes == [0, 0]


def test_failure_blocks_dependents_and_exits_1(rig):
    rig.change(["app"], verbosity=2)
    rig.driver.complete("setup")
    rig.driver.complete("db", False, "command exited 1")
    assert "s6-rc: warning: unable to start service db: command exited 1" in rig.said
    rig.driver.complete("cron")
    assert rig.codes == [1]
    assert "web" not in [c[1] for c in rig.driver.calls]
    assert rig.live.up == {RUNNER, "setup", "cron"}


def test_oneshot_failure_messages(rig):
    rig.change(["setup"], verbosity=1)
    rig.driver.complete("setup", False, "command crashed with signal 9")
    assert rig.said == ["s6-rc: warning: unable to start service setup: command crashed with signal 9"]
    assert rig.codes == [1]


def test_down_in_reverse_order_with_essentials(rig):
    rig.live.up = set(rig.live.db.atoms)
    rig.change([], up=False, all_up=True, verbosity=2)
    assert rig.said[:2] == [f"s6-rc: warning: service {FDHOLDER} is marked as essential, not stopping it",
                            f"s6-rc: warning: service {RUNNER} is marked as essential, not stopping it"]
    assert [c[1] for c in rig.driver.calls] == ["cron", "web"]
    rig.driver.complete("web")
    assert [c[1] for c in rig.driver.calls] == ["cron", "web", "db"]
    rig.driver.complete("db")
    rig.driver.complete("cron")
    assert rig.driver.calls[-1] == ("oneshot", "setup", "setup-down\n", None)
    rig.driver.complete("setup")
    assert rig.codes == [0]
    assert rig.live.up == {RUNNER, FDHOLDER}
    assert "s6-rc: info: service setup successfully stopped" in rig.said


def test_global_timeout(rig):
    rig.change(["app"], timeout_ms=1000, verbosity=2)
    rig.driver.complete("setup")
    assert rig.driver.calls[-1][3] == pytest.approx(1.0)     # bounded by the global deadline
    rig.loop.advance(1.0)
    assert rig.codes == [2]
    assert rig.said[-1] == "s6-rc: fatal: timed out"
    assert sorted(rig.driver.cancelled) == ["cron", "db"]
    rig.driver.complete("db")            # late completions change nothing
    assert rig.codes == [2]


def test_unknown_name(rig):
    rig.change(["nope"])
    assert rig.codes == [3]
    assert rig.said == [f"s6-rc: fatal: nope is not a recognized identifier in {rig.live.path}/compiled"]


def test_dry_run_touches_nothing(rig):
    rig.change(["app"], dry_run=True, verbosity=2)
    for _ in range(10):
        rig.loop.run_due()
    assert rig.driver.calls == [] and rig.codes == [0]
    assert rig.live.up == set()


def test_wire_protocol_roundtrip():
    from init.rc import protocol
    line = protocol.encode_request("change", {"up": "1", "timeout": "30"}, ["a b", "tab\there"])
    assert line.endswith(b"\n") and line.count(b"\n") == 1
    assert protocol.decode_request(line[:-1]) == ("change", {"up": "1", "timeout": "30"},
                                                   ["a b", "tab\there"])
    assert protocol.decode_reply(protocol.say("s6-rc: info: x\ny")) == ("say", "s6-rc: info: x y")
    assert protocol.decode_reply(protocol.exit_line(2)) == ("exit", "2")
    with pytest.raises(ValueError):
        protocol.decode_request(b"change\0novalue")
