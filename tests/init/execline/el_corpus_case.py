"""One differential case: a script, how execlineb is called, and its world.

``needs`` names the real programs a case calls that Debian does not
package: ``pu`` (s6-portable-utils, built from skarnet's release) and
``ovl`` (s6-overlay's own scripts: with-contenv, printcontenv...).  Such a
case runs live when they are available (el_harness.REAL_PU / REAL_OVL) and
is checked against its recording (recorded.json) otherwise.
``@TMP@`` stands for the scratch directory, in the script, args and files.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field


@dataclass
class Case:
    id: str
    script: str
    mode: list[str] = field(default_factory=lambda: ["-P"])
    args: list[str] = field(default_factory=list)
    files: dict[str, str | bytes] = field(default_factory=dict)
    env: dict[str, str] = field(default_factory=dict)
    stdin: bytes | None = None
    as_file: bool = False
    needs: frozenset[str] = frozenset()

    def argv(self) -> list[str]:
        if self.as_file:
            return self.mode + ["@TMP@/script.el"] + self.args
        return self.mode + ["-c", self.script] + self.args

    def all_files(self) -> dict[str, str | bytes]:
        f = dict(self.files)
        if self.as_file:
            f["script.el"] = self.script
        return f

    def key(self) -> str:
        """A digest of everything that defines the case (a recording must match it)."""
        text = repr((self.argv(), sorted(self.all_files().items()), sorted(self.env.items()),
                     self.stdin, sorted(self.needs)))
        return hashlib.sha256(text.encode("utf-8", "surrogateescape")).hexdigest()[:16]


def pu(case: Case) -> Case:
    """Mark a case as calling real s6-portable-utils programs."""
    case.needs = case.needs | {"pu"}
    return case


def ovl(case: Case) -> Case:
    """Mark a case as calling s6-overlay's scripts (which call s6-portable-utils)."""
    case.needs = case.needs | {"ovl", "pu"}
    return case
