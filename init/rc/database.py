"""The compiled service database (what s6-rc-compile writes, in our format).

A compiled directory holds ``db.json`` (this module's ``Database``) and
``servicedirs/NAME/`` for every longrun (the files s6-supervise needs).  Pure
data and queries; reading/writing the directory is in ``compiled.py``.
"""
from __future__ import annotations

from init.rc.record import asdict, factory, record

RUNNER = "s6rc-oneshot-runner"
FDHOLDER = "s6rc-fdholder"
FORMAT = 1


@record
class Atom:
    """An atomic service: a oneshot or a longrun."""

    name: str
    type: str
    deps: list[str] = factory(list)     # direct atomic dependencies
    essential: bool = False
    timeout_up: int = 0
    timeout_down: int = 0
    up: str | None = None                 # command lines as written (run by execlineb)
    down: str | None = None
    up_argv: list[str] | None = None      # ... and as lexed at compile time (run directly)
    down_argv: list[str] | None = None
    producer_for: str | None = None
    consumer_for: list[str] = factory(list)
    notification: bool = False
    internal: bool = False   # s6rc-oneshot-runner, s6rc-fdholder: no process in s6py
    drain: bool = False      # a declared logger (loggers.py): its pipe is emptied before it stops
    source: str = ""         # definition directory it came from


@record
class Database:
    atoms: dict[str, Atom] = factory(dict)
    bundles: dict[str, list[str]] = factory(dict)
    _rdeps: dict[str, list[str]] | None = None

    def names(self) -> list[str]:
        return sorted(set(self.atoms) | set(self.bundles))

    def resolve(self, name: str) -> list[str]:
        """Atoms a name stands for; KeyError if unknown."""
        if name in self.atoms:
            return [name]
        return list(self.bundles[name])

    def dependents(self, name: str) -> list[str]:
        """Direct reverse dependencies of an atom."""
        if self._rdeps is None:
            rd: dict[str, list[str]] = {n: [] for n in self.atoms}
            for a in self.atoms.values():
                for d in a.deps:
                    rd[d].append(a.name)
            self._rdeps = rd
        return self._rdeps.get(name, [])

    def to_json(self) -> dict:
        return {"format": FORMAT,
                "atoms": {n: _atom_json(a) for n, a in sorted(self.atoms.items())},
                "bundles": dict(sorted(self.bundles.items()))}

    @classmethod
    def from_json(cls, data: dict) -> Database:
        if data.get("format") != FORMAT:
            raise ValueError("unsupported compiled database format")
        atoms = {n: Atom(**a) for n, a in data["atoms"].items()}
        return cls(atoms=atoms, bundles={k: list(v) for k, v in data["bundles"].items()})


def _atom_json(a: Atom) -> dict:
    """``drain`` only when set: a database without declared loggers is written as before."""
    d = asdict(a)
    if not d["drain"]:
        del d["drain"]
    return d
