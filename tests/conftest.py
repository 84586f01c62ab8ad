"""Shared fixtures: the hand-checked mini council and the shipped sample."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.reference import Reference, load_reference

ROOT = Path(__file__).resolve().parent.parent
MINI = Path(__file__).resolve().parent / "fixtures" / "mini"


@pytest.fixture(scope="session")
def mini_reference() -> Reference:
    return load_reference(MINI / "authority.yml")


@pytest.fixture(scope="session")
def sample_reference() -> Reference:
    return load_reference(ROOT / "data" / "reference" / "authority.yml")
