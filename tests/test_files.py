"""Writing outputs: atomically, with the permissions of any other new file."""

from __future__ import annotations

import stat

import pytest

from pipeline.files import atomic_write, atomic_write_text


def test_an_atomic_write_gives_the_file_the_mode_of_an_ordinary_write(tmp_path):
    """mkstemp makes its file readable by its owner only; a report copied to a web server
    or shared folder must keep the usual permissions."""
    ordinary = tmp_path / "ordinary.txt"
    ordinary.write_text("x", encoding="utf-8")
    atomic = tmp_path / "atomic.txt"
    atomic_write_text(atomic, "x")
    assert stat.S_IMODE(atomic.stat().st_mode) == stat.S_IMODE(ordinary.stat().st_mode)


def test_a_failed_write_leaves_the_old_file_and_no_temporary_one(tmp_path):
    target = tmp_path / "report.html"
    target.write_text("old", encoding="utf-8")

    def fail(temp):
        temp.write_text("half", encoding="utf-8")
        raise RuntimeError("stopped")

    with pytest.raises(RuntimeError):
        atomic_write(target, fail)
    assert target.read_text(encoding="utf-8") == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["report.html"]
