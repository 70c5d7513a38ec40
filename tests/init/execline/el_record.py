"""Recordings of the real programs Debian does not package (Case.needs).

``recorded.json`` maps a case id to what the real programs did: exit code,
stdout, stderr and resulting files, with the scratch path written
``@TMP@`` and bytes kept as latin-1 text.  Each entry carries the case's
key: a case edited after its recording no longer matches and fails until it
is recorded again.  Record (needs the real programs, see el_harness):

    S6PY_REAL_PORTABLE_UTILS=DIR S6PY_REAL_S6_OVERLAY=SRC \\
        python3 -m tests.init.execline.el_record
"""
from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path

from .el_harness import Result, available, one

FILE = Path(__file__).with_name("recorded.json")


def _text(b: bytes) -> str:
    return b.decode("latin-1")


def _bytes(t: str) -> bytes:
    return t.encode("latin-1")


def encode(case, r: Result) -> dict:
    return {"key": case.key(), "rc": r.rc, "out": _text(r.out), "err": _text(r.err),
            "files": {k: [m, _text(c)] for k, (m, c) in sorted(r.files.items())}}


def decode(entry: dict) -> Result:
    return Result(entry["rc"], _bytes(entry["out"]), _bytes(entry["err"]),
                  {k: (m, _bytes(c)) for k, (m, c) in entry["files"].items()})


def load() -> dict[str, dict]:
    try:
        return json.loads(FILE.read_text())
    except FileNotFoundError:
        return {}


def recorded(case) -> Result | None:
    """The recording of case, or None if there is none or it is stale."""
    entry = load().get(case.id)
    if entry is None or entry["key"] != case.key():
        return None
    return decode(entry)


def record_all(cases, scratch: Path) -> dict[str, dict]:
    have = available()
    out = {}
    for case in cases:
        if not case.needs:
            continue
        if not case.needs <= have:
            raise SystemExit(f"{case.id}: needs {sorted(case.needs - have)} (see el_harness)")
        r = one("real", scratch, case.argv(), case.all_files(), case.env, case.stdin, case.needs)
        out[case.id] = encode(case, r.normalized(scratch))
    return out


def main() -> None:
    from .el_corpus import CORPUS, ROOT_ONLY
    with tempfile.TemporaryDirectory() as d:
        data = record_all(CORPUS + ROOT_ONLY, Path(d) / "w")
    FILE.write_text(json.dumps(data, indent=1, sort_keys=True, ensure_ascii=True) + "\n")
    print(f"recorded {len(data)} cases into {FILE}", file=sys.stderr)


if __name__ == "__main__":
    main()
