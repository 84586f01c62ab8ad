"""Every figures table on the hand-checked mini council (tests/fixtures/mini).

The expected values were worked out by hand from the ten complaints, five
escalations, four Ombudsman decisions, three duty matters and four compliments of
the fixture; the comments give the reasoning.
"""

from __future__ import annotations

import polars as pl
import pytest

from conftest import MINI
from pipeline.inputs.load import load_extracts
from pipeline.metrics.figures import COLUMNS, compute_figures, load_history, write_figures

YEAR = "2016-17"


@pytest.fixture(scope="module")
def figures(mini_reference) -> pl.DataFrame:
    extracts = load_extracts(MINI / "raw", mini_reference, YEAR)
    return compute_figures(extracts, mini_reference, YEAR, load_history(MINI / "history"))


def rows(figures: pl.DataFrame, table: str, year: str = YEAR, **dims: str) -> pl.DataFrame:
    selected = figures.filter(pl.col("table") == table, pl.col("year") == year)
    for column, value in dims.items():
        selected = selected.filter(pl.col(column) == value)
    return selected


def counts(figures, table, key="category", **dims) -> dict[str, int]:
    frame = rows(figures, table, **dims)
    return dict(zip(frame[key].to_list(), frame["n"].to_list(), strict=True))


def pcts(figures, table, key="category", **dims) -> dict[str, float]:
    frame = rows(figures, table, **dims)
    return {k: round(v, 3) for k, v in zip(frame[key], frame["pct"], strict=True)}


def test_columns_in_contract_order(figures):
    assert tuple(figures.columns) == COLUMNS
    assert figures["year"].null_count() == 0


def test_feedback_total(figures):
    assert counts(figures, "feedback_total") == {
        "Statutory Stage 1": 7,
        "Statutory Stage 2": 2,
        "Statutory Stage 3": 2,
        "Corporate Stage 1": 3,
        "Corporate Stage 2": 1,
        "Ombudsman": 4,
        "Duty Matters": 3,
        "Compliments": 4,
    }


def test_duty(figures):
    assert rows(figures, "duty_by_year")["n"].to_list() == [3]
    assert counts(figures, "duty_by_category") == {"Advice": 2, "Out of Time": 1}
    assert pcts(figures, "duty_by_category") == {"Advice": 66.667, "Out of Time": 33.333}


def test_stage1_by_quarter_keeps_zero_quarters(figures):
    # Statutory: S1, S2 in April; S3 in July; S4 in December; S5-S7 in Jan-Mar.
    assert counts(figures, "stage1_by_quarter", key="quarter", procedure="statutory") == {
        "Q1": 2,
        "Q2": 1,
        "Q3": 1,
        "Q4": 3,
    }
    assert counts(figures, "stage1_by_quarter", key="quarter", procedure="corporate") == {
        "Q1": 1,
        "Q2": 0,
        "Q3": 1,
        "Q4": 1,
    }


def test_stage1_by_team_applies_aliases_within_service_area(figures):
    frame = rows(figures, "stage1_by_team", procedure="statutory")
    got = {
        (r["service_area"], r["team"], r["quarter"]): r["n"] for r in frame.iter_rows(named=True)
    }
    # "alpha" is an alias of Alpha Team; "Beta Team" exists in both service areas.
    assert got == {
        ("North Services", "Alpha Team", "Q1"): 1,
        ("North Services", "Beta Team", "Q1"): 1,
        ("South Services", "Gamma Team", "Q2"): 1,
        ("South Services", "Beta Team", "Q3"): 1,
        ("North Services", "Alpha Team", "Q4"): 3,
    }


def test_stage1_nature_by_service_area(figures):
    north = dict(procedure="statutory", service_area="North Services")
    assert counts(figures, "stage1_nature", **north) == {"Case Management": 3, "Communication": 2}
    assert pcts(figures, "stage1_nature", **north) == {
        "Case Management": 60.0,
        "Communication": 40.0,
    }
    south = dict(procedure="statutory", service_area="South Services")
    assert pcts(figures, "stage1_nature", **south) == {
        "Case Management": 50.0,
        "Staff Conduct": 50.0,
    }


def test_stage1_nature_overall(figures):
    assert counts(figures, "stage1_nature_overall", procedure="statutory") == {
        "Case Management": 4,
        "Communication": 2,
        "Staff Conduct": 1,
    }
    assert pcts(figures, "stage1_nature_overall", procedure="statutory")["Case Management"] == (
        57.143
    )


def test_stage1_outcome(figures):
    assert counts(figures, "stage1_outcome", procedure="statutory") == {
        "Upheld": 1,
        "Partially Upheld": 1,
        "Not Upheld": 2,
        "Complaint Withdrawn": 1,
        "Remains Ongoing": 2,
    }
    assert pcts(figures, "stage1_outcome", procedure="statutory")["Not Upheld"] == 28.571


def test_stage1_timescale(figures):
    # S1 10 days, S2 11, S3 20, S4 21 (across Christmas and New Year), S5 withdrawn,
    # S6 ongoing 22 days at 31 March, S7 ongoing 15 days.
    assert counts(figures, "stage1_timescale", procedure="statutory") == {
        "Within 10 Working Days": 1,
        "Within 20 Working Days": 2,
        "Over 20 Working Days": 2,
        "Remains Ongoing": 1,
        "Complaint Withdrawn": 1,
    }
    # C1 15 days, C2 16 days, C3 ongoing 42 days at 31 March.
    assert counts(figures, "stage1_timescale", procedure="corporate") == {
        "Within 15 Working Days": 1,
        "Over 15 Working Days": 2,
    }


def test_stage1_within_timescale_counts_answered_cases_only(figures):
    assert counts(figures, "stage1_within_timescale", key="procedure") == {
        "statutory": 3,
        "corporate": 1,
    }
    assert pcts(figures, "stage1_within_timescale", key="procedure") == {
        "statutory": 42.857,
        "corporate": 33.333,
    }


def test_stage1_remedy_counts_cases_not_rows(figures):
    # S3 has Explanation twice: one case. "explanation" is matched case-insensitively.
    assert counts(figures, "stage1_remedy", procedure="statutory") == {
        "Explanation": 3,
        "Apology": 1,
    }
    assert pcts(figures, "stage1_remedy", procedure="statutory")["Explanation"] == 42.857
    assert counts(figures, "stage1_remedy", procedure="corporate") == {"Apology": 1}


def test_stage2_tables(figures):
    assert counts(figures, "stage2_by_year", key="procedure") == {"statutory": 2, "corporate": 1}
    assert counts(figures, "stage2_by_service", key="service_area", procedure="statutory") == {
        "North Services": 1,
        "South Services": 1,
    }
    assert counts(figures, "stage2_by_team", key="team", procedure="corporate") == {"Beta Team": 1}


def test_stage2_findings_exclude_stage3_points(figures):
    assert counts(figures, "stage2_findings", procedure="statutory") == {
        "Upheld": 1,
        "Partially Upheld": 1,
        "Not Upheld": 2,
        "No Finding": 1,
    }
    assert pcts(figures, "stage2_findings", procedure="statutory")["Not Upheld"] == 40.0
    assert counts(figures, "stage2_findings", procedure="corporate") == {"Upheld": 2}


def test_stage2_progression(figures):
    frame = rows(figures, "stage2_progression")
    assert frame["procedure"].to_list() == ["statutory"]
    assert frame["n"].to_list() == [2]
    assert round(frame["pct"][0], 3) == 28.571  # 2 of 7 statutory Stage 1 cases


def test_stage3(figures):
    assert counts(figures, "stage3_by_service", key="service_area") == {
        "North Services": 1,
        "South Services": 1,
    }
    frame = rows(figures, "stage3_prior_year")
    assert frame["n"].to_list() == [1]
    assert frame["pct"].to_list() == [50.0]


def test_ombudsman(figures):
    assert counts(figures, "lgo_by_finding") == {
        "Premature Complaint": 1,
        "No Fault": 1,
        "Maladministration and Injustice": 1,
        "Maladministration No Injustice": 1,
    }
    assert rows(figures, "lgo_by_team")["n"].sum() == 4
    fault = rows(figures, "lgo_fault_found")
    assert fault["n"].to_list() == [2]
    assert fault["pct"].to_list() == [50.0]
    # contract 7.3: the Premature Complaint decides nothing; the other three were investigated
    investigated = rows(figures, "lgo_investigated")
    assert investigated["n"].to_list() == [3]
    assert investigated["pct"].to_list() == [75.0]
    upheld = rows(figures, "lgo_upheld_rate")
    assert upheld["n"].to_list() == [2]
    assert round(upheld["pct"][0], 3) == 66.667  # 2 of 3


def test_ombudsman_upheld_rate_is_empty_without_investigations(mini_reference):
    import dataclasses

    from pipeline.inputs.reference import LgoFinding

    extracts = load_extracts(MINI / "raw", mini_reference, YEAR)
    nothing_investigated = tuple(LgoFinding(f.name, f.aliases) for f in mini_reference.lgo_findings)
    reference = dataclasses.replace(mini_reference, lgo_findings=nothing_investigated)
    figures = compute_figures(extracts, reference, YEAR)
    assert rows(figures, "lgo_investigated")["n"].to_list() == [0]
    upheld = rows(figures, "lgo_upheld_rate")
    assert upheld["n"].to_list() == [0]
    assert upheld["pct"].to_list() == [None]


def test_compliments_by_service(figures):
    assert counts(figures, "compliments_by_service", key="service_area") == {
        "North Services": 3,
        "South Services": 1,
    }
    assert pcts(figures, "compliments_by_service", key="service_area")["North Services"] == 75.0


def test_year_on_year_against_history(figures):
    assert counts(figures, "year_on_year") == {
        "Statutory Stage 1": 7,
        "Corporate Stage 1": 3,
        "Statutory Stage 2": 2,
        "Duty Matters": 3,
        "Compliments": 4,
    }
    change = dict(zip(*rows(figures, "year_on_year").select("category", "pct"), strict=True))
    assert change["Statutory Stage 1"] == pytest.approx(40.0)  # 7 vs 5
    assert change["Corporate Stage 1"] == pytest.approx(-25.0)  # 3 vs 4
    assert change["Statutory Stage 2"] == pytest.approx(-50.0)  # 2 vs 4
    assert change["Duty Matters"] == pytest.approx(0.0)  # 3 vs 3
    assert change["Compliments"] is None  # previous year unknown


def test_history_rows_carried_for_comparison_tables_only(figures):
    history = figures.filter(pl.col("year") < YEAR)
    assert set(history["table"]) == {
        "stage1_by_quarter",
        "stage1_outcome",
        "stage2_by_year",
        "duty_by_year",
        # contract 1.1 tables kept by `archive` (tests/fixtures/mini/history/2015-16.csv)
        "stage1_by_complainant",
        "stage1_by_child",
        "stage1_response_days",
        "stage2_within_timescale",
    }
    assert rows(figures, "duty_by_year", year="2014-15")["n"].to_list() == [10]
    assert rows(figures, "stage1_outcome", year="2015-16")["pct"].to_list() == [40.0]


# ---------------------------------------------------------------- contract 1.1 (section 4)


def test_stage1_by_complainant_with_aliases_and_not_recorded(figures):
    # S1 Young Person, S2 "child" (an alias, any case), S3 and S6 Parent, S4 " Advocate "
    # (trimmed), S5 empty, S7 "CARER"; C1 Parent, C2 Other, C3 empty.
    assert counts(figures, "stage1_by_complainant", procedure="statutory") == {
        "Young Person": 2,
        "Advocate": 1,
        "Parent": 2,
        "Carer": 1,
        "Not Recorded": 1,
    }
    assert pcts(figures, "stage1_by_complainant", procedure="statutory") == {
        "Young Person": 28.571,
        "Advocate": 14.286,
        "Parent": 28.571,
        "Carer": 14.286,
        "Not Recorded": 14.286,
    }
    assert counts(figures, "stage1_by_complainant", procedure="corporate") == {
        "Parent": 1,
        "Other": 1,
        "Not Recorded": 1,
    }


def test_stage1_by_child_keeps_a_zero_row(figures):
    # Young Person and Advocate are `child: true`: S1, S2 and S4 of 7; no corporate case.
    assert counts(figures, "stage1_by_child", key="procedure") == {"statutory": 3, "corporate": 0}
    assert pcts(figures, "stage1_by_child", key="procedure") == {
        "statutory": 42.857,
        "corporate": 0.0,
    }


def test_stage1_response_days_median_of_an_even_count_rounds_half_up(figures):
    # Statutory answered: S1 10, S2 11, S3 20, S4 21 working days: (11 + 20) / 2 = 15.5 -> 16.
    # Corporate answered: C1 15, C2 16: 15.5 -> 16. Unanswered cases are left out.
    frame = rows(figures, "stage1_response_days")
    assert frame.select("procedure", "category", "n", "pct").rows() == [
        ("statutory", "Median", 16, None),
        ("corporate", "Median", 16, None),
    ]


def test_stage2_timescale_bands(figures):
    # E1: 1 June to 6 July 2016 = 25 working days, on the first limit. E2: no completion,
    # commissioned 1 September: far over 65 working days on 31 March. E3 (corporate,
    # limit 20): 1 July to 1 August = 21. E4 and E5 are Stage 3 panels: not counted.
    assert counts(figures, "stage2_timescale", procedure="statutory") == {
        "Within 25 Working Days": 1,
        "Over 65 Working Days": 1,
    }
    assert pcts(figures, "stage2_timescale", procedure="statutory") == {
        "Within 25 Working Days": 50.0,
        "Over 65 Working Days": 50.0,
    }
    assert counts(figures, "stage2_timescale", procedure="corporate") == {"Over 20 Working Days": 1}


def test_stage2_within_timescale_keeps_a_zero_row(figures):
    assert counts(figures, "stage2_within_timescale", key="procedure") == {
        "statutory": 1,
        "corporate": 0,
    }
    assert pcts(figures, "stage2_within_timescale", key="procedure") == {
        "statutory": 50.0,
        "corporate": 0.0,
    }


def test_stage2_within_counts_completed_escalations_only():
    from pipeline.metrics.figures import stage2_within_timescale

    # an open escalation under the last limit (Remains Ongoing) is not "within" yet;
    # a procedure with limits but no escalation keeps its zero row, with no share
    banded = pl.DataFrame(
        {
            "procedure": ["statutory"] * 4,
            "band": [
                "Within 25 Working Days",
                "Within 65 Working Days",
                "Remains Ongoing",
                "Over 65 Working Days",
            ],
        }
    )
    within = stage2_within_timescale(banded, ["statutory", "corporate"])
    assert within.rows() == [("statutory", 2, 50.0), ("corporate", 0, None)]


def test_new_tables_sort_in_the_references_order(figures):
    order = rows(figures, "stage1_by_complainant", procedure="statutory")["category"].to_list()
    assert order == ["Young Person", "Advocate", "Parent", "Carer", "Not Recorded"]
    earlier = rows(figures, "stage2_within_timescale", year="2015-16")
    assert earlier.select("procedure", "n", "pct").rows() == [("statutory", 2, 50.0)]


def without_new_inputs(tmp_path, keep_column: bool = True):
    """The mini council as it was before contract 1.1: no types, no Stage 2 limits.

    With ``keep_column`` the complainant_type column stays in the file (an extra column).
    """
    from pipeline.inputs.reference import load_reference

    text = (MINI / "authority.yml").read_text()
    text = text.split("  statutory_stage2:")[0]
    (tmp_path / "authority.yml").write_text(text)
    raw = tmp_path / "raw"
    raw.mkdir()
    for path in (MINI / "raw").glob("*.csv"):
        frame = pl.read_csv(path, infer_schema=False)
        if path.stem == "complaints" and not keep_column:
            frame = frame.drop("complainant_type")
        if path.stem == "escalations":
            frame = frame.drop("completed_date")
        frame.write_csv(raw / path.name)
    return load_reference(tmp_path / "authority.yml"), raw


@pytest.mark.parametrize("keep_column", [True, False])
def test_a_council_without_the_new_inputs_gets_todays_tables(figures, tmp_path, keep_column):
    from pipeline.metrics.figures import TABLES

    reference, raw = without_new_inputs(tmp_path, keep_column)
    assert not reference.complainant_types and not reference.stage2_timescales
    extracts = load_extracts(raw, reference, YEAR)
    before = compute_figures(extracts, reference, YEAR, load_history(MINI / "history"))
    new = {"stage1_by_complainant", "stage1_by_child", "stage2_timescale"}
    new |= {"stage2_within_timescale"}
    optional_13 = {
        "stage1_by_age",
        "stage1_by_gender",
        "stage1_by_ethnicity",
        "stage1_by_disability",
    }
    new |= {"actions_status", "remedy_payments", "stage1_rate", "lgo_benchmark"}  # 1.4
    this_year = set(before.filter(pl.col("year") == YEAR)["table"])
    # every table of contract 1.0, plus the one contract 1.1 says always exists
    assert this_year == set(TABLES) - new - optional_13  # the mini council lists no equalities
    assert "stage1_response_days" in this_year
    # ... with exactly the figures the fuller inputs give for the tables they share
    shared = figures.filter(~(pl.col("table").is_in(new) & (pl.col("year") == YEAR)))
    assert before.equals(shared)


def test_stage2_limits_without_completed_date_column_give_no_stage2_tables(
    mini_reference, tmp_path
):
    raw = tmp_path / "raw"
    raw.mkdir()
    for path in (MINI / "raw").glob("*.csv"):
        frame = pl.read_csv(path, infer_schema=False)
        if path.stem == "escalations":
            frame = frame.drop("completed_date")
        frame.write_csv(raw / path.name)
    extracts = load_extracts(raw, mini_reference, YEAR)
    assert not extracts.has_column("escalations", "completed_date")
    tables = set(compute_figures(extracts, mini_reference, YEAR)["table"])
    assert "stage2_timescale" not in tables and "stage2_within_timescale" not in tables
    assert "stage1_by_complainant" in tables


def test_types_listed_but_column_absent_give_no_complainant_tables(mini_reference, tmp_path):
    reference, raw = without_new_inputs(tmp_path, keep_column=False)
    extracts = load_extracts(raw, mini_reference, YEAR)
    tables = set(compute_figures(extracts, mini_reference, YEAR)["table"])
    assert "stage1_by_complainant" not in tables and "stage1_by_child" not in tables


def test_without_history_year_on_year_change_is_empty(mini_reference):
    extracts = load_extracts(MINI / "raw", mini_reference, YEAR)
    figures = compute_figures(extracts, mini_reference, YEAR)
    assert rows(figures, "year_on_year")["pct"].null_count() == 5


def test_csv_and_xlsx_inputs_give_identical_figures(mini_reference, tmp_path):
    for path in (MINI / "raw").glob("*.csv"):
        frame = pl.read_csv(path, infer_schema=False)
        dates = [c for c in frame.columns if c.endswith("_date")]
        frame = frame.with_columns(
            pl.coalesce(
                pl.col(c).str.strptime(pl.Date, "%Y-%m-%d", strict=False),
                pl.col(c).str.strptime(pl.Date, "%d/%m/%Y", strict=False),
            )
            for c in dates
        )
        frame.write_excel(tmp_path / f"{path.stem}.xlsx")
    from_csv = compute_figures(
        load_extracts(MINI / "raw", mini_reference, YEAR), mini_reference, YEAR
    )
    from_xlsx = compute_figures(load_extracts(tmp_path, mini_reference, YEAR), mini_reference, YEAR)
    assert from_xlsx.equals(from_csv)


def test_write_figures_writes_csv_and_parquet(figures, tmp_path):
    csv_path, parquet_path = write_figures(figures, tmp_path)
    assert pl.read_parquet(parquet_path).equals(figures)
    assert csv_path.read_text().splitlines()[0] == ",".join(COLUMNS)
    assert not list(tmp_path.glob(".*tmp"))
