"""Wording and rounding of the sentences and tables made from the figures."""

from pathlib import Path

import polars as pl
import pytest

from pipeline import narrative as nar

FIXTURE = Path(__file__).parent / "fixtures" / "figures.csv"


@pytest.fixture(scope="module")
def figures() -> pl.DataFrame:
    return nar.read_figures(FIXTURE)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (0.5, 1),
        (1.5, 2),
        (2.5, 3),
        (3.5, 4),
        (57.142857, 57),
        (80.21978, 80),
        (-2.5, -3),
        (0.49, 0),
    ],
)
def test_round_half_up_never_rounds_halves_to_even(value, expected):
    assert nar.round_half_up(value) == expected


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (30.0, "an increase of 30%"),
        (18.9189, "an increase of 19%"),
        (-18.2, "a decrease of 18%"),
        (-2.5, "a decrease of 3%"),
        (0.0, "no change"),
        (0.3, "an increase of less than 1%"),
        (None, "not available"),
    ],
)
def test_change_phrase(change, expected):
    assert nar.change_phrase(change) == expected


def test_year_on_year_sentence_uses_the_figures(figures):
    sentence = nar.year_on_year_sentence(figures, "2016-17", "Statutory Stage 1", "complaints")
    assert sentence == "There were 91 complaints in 2016/17, an increase of 30% on 2015/16."


def test_year_on_year_sentence_says_not_available_without_history(figures):
    sentence = nar.year_on_year_sentence(figures, "2016-17", "Compliments", "compliments")
    assert "195 compliments" in sentence
    assert "not available" in sentence


def test_percent_column_rounds_half_up_and_marks_missing():
    frame = pl.DataFrame({"pct": [2.5, 0.5, 57.14, None]})
    shown = frame.select(nar.percent_column("pct"))["pct"].to_list()
    assert shown == ["3%", "1%", "57%", "-"]


def test_pipe_table_layout():
    frame = pl.DataFrame({"Team": ["A|B", "C"], "Number": [3, None]})
    assert nar.pipe_table(frame, align_right=["Number"]) == (
        "| Team | Number |\n|:---|---:|\n| A\\|B | 3 |\n| C | - |"
    )


def test_share_sentence_fills_count_and_rounded_percentage(figures):
    text = nar.share_sentence(
        figures, "stage1_within_timescale", "2016-17", "{n} ({pct})", procedure="statutory"
    )
    assert text == "52 (57%)"


def test_team_quarter_tables_total_the_quarters(figures):
    text = nar.team_quarter_tables(figures, "2016-17", "statutory", ["Partnership and Development"])
    assert "| Independent Case Conference Chair | 1 | 1 | - | - | 2 |" in text
    assert "| Total | 1 | 1 | - | 1 | 3 |" in text


def test_history_share_table_keeps_missing_years_and_categories_blank(figures):
    text = nar.history_share_table(
        figures, "stage1_outcome", "2016-17", "statutory", ["Upheld", "Partially Upheld"]
    )
    lines = text.splitlines()
    assert lines[0].startswith("| Year | Upheld | Partially Upheld |")
    # cells are literal text: punctuation is backslash-escaped in the Markdown
    assert any(line.startswith("| 2016\\/17 | 4\\% | 55\\% |") for line in lines)
    assert any(
        line.startswith("| 2013\\/14 | 11\\% | 41\\% |") and "| - |" in line for line in lines
    )


def test_validation_text_when_summary_is_missing(tmp_path):
    assert "not available" in nar.validation_text(tmp_path / "none.md")
    summary = tmp_path / "summary.md"
    summary.write_text("# Checks\n\nAll passed.\n", encoding="utf-8")
    assert nar.validation_text(summary).startswith("## Checks")  # under the level-1 appendix


def test_rounding_note_mentions_the_sum():
    assert "may not add up to exactly 100" in nar.ROUNDING_NOTE
