"""Wording and rounding of the sentences and tables made from the figures."""

from pathlib import Path

import polars as pl
import pytest

from pipeline.report import narrative as nar

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
    assert shown == ["3%", "1%", "57%", "[x]"]  # pipeline.symbols.NOT_AVAILABLE


def test_pipe_table_layout():
    frame = pl.DataFrame({"Team": ["A|B", "C"], "Number": [3, None]})
    assert nar.pipe_table(frame, align_right=["Number"]) == (
        "| Team | Number |\n|:---|---:|\n| A\\|B | 3 |\n| C | \\[x\\] |"  # not available
    )


def test_share_sentence_fills_count_and_rounded_percentage(figures):
    text = nar.share_sentence(
        figures, "stage1_within_timescale", "2016-17", "{n} ({pct})", procedure="statutory"
    )
    assert text == "52 (57%)"


def test_team_quarter_tables_total_the_quarters(figures):
    text = nar.team_quarter_tables(figures, "2016-17", "statutory", ["Partnership and Development"])
    # a quarter without complaints shows the zero symbol (pipeline.symbols.ZERO), escaped
    assert "| Independent Case Conference Chair | 1 | 1 | \\- | \\- | 2 |" in text
    assert "| Total | 1 | 1 | \\- | 1 | 3 |" in text


def test_history_share_table_keeps_missing_years_and_categories_blank(figures):
    text = nar.history_share_table(
        figures, "stage1_outcome", "2016-17", "statutory", ["Upheld", "Partially Upheld"]
    )
    lines = text.splitlines()
    assert lines[0].startswith("| Year | Upheld | Partially Upheld |")
    # cells are literal text: punctuation is backslash-escaped in the Markdown
    assert any(line.startswith("| 2016\\/17 | 4\\% | 55\\% |") for line in lines)
    assert any(
        line.startswith("| 2013\\/14 | 11\\% | 41\\% |") and "| \\- |" in line for line in lines
    )


def test_validation_text_when_summary_is_missing(tmp_path):
    assert "not available" in nar.validation_text(tmp_path / "none.md")
    summary = tmp_path / "summary.md"
    summary.write_text("# Checks\n\nAll passed.\n", encoding="utf-8")
    assert nar.validation_text(summary).startswith("## Checks")  # under the level-1 appendix


def test_rounding_note_mentions_the_sum():
    assert "may not add up to exactly 100" in nar.ROUNDING_NOTE


# ---------------------------------------------------------------- key messages, contract 1.1

YEAR = "2016-17"


@pytest.fixture(scope="module")
def mini_figures(mini_reference) -> pl.DataFrame:
    from conftest import MINI
    from pipeline.inputs.load import load_extracts
    from pipeline.metrics.figures import compute_figures, load_history

    extracts = load_extracts(MINI / "raw", mini_reference, YEAR)
    return compute_figures(extracts, mini_reference, YEAR, load_history(MINI / "history"))


def test_key_messages_of_the_mini_council(mini_figures, mini_reference):
    # tests/fixtures/mini: 7 statutory cases (5 in 2015/16), 3 corporate (4); within the
    # last limit 3 of 7 and 1 of 3; Stage 2 E1 within 25 of the 65-day limit, E2 open past
    # 65, E3 (corporate, limit 20) 21 days; upheld or partly S1, S2 and C1; 2 of the 3
    # Ombudsman decisions after an investigation found fault (the 4th was premature); S1,
    # S2 (Young Person) and S4 (Advocate) are children.
    assert nar.key_messages(mini_figures, mini_reference, YEAR) == [
        "The council received 7 complaints at Stage 1 of the statutory children's complaints "
        "procedure in 2016/17, 2 more than in 2015/16 (an increase of 40%).",
        "The council received 3 complaints at Stage 1 of its corporate complaints procedure "
        "in 2016/17, 1 fewer than in 2015/16 (a decrease of 25%).",
        "3 of the 7 statutory complaints (43%) were answered within the time limit of 20 "
        "working days, and 1 of the 3 corporate complaints (33%) within 15 working days.",
        "At Stage 2, 1 of the 2 statutory investigations (50%) were completed within 65 "
        "working days, and 0 of 1 corporate review (0%) within 20 working days.",
        "Of the 7 statutory complaints, 2 (29%) were upheld in full or in part, as were 1 of "
        "the 3 corporate complaints (33%).",
        "The Ombudsman investigated 3 complaints about the council's children's services in "
        "detail and found fault in 2 of 3 (67%). Its 4 decisions: after an investigation, "
        "No Fault (1), Maladministration and Injustice (1) and Maladministration No Injustice "
        "(1); without one, Premature Complaint (1), which decides nothing about fault.",
        "Children and young people, or advocates speaking for them, made 3 of the 7 "
        "statutory complaints (43%, against 20% in 2015/16).",
    ]


def test_key_messages_without_the_new_inputs(mini_figures, mini_reference):
    import dataclasses

    new = ["stage1_by_complainant", "stage1_by_child", "stage2_timescale"]
    new.append("stage2_within_timescale")
    before = mini_figures.filter(~pl.col("table").is_in(new))
    reference = dataclasses.replace(mini_reference, complainant_types=(), stage2_timescales={})
    messages = nar.key_messages(before, reference, YEAR)
    assert len(messages) == 5
    assert not [m for m in messages if "Stage 2" in m or "Children" in m]


def test_key_messages_use_the_upheld_meaning_of_the_outcomes(mini_figures, mini_reference):
    import dataclasses

    only_upheld = tuple(
        dataclasses.replace(o, upheld=o.name == "Upheld") for o in mini_reference.outcomes
    )
    reference = dataclasses.replace(mini_reference, outcomes=only_upheld)
    message = nar.upheld_message(mini_figures, reference.upheld_outcomes, YEAR)
    assert message.startswith("Of the 7 statutory complaints, 1 (14%) were upheld")


def test_key_messages_of_the_fixture_compare_with_history(figures):
    from pipeline.inputs.reference import load_reference

    reference = load_reference(Path(__file__).parent.parent / "data/reference/authority.yml")
    messages = nar.key_messages(figures, reference, YEAR)
    assert 5 <= len(messages) <= 8
    assert messages[3] == (
        "At Stage 2, 8 of the 9 statutory investigations (89%) were completed within 65 "
        "working days, and 3 of the 5 corporate reviews (60%) within 25 working days."
    )
    assert messages[-1].endswith(
        "made 20 of the 91 statutory complaints (22%, against 20% in 2015/16)."
    )


def test_ombudsman_message_without_decisions_or_faults(mini_reference):
    frame = pl.DataFrame(
        {"table": ["feedback_total"], "year": [YEAR], "category": ["Ombudsman"], "n": [0]}
    )
    frame = frame.with_columns(pl.lit(None, pl.Float64).alias("pct"))
    assert nar.ombudsman_message(frame, YEAR, mini_reference) == (
        "The Ombudsman made no decisions about the council's children's services."
    )


def test_contract_1_1_sentences_of_the_fixture(figures):
    from pipeline.inputs.reference import load_reference

    reference = load_reference(Path(__file__).parent.parent / "data/reference/authority.yml")
    assert nar.complainant_sentence(figures, YEAR, "corporate") == (
        "Children and young people, or advocates speaking for them, made 7 of the 132 "
        "corporate Stage 1 complaints (5%). Who complained was not recorded for 4 complaints."
    )
    assert nar.response_days_sentence(figures, YEAR, "statutory") == (
        "The median time to answer a complaint was 19 working days: half of the answered "
        "complaints took this long or less. In 2015/16 it was 21 working days."
    )
    assert nar.stage2_time_sentence(figures, reference, YEAR, "statutory") == (
        "8 of the 9 statutory Stage 2 investigations (89%, against 55% in 2015/16) were "
        "completed within 65 working days, and 3 (33%) within 25."
    )
    assert nar.stage2_time_sentence(figures, reference, YEAR, "corporate") == (
        "3 of the 5 corporate Stage 2 reviews (60%) were completed within 25 working days."
    )


def test_sections_without_their_inputs_say_what_to_add(figures):
    from pipeline.inputs.reference import load_reference

    reference = load_reference(Path(__file__).parent.parent / "data/reference/authority.yml")
    without = figures.filter(
        ~pl.col("table").is_in(["stage1_by_complainant", "stage1_by_child", "stage2_timescale"])
        & (pl.col("table") != "stage2_within_timescale")
    )
    # in the reader's terms: the report never tells the analyst which column to add
    assert nar.complainant_sentence(without, YEAR, "statutory") == (
        "The council did not record who made each complaint in 2016/17."
    )
    assert nar.stage2_time_sentence(without, reference, YEAR, "corporate") == (
        "The council did not measure the time taken to complete corporate Stage 2 reviews "
        "against a time limit in 2016/17."
    )
    no_answers = without.filter(pl.col("table") != "stage1_response_days")
    assert nar.response_days_sentence(no_answers, YEAR, "corporate").startswith(
        "No complaint was answered this year"
    )


def test_further_definitions_name_the_types_as_literal_text(mini_reference):
    import dataclasses

    from pipeline.inputs.reference import ComplainantType

    types = (ComplainantType("Child *or* Young Person", child=True), ComplainantType("Parent"))
    reference = dataclasses.replace(mini_reference, complainant_types=types)
    text = nar.further_definitions(reference)
    assert "Child \\*or\\* Young Person and Parent" in text
    assert "statutory Stage 2 investigations: 25 working days and 65 working days" in text
    assert "corporate Stage 2 reviews: 20 working days" in text
    bare = dataclasses.replace(mini_reference, complainant_types=(), stage2_timescales={})
    bare_text = nar.further_definitions(bare)  # in the reader's terms, no keys or columns
    assert (
        "This report shows no Stage 2 time limits: the council did not measure Stage 2 "
        "investigations and reviews against a time limit this year."
    ) in bare_text
    assert (
        "The council did not record who made each complaint, so the report does not say "
        "who complained."
    ) in bare_text
    assert "reference file" not in bare_text and "`" not in bare_text


def test_sample_key_message_states_the_ombudsman_upheld_rate(figures):
    from pipeline.inputs.reference import load_reference

    reference = load_reference(Path(__file__).parent.parent / "data/reference/authority.yml")
    message = nar.ombudsman_message(figures, YEAR, reference)
    assert message == (
        "The Ombudsman investigated 14 complaints about the council's children's services in "
        "detail and found fault in 5 of 14 (36%). Its 31 decisions: after an investigation, "
        "No Fault (9) and Maladministration and Injustice (5); without one, Refusal to "
        "Investigate (9), Investigation Commenced (3) and Premature Complaint (5), which "
        "decide nothing about fault."
    )
    assert message in nar.key_messages(figures, reference, YEAR)
    section = nar.ombudsman_section(figures, YEAR, reference)
    assert "Of these, 14 (45%) followed a detailed investigation." in section
    assert "found fault in 5 of the 14 complaints it investigated (36%)" in section
    assert "fault was found in 16%" in section  # all decisions, as earlier reports


def test_ombudsman_message_when_nothing_was_investigated(mini_figures, mini_reference):
    import dataclasses

    from pipeline.inputs.reference import LgoFinding

    plain = tuple(LgoFinding(f.name, f.aliases) for f in mini_reference.lgo_findings)
    reference = dataclasses.replace(mini_reference, lgo_findings=plain)
    figures = mini_figures.with_columns(
        pl.when(pl.col("table") == "lgo_investigated").then(0).otherwise(pl.col("n")).alias("n")
    )
    assert nar.ombudsman_message(figures, YEAR, reference) == (
        "The Ombudsman made 4 decisions about the council's children's services and "
        "investigated none of them in detail, so none decided whether the council was at "
        "fault. Its decisions: without one, Premature Complaint (1), No Fault (1), "
        "Maladministration and Injustice (1) and Maladministration No Injustice (1), which "
        "decide nothing about fault."
    )
