"""Known inconsistencies of earlier years, footnoted from data/history/notes.yml."""

from __future__ import annotations

import polars as pl
import pytest

from conftest import ROOT
from pipeline.errors import InputError
from pipeline.metrics.figures import build_figures
from pipeline.metrics.history_notes import (
    OUTPUT_NAME,
    history_footnote,
    notes_beside,
    read_history_notes,
    write_history_notes,
)

YEAR = "2016-17"


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    out = tmp_path_factory.mktemp("figures")
    figures = build_figures(
        YEAR,
        ROOT / "data" / "raw" / YEAR,
        ROOT / "data" / "reference" / "authority.yml",
        ROOT / "data" / "history",
        out,
    )
    return figures, out / "figures.csv"


def test_the_figures_step_writes_the_notes_beside_the_figures(built):
    _, path = built
    notes = notes_beside(path)
    assert (path.parent / OUTPUT_NAME).is_file()
    assert [(n.table, n.year, n.procedure) for n in notes][:2] == [
        ("stage1_by_quarter", "2015-16", "statutory"),
        ("stage2_progression", "2015-16", "statutory"),
    ]


def test_the_2015_16_total_is_footnoted_where_it_shows(built):
    figures, path = built
    quarters = history_footnote(figures, path, "stage1_by_quarter", YEAR, "statutory")
    assert quarters.startswith("Note on 2015/16: ")
    assert "add up to 71" in quarters and "total of 70" in quarters
    progression = history_footnote(figures, path, "stage2_progression", YEAR, "statutory")
    assert "15% rather than 16%" in progression.replace("\\", "")
    change = history_footnote(figures, path, "year_on_year", YEAR, category="Statutory Stage 1")
    assert "increase of 30%" in change.replace("\\", "")
    # nothing for tables, procedures or categories the notes do not name
    assert history_footnote(figures, path, "stage1_by_quarter", YEAR, "corporate") == ""
    assert history_footnote(figures, path, "year_on_year", YEAR, category="Compliments") == ""


def test_a_note_shows_only_while_its_year_is_shown(built):
    figures, path = built
    later = figures.filter(pl.col("year") != "2015-16")  # a report no longer showing 2015/16
    assert history_footnote(later, path, "stage1_by_quarter", YEAR, "statutory") == ""
    # next year's change compares with 2016/17, not 2015/16
    assert (
        history_footnote(figures, path, "year_on_year", "2017-18", category="Statutory Stage 1")
        == ""
    )


def test_a_history_folder_without_notes_gives_an_empty_list(tmp_path):
    target = write_history_notes(tmp_path / "no-history", tmp_path)
    assert target.read_text(encoding="utf-8").strip() == "[]"
    assert notes_beside(tmp_path / "figures.csv") == []


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("- table: stage1_by_quarter\n  year: 2015-16\n", "note 1: 'note' is required"),
        ("- {table: t, year: 2015-16, note: n, colour: red}\n", "note 1: unknown key 'colour'"),
        ("table: t\n", "expected a list of notes"),
    ],
)
def test_a_bad_notes_file_names_the_file_and_the_note(tmp_path, text, message):
    path = tmp_path / "notes.yml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as caught:
        read_history_notes(path)
    assert caught.value.file == str(path)
    assert caught.value.message.startswith(message)


def test_mini_council_notes_follow_procedure_and_category(tmp_path):
    import shutil

    from conftest import MINI

    history = tmp_path / "history"
    shutil.copytree(MINI / "history", history)
    (history / "notes.yml").write_text(
        "- table: stage1_by_quarter\n"
        "  year: 2015-16\n"
        "  procedure: corporate\n"
        "  note: the Q3 zero was a gap in the old system.\n"
        "- table: year_on_year\n"
        "  year: 2015-16\n"
        "  category: Duty Matters\n"
        "  note: duty matters were counted by hand.\n",
        encoding="utf-8",
    )
    out = tmp_path / "out"
    out.mkdir()
    figures = build_figures(YEAR, MINI / "raw", MINI / "authority.yml", history, out)
    path = out / "figures.csv"
    corporate = history_footnote(figures, path, "stage1_by_quarter", YEAR, "corporate")
    assert corporate == "Note on 2015/16: the Q3 zero was a gap in the old system\\."
    assert history_footnote(figures, path, "stage1_by_quarter", YEAR, "statutory") == ""
    duty = history_footnote(figures, path, "year_on_year", YEAR, category="Duty Matters")
    assert duty.startswith("Note on 2015/16: duty matters were counted by hand")
