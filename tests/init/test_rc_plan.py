"""Ordering a change on generated dependency graphs (hundreds of services).

A simulated executor completes running transitions in random order; the
plan must never start a service before all its dependencies are up (or stop
one before all its dependents are down), must start independent ones
together, and must block exactly what depends on a failure.
"""
from __future__ import annotations

import random

import pytest

from init.rc.database import Atom, Database
from init.rc.plan import Plan, UnknownName, closure, select


def gen_db(n: int, seed: int, max_deps: int = 4) -> Database:
    """A random DAG: service i may depend on services < i."""
    rnd = random.Random(seed)
    atoms = {}
    for i in range(n):
        deps = sorted({f"s{rnd.randrange(i)}" for _ in range(rnd.randint(0, max_deps))} if i else set())
        atoms[f"s{i}"] = Atom(
            name=f"s{i}", type=rnd.choice(["oneshot", "longrun"]), deps=deps)
    bundles = {"all": sorted(atoms), "half": sorted(atoms)[: n // 2]}
    return Database(atoms=atoms, bundles=bundles)


def deps_star(db: Database, name: str) -> set[str]:
    return closure(db, {name}, True) - {name}


def simulate(db: Database, plan: Plan, rnd: random.Random, fail: set[str] = frozenset()):
    """Run the plan to the end; return (start order, max parallelism)."""
    started, running, peak = [], [], 0
    while True:
        for n in plan.ready():
            started.append(n)
            running.append(n)
        peak = max(peak, len(running))
        if not running:
            break
        n = running.pop(rnd.randrange(len(running)))
        plan.finish(n, n not in fail)
    assert plan.done
    return started, peak


@pytest.mark.parametrize("seed", range(8))
def test_up_order_on_random_graphs(seed):
    db = gen_db(300, seed)
    rnd = random.Random(seed)
    first_wave = Plan(db, set(db.atoms), True, set()).ready()
    # everything without dependencies starts at once: independent branches overlap
    assert set(first_wave) == {n for n, a in db.atoms.items() if not a.deps}
    plan = Plan(db, closure(db, select(db, ["all"]), True), True, set())
    up: set[str] = set()
    order, peak = [], 0
    running: list[str] = []
    while True:
        for n in plan.ready():
            assert all(d in up for d in db.atoms[n].deps), f"{n} started before its deps"
            order.append(n)
            running.append(n)
        peak = max(peak, len(running))
        if not running:
            break
        n = running.pop(rnd.randrange(len(running)))
        up.add(n)
        plan.finish(n, True)
    assert sorted(order) == sorted(db.atoms) and len(order) == len(set(order))
    assert peak > 1
    assert plan.state == set(db.atoms)


@pytest.mark.parametrize("seed", range(8))
def test_down_order_on_random_graphs(seed):
    db = gen_db(300, seed)
    rnd = random.Random(seed + 100)
    everything = set(db.atoms)
    target = closure(db, select(db, ["half"]), False)   # half and all that depends on it
    plan = Plan(db, target, False, everything)
    down: set[str] = set()
    running: list[str] = []
    while True:
        for n in plan.ready():
            for dep_of_n in db.dependents(n):
                assert dep_of_n in down or dep_of_n not in target, f"{n} stopped before {dep_of_n}"
            running.append(n)
        if not running:
            break
        n = running.pop(rnd.randrange(len(running)))
        down.add(n)
        plan.finish(n, True)
    assert down == target
    assert plan.state == everything - target
    # what stays up still has all its dependencies up
    for n in plan.state:
        assert deps_star(db, n) <= plan.state


@pytest.mark.parametrize("seed", range(6))
def test_a_failure_blocks_exactly_its_dependents(seed):
    db = gen_db(250, seed)
    rnd = random.Random(seed)
    fail = {f"s{i}" for i in rnd.sample(range(250), 5)}
    plan = Plan(db, set(db.atoms), True, set())
    started, _ = simulate(db, plan, rnd, fail)
    blocked = {n for n in db.atoms if deps_star(db, n) & fail}
    assert set(started) == set(db.atoms) - blocked
    assert set(plan.failed) == fail - blocked
    assert plan.blocked == blocked
    assert plan.state == set(db.atoms) - blocked - fail


def test_already_up_and_partial_state():
    db = gen_db(50, 1)
    state = closure(db, {"s10"}, True)
    plan = Plan(db, closure(db, {"s40"}, True), True, state)
    assert set(plan.already) == state & closure(db, {"s40"}, True)
    started, _ = simulate(db, plan, random.Random(0))
    assert not set(started) & state


def test_essential_services_are_left_up_with_their_dependencies():
    atoms = {"base": Atom("base", "oneshot"),
             "ess": Atom("ess", "longrun", deps=["base"], essential=True),
             "app": Atom("app", "longrun", deps=["base"])}
    db = Database(atoms=atoms)
    plan = Plan(db, set(atoms), False, set(atoms))
    assert plan.skipped == ["ess"]
    started, _ = simulate(db, plan, random.Random(0))
    assert started == ["app"]
    assert plan.state == {"base", "ess"}
    forced = Plan(db, set(atoms), False, set(atoms), force_essential=True)
    started, _ = simulate(db, forced, random.Random(0))
    assert started[-1] == "base" and set(started) == set(atoms)


def test_select_and_unknown_names():
    db = gen_db(10, 3)
    assert select(db, ["half", "s9"]) == set(db.bundles["half"]) | {"s9"}
    with pytest.raises(UnknownName):
        select(db, ["nope"])


def test_closure_directions():
    atoms = {"a": Atom("a", "oneshot"), "b": Atom("b", "oneshot", deps=["a"]),
             "c": Atom("c", "oneshot", deps=["b"]), "d": Atom("d", "oneshot")}
    db = Database(atoms=atoms)
    assert closure(db, {"c"}, True) == {"a", "b", "c"}
    assert closure(db, {"a"}, False) == {"a", "b", "c"}
    assert closure(db, {"d"}, False) == {"d"}
