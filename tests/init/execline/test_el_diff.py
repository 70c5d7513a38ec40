"""Differential tests: every corpus script under the real execlineb and ours.

stdout, stderr, exit code and the scratch directory's resulting files must be
identical (environment dumps go through ``envdump``, which sorts them).
"""
from __future__ import annotations

import os

import pytest

from .el_corpus import CORPUS, ROOT_ONLY, Case
from .el_harness import both, needs_real

pytestmark = needs_real


def check(case: Case, scratch) -> None:
    real, ours = both(scratch, case.argv(), case.all_files(), case.env, case.stdin)
    assert ours.err == real.err, f"stderr differs for {case.id}"
    assert ours.out == real.out, f"stdout differs for {case.id}"
    assert ours.rc == real.rc, f"exit code differs for {case.id}"
    assert ours.files == real.files, f"resulting files differ for {case.id}"


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
    assert len(ids) >= 150
