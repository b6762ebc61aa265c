"""Shared test fixtures.

Evaluation data lives beside the project in ``../shared/data``; tests that need
it take the ``shared_data`` fixture, which skips cleanly when the folder is
absent (the product itself never needs it).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

PROJECT_ROOT = Path(__file__).resolve().parents[1]
SEEDS = PROJECT_ROOT / "seeds"


def _shared_data_dir() -> Path:
    env = os.environ.get("AKHBAR_SHARED_DATA")
    return Path(env) if env else PROJECT_ROOT.parent / "shared" / "data"


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """Path to ``../shared/data``; skips the test when it is not there."""
    path = _shared_data_dir()
    if not path.is_dir():
        pytest.skip(f"shared evaluation data not found at {path} (optional)")
    return path


@pytest.fixture(scope="session")
def seed_text() -> str:
    return (SEEDS / "seed_article.txt").read_text(encoding="utf-8")
