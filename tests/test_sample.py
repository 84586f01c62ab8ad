"""The shipped 2016/17 sample reproduces the published counts exactly."""

from __future__ import annotations

import polars as pl
import pytest

from conftest import ROOT
from pipeline.inputs.load import load_extracts
from pipeline.metrics.figures import compute_figures, load_history
from pipeline.metrics.reconcile import read_published, reconcile, summary_line, unexplained

YEAR = "2016-17"


@pytest.fixture(scope="module")
def figures(sample_reference) -> pl.DataFrame:
    extracts = load_extracts(ROOT / "data" / "raw" / YEAR, sample_reference, YEAR)
    history = load_history(ROOT / "data" / "history")
    return compute_figures(extracts, sample_reference, YEAR, history)


def this_year(figures: pl.DataFrame, table: str, **dims: str) -> pl.DataFrame:
    frame = figures.filter(pl.col("table") == table, pl.col("year") == YEAR)
    for column, value in dims.items():
        frame = frame.filter(pl.col(column) == value)
    return frame


def counts(figures, table, key="category", **dims) -> dict[str, int]:
    frame = this_year(figures, table, **dims)
    return dict(zip(frame[key], frame["n"], strict=True))


def test_feedback_totals(figures):
    assert counts(figures, "feedback_total") == {
        "Statutory Stage 1": 91,
        "Statutory Stage 2": 9,
        "Statutory Stage 3": 5,
        "Corporate Stage 1": 132,
        "Corporate Stage 2": 5,
        "Ombudsman": 31,
        "Duty Matters": 210,
        "Compliments": 195,
    }


def test_stage1_by_quarter(figures):
    statutory = counts(figures, "stage1_by_quarter", key="quarter", procedure="statutory")
    corporate = counts(figures, "stage1_by_quarter", key="quarter", procedure="corporate")
    assert list(statutory.values()) == [40, 23, 15, 13]
    assert list(corporate.values()) == [31, 32, 34, 35]


def test_stage1_by_team_spot_checks(figures):
    def team(procedure: str, name: str) -> list[int]:
        frame = this_year(figures, "stage1_by_team", procedure=procedure, team=name)
        by_quarter = dict(zip(frame["quarter"], frame["n"], strict=True))
        return [by_quarter.get(q, 0) for q in ("Q1", "Q2", "Q3", "Q4")]

    assert team("statutory", "Specialist Safeguarding Units") == [20, 13, 10, 7]
    assert team("statutory", "Care Planning and Court Teams") == [9, 1, 2, 2]
    assert team("statutory", "Disability Services") == [4, 4, 1, 3]
    assert team("corporate", "SEND Teams") == [8, 6, 11, 5]
    assert team("corporate", "Specialist Safeguarding Units") == [13, 10, 7, 13]
    assert team("corporate", "Local Support Teams") == [2, 5, 5, 3]
    # "Disability Team" in the corporate rows is an alias of Disability Services.
    assert team("corporate", "Disability Services") == [0, 2, 3, 0]


def test_statutory_outcomes_and_timescales(figures):
    assert counts(figures, "stage1_outcome", procedure="statutory") == {
        "Upheld": 4,
        "Partially Upheld": 50,
        "Not Upheld": 31,
        "Complainant not Engaging": 3,
        "Complaint Withdrawn": 3,
    }
    assert counts(figures, "stage1_timescale", procedure="statutory") == {
        "Within 10 Working Days": 18,
        "Within 20 Working Days": 34,
        "Over 20 Working Days": 33,
        "Complaint Withdrawn": 3,
        "Complainant not Engaging": 3,
    }
    within = this_year(figures, "stage1_within_timescale", procedure="statutory")
    assert within["n"].to_list() == [52]
    assert round(within["pct"][0]) == 57


def test_corporate_outcomes_and_timescales(figures):
    assert counts(figures, "stage1_outcome", procedure="corporate") == {
        "Upheld": 16,
        "Partially Upheld": 59,
        "Not Upheld": 50,
        "Complaint Withdrawn": 3,
        "Remains Ongoing": 3,
        "Unable to make a Finding": 1,
    }
    assert counts(figures, "stage1_timescale", procedure="corporate") == {
        "Within 15 Working Days": 83,
        "Over 15 Working Days": 46,
        "Complaint Withdrawn": 3,
    }


def test_remedies(figures):
    statutory = counts(figures, "stage1_remedy", procedure="statutory")
    corporate = counts(figures, "stage1_remedy", procedure="corporate")
    assert statutory["Explanation"] == 73
    assert corporate["Explanation"] > 132 / 2
    assert corporate["Explanation"] == max(corporate.values())


def test_stage2_and_stage3(figures):
    assert counts(figures, "stage2_by_service", key="service_area", procedure="statutory") == {
        "Specialist Safeguarding, Targeted Services and Youth Offending Services": 3,
        "Looked after Children and Disability Services": 6,
    }
    assert counts(figures, "stage2_findings", procedure="statutory") == {
        "Upheld": 33,
        "Partially Upheld": 8,
        "Not Upheld": 29,
        "No Finding": 3,
    }
    assert counts(figures, "stage2_by_service", key="service_area", procedure="corporate") == {
        "Specialist Safeguarding, Targeted Services and Youth Offending Services": 3,
        "Education and Skills": 2,
    }
    assert counts(figures, "stage2_findings", procedure="corporate") == {
        "Upheld": 11,
        "Partially Upheld": 5,
        "Not Upheld": 30,
    }
    assert this_year(figures, "stage3_prior_year")["n"].to_list() == [3]
    assert sum(counts(figures, "stage3_by_service", key="service_area").values()) == 5


def test_ombudsman(figures):
    assert counts(figures, "lgo_by_finding") == {
        "Refusal to Investigate": 9,
        "Investigation Commenced": 3,
        "Premature Complaint": 5,
        "No Fault": 9,
        "Maladministration and Injustice": 5,
    }
    fault = this_year(figures, "lgo_fault_found")
    assert fault["n"].to_list() == [5]
    assert round(fault["pct"][0]) == 16
    # contract 7.3: No Fault (9) and Maladministration and Injustice (5) were investigated
    investigated = this_year(figures, "lgo_investigated")
    assert investigated["n"].to_list() == [14]
    assert round(investigated["pct"][0], 3) == 45.161  # 14 of 31
    upheld = this_year(figures, "lgo_upheld_rate")
    assert upheld["n"].to_list() == [5]
    assert round(upheld["pct"][0], 3) == 35.714  # 5 of 14


def test_duty_and_compliments(figures):
    assert this_year(figures, "duty_by_year")["n"].to_list() == [210]
    assert sum(counts(figures, "duty_by_category").values()) == 210
    assert sum(counts(figures, "compliments_by_service", key="service_area").values()) == 195


def test_history_carried_and_year_on_year(figures):
    duty = figures.filter(pl.col("table") == "duty_by_year").sort("year")
    assert duty["n"].to_list() == [118, 201, 203, 210]
    change = dict(zip(*this_year(figures, "year_on_year").select("category", "pct"), strict=True))
    assert round(change["Corporate Stage 1"], 1) == 18.9  # 132 against 111
    assert round(change["Duty Matters"], 1) == 3.4  # 210 against 203
    assert change["Compliments"] is None  # not published for 2015/16


def test_contract_1_1_tables_of_our_own_choices(figures):
    # data/raw/2016-17/README.md: who complained and the Stage 2 completion days are ours
    assert counts(figures, "stage1_by_complainant", procedure="statutory") == {
        "Young Person": 12,
        "Advocate": 8,
        "Parent": 55,
        "Carer": 7,
        "Other": 6,
        "Not Recorded": 3,
    }
    assert counts(figures, "stage1_by_child", key="procedure") == {
        "statutory": 20,
        "corporate": 7,
    }
    assert counts(figures, "stage2_timescale", procedure="statutory") == {
        "Within 25 Working Days": 3,
        "Within 65 Working Days": 5,
        "Over 65 Working Days": 1,
    }
    assert counts(figures, "stage2_timescale", procedure="corporate") == {
        "Within 25 Working Days": 3,
        "Over 25 Working Days": 2,
    }
    assert counts(figures, "stage2_within_timescale", key="procedure") == {
        "statutory": 8,
        "corporate": 3,
    }
    median = counts(figures, "stage1_response_days", key="procedure")
    assert median == {"statutory": 19, "corporate": 13}


def test_reconciliation_of_the_sample(figures):
    result = reconcile(figures, read_published(ROOT / "data" / "published" / "2016-17.csv"))
    assert unexplained(result).is_empty()
    statuses = dict(zip(*result.group_by("status").len().select("status", "len"), strict=True))
    assert statuses["match"] > 200
    assert summary_line(result) == "reconcile: 255 match, 15 rounding, 5 differ"
    # Every published count of the Stage 1 breakdown tables matches exactly.
    stage1 = result.filter(pl.col("table") == "stage1_by_team")
    assert set(stage1["status"]) == {"match"}
