"""Differential tests: every corpus script under the real execlineb and ours.

stdout, stderr, exit code and the scratch directory's resulting files must be
identical (environment dumps go through ``envdump``, which sorts them).
Cases that call programs Debian does not package (s6-portable-utils,
s6-overlay's scripts) run live when those are available, and are also
checked against their recording then; elsewhere ours is checked against the
recording (el_record).
"""
from __future__ import annotations

import os

import pytest

from .el_corpus import CORPUS, ROOT_ONLY, Case
from .el_harness import available, both, needs_real, one
from .el_record import load, recorded

pytestmark = needs_real


def same(case: Case, real, ours) -> None:
    assert ours.err == real.err, f"stderr differs for {case.id}"
    assert ours.out == real.out, f"stdout differs for {case.id}"
    assert ours.rc == real.rc, f"exit code differs for {case.id}"
    assert ours.files == real.files, f"resulting files differ for {case.id}"


def check(case: Case, scratch) -> None:
    if case.needs <= available():
        real, ours = both(scratch, case.argv(), case.all_files(), case.env, case.stdin, case.needs)
        same(case, real, ours)
        if case.needs:
            rec = recorded(case)
            assert rec is not None, f"{case.id}: no current recording (python3 -m tests.init.execline.el_record)"
            assert rec.shape() == real.normalized(scratch).shape(), \
                f"{case.id}: the recording no longer matches the real programs: record again"
        return
    rec = recorded(case)
    assert rec is not None, f"{case.id}: no current recording (python3 -m tests.init.execline.el_record)"
    ours = one("ours", scratch, case.argv(), case.all_files(), case.env, case.stdin, case.needs)
    same(case, rec, ours.normalized(scratch))


@pytest.mark.parametrize("case", CORPUS, ids=[c.id for c in CORPUS])
def test_corpus(case: Case, scratch) -> None:
    check(case, scratch)


@pytest.mark.root
@pytest.mark.skipif(os.geteuid() != 0, reason="needs root")
@pytest.mark.parametrize("case", ROOT_ONLY, ids=[c.id for c in ROOT_ONLY])
def test_corpus_root(case: Case, scratch) -> None:
    check(case, scratch)


def test_corpus_is_large_and_unique() -> None:
    ids = [c.id for c in CORPUS + ROOT_ONLY]
    assert len(ids) == len(set(ids))
    assert len(ids) >= 400


def test_recordings_have_cases() -> None:
    """Every recording belongs to a case that needs one (no stale leftovers)."""
    wanted = {c.id for c in CORPUS + ROOT_ONLY if c.needs}
    assert set(load()) <= wanted
