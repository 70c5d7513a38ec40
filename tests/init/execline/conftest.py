"""Fixtures for the execline tests (helpers live in el_harness)."""
from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture
def scratch(tmp_path: Path) -> Path:
    """A scratch directory path (created fresh by the harness for each run)."""
    return tmp_path / "w"
