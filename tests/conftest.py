"""Shared fixtures: the hand-checked mini council and the shipped sample."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from pipeline.inputs.reference import Reference, load_reference

ROOT = Path(__file__).resolve().parent.parent
MINI = Path(__file__).resolve().parent / "fixtures" / "mini"


@pytest.fixture(scope="session")
def mini_reference() -> Reference:
    return load_reference(MINI / "authority.yml")


@pytest.fixture(scope="session")
def sample_reference() -> Reference:
    return load_reference(ROOT / "data" / "reference" / "authority.yml")


@pytest.fixture()
def raw(tmp_path: Path) -> Path:
    """A writable copy of the mini council's extracts (test_build has its own: the sample)."""
    folder = tmp_path / "raw"
    shutil.copytree(MINI / "raw", folder)
    return folder


def replace_in(path: Path, old: str, new: str, count: int = 1) -> None:
    """Edit a fixture file in place: the first ``count`` occurrences of ``old``, which must
    be there."""
    text = path.read_text(encoding="utf-8")
    assert text.count(old) >= count, old
    path.write_text(text.replace(old, new, count), encoding="utf-8")
