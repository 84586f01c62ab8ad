"""Disclosure control (contract 1.3, section 6.2): the published view, worked by hand on
mini-equalities (threshold 3: counts of 1 and 2 in a breakdown are held back), and a
property test over many random councils."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.inputs.load import load_extracts
from pipeline.inputs.reference import Disclosure, load_reference
from pipeline.metrics.figures import compute_figures, load_history
from pipeline.report import narrative as nar
from pipeline.report.disclosure import (
    BREAKDOWN_TABLES,
    PRIMARY,
    SECONDARY,
    WITHHELD,
    published_figures,
    published_view,
    view_with,
    write_published_figures,
)

FIXTURE = Path(__file__).parent / "fixtures" / "mini-equalities"
YEAR = "2016-17"
C = "[c]"


@pytest.fixture(scope="module")
def reference():
    return load_reference(FIXTURE / "authority.yml")


@pytest.fixture(scope="module")
def figures(reference):
    extracts = load_extracts(FIXTURE / "raw", reference, YEAR)
    return compute_figures(extracts, reference, YEAR, load_history(FIXTURE / "history"))


@pytest.fixture(scope="module")
def view(figures, reference):
    return published_view(figures, reference, YEAR)


def reasons(view, table: str, procedure: str | None = None) -> dict:
    """Held-back cells of one table: (service_area, team, category, quarter) -> reason."""
    rows = view.figures.filter(pl.col("table") == table, pl.col("suppressed"))
    if procedure is not None:
        rows = rows.filter(pl.col("procedure") == procedure)
    return {
        tuple(v for v in (r["service_area"], r["team"], r["category"], r["quarter"]) if v): r[
            "reason"
        ]
        for r in rows.iter_rows(named=True)
    }


def test_team_row_and_service_area_column_by_hand(view):
    """Statutory complaints of North Services by team and quarter:

                 Q1  Q2  Q3  Q4  Total
    Alpha Team    4   3   -   5   12
    Beta Team     1   4   -   -    5
    Total         5   7   -   5   17

    Primary: Beta Team Q1 (1 < 3). Beta Team's row (1, 4 | 5) then has one held-back
    entry: its smallest other count, Q2 (4), is held back too. North's Q1 column (4, 1 | 5)
    has one: Alpha Team Q1 (4). North's Q2 column (3, 4 | 7) has one: Alpha Team Q2 (3).
    Alpha Team's row (held, held, -, 5 | 12) then has two; nothing else has exactly one.
    A reader knows a1 + b1 = 5, a2 + b2 = 7, a1 + a2 = 7, b1 + b2 = 5: b1 could be 0 to 5.
    South Services (Gamma 3, 3; Beta 4) has nothing below 3 and is published whole.
    """
    assert reasons(view, "stage1_by_team", "statutory") == {
        ("North Services", "Alpha Team", "Q1"): SECONDARY,
        ("North Services", "Alpha Team", "Q2"): SECONDARY,
        ("North Services", "Beta Team", "Q1"): PRIMARY,
        ("North Services", "Beta Team", "Q2"): SECONDARY,
    }
    table = nar.team_quarter_tables(view, YEAR, "statutory", ["North Services", "South Services"])
    # Markdown escapes the brackets: the page shows [c]
    assert r"| Alpha Team | \[c\] | \[c\] | \- | 5 | 12 |" in table
    assert r"| Beta Team | \[c\] | \[c\] | \- | \- | 5 |" in table
    assert r"| Total | 5 | 7 | \- | 5 | 17 |" in table
    assert r"| Gamma Team | \- | 3 | 3 | \- | 6 |" in table  # South: nothing held back
    # totals the report prints are published (none is below 3 and none had to be held)
    assert not view.totals.filter(pl.col("procedure") == "statutory")["suppressed"].any()


def test_category_tables_by_hand(view):
    """Statutory, 27 complaints (a whole-council figure, always published):
    gender: Female 15, Male 11, Another Gender 1 -> Another Gender is primary; the table
    then has one held-back entry, so its smallest other count, Male (11), is held back.
    Age: Not Recorded 2 (primary), then the smallest other, 16 to 17 (3). Ethnicity: Not
    Recorded 2, then Black or Black British (3). Disability: 9 and 18, nothing held back.
    Who complained: Advocate 1, Carer 1, Not Recorded 1 are primary (three held, so no
    secondary in that table), but children's complaints (a whole-council 5) are Young
    Person 4 + Advocate 1: that group has one held-back entry, so Young Person is held too.
    """
    assert reasons(view, "stage1_by_gender", "statutory") == {
        ("Male",): SECONDARY,
        ("Another Gender",): PRIMARY,
    }
    assert reasons(view, "stage1_by_age", "statutory") == {
        ("16 to 17",): SECONDARY,
        ("Not Recorded",): PRIMARY,
    }
    assert reasons(view, "stage1_by_ethnicity", "statutory") == {
        ("Black or Black British",): SECONDARY,
        ("Not Recorded",): PRIMARY,
    }
    assert reasons(view, "stage1_by_disability", "statutory") == {}
    assert reasons(view, "stage1_by_complainant", "statutory") == {
        ("Young Person",): SECONDARY,
        ("Advocate",): PRIMARY,
        ("Carer",): PRIMARY,
        ("Not Recorded",): PRIMARY,
    }
    held = view.figures.filter(pl.col("suppressed"))
    assert held["n"].null_count() == held.height and held["pct"].null_count() == held.height


def test_only_a_whole_council_figure_could_protect_so_the_breakdown_is_withheld(view):
    """Corporate (3 complaints): North Alpha Team Q1 1, South Gamma Team Q3 1 and Q4 1.
    Every cell is primary. Quarter 1 across service areas: North's Q1 total (1, held back),
    South's (0), and the council's Q1 (1, a whole-council figure, never held back): one
    held-back entry, no other part to hold back, and the total is the whole council's, so
    the corporate team table is withheld. The statutory one is not."""
    assert view.is_withheld("stage1_by_team", "corporate")
    assert not view.is_withheld("stage1_by_team", "statutory")
    corporate = view.figures.filter(
        pl.col("table") == "stage1_by_team", pl.col("procedure") == "corporate"
    )
    assert corporate["reason"].to_list() == [WITHHELD] * 3
    text = nar.team_quarter_tables(view, YEAR, "corporate", ["North Services", "South Services"])
    assert text == (
        "The breakdown of corporate Stage 1 complaints by service area and team is withheld "
        "because its numbers are small: publishing it could identify a child."
    )
    # the corporate quarters themselves are a whole-council figure, published as they are
    quarters = view.figures.filter(
        pl.col("table") == "stage1_by_quarter", pl.col("procedure") == "corporate"
    )
    assert not quarters["suppressed"].any()
    # the equalities sentence of a withheld table names no number
    sentence = nar.equalities_sentence(view, None, "stage1_by_gender", YEAR, "corporate")
    assert sentence == (
        "The breakdown of corporate Stage 1 complaints by the child's gender is withheld "
        "because its numbers are small: publishing it could identify a child."
    )


def test_sentences_name_no_held_back_number(view, reference):
    sentence = nar.equalities_sentence(view, reference, "stage1_by_gender", YEAR, "statutory")
    assert sentence == (
        "The largest group shown is Female: 15 of the 27 statutory Stage 1 complaints (56%)."
    )
    # who complained: the Not Recorded count (1) is held back, so it is not stated
    complainants = nar.complainant_sentence(view.figures, YEAR, "statutory")
    assert "not recorded" not in complainants


def test_whole_council_figures_are_published_unchanged(view, figures):
    whole = ~pl.col("table").is_in(BREAKDOWN_TABLES)
    assert view.figures.filter(whole).drop("suppressed", "reason").equals(figures.filter(whole))


def test_figures_published_csv(view, figures, tmp_path):
    path = write_published_figures(view, tmp_path)
    assert path.name == "figures-published.csv"
    text = path.read_text().splitlines()
    assert (
        text[0] == "table,year,procedure,service_area,team,category,quarter,n,pct,value,suppressed"
    )
    assert "stage1_by_gender,2016-17,statutory,,,Male,,,,,true" in text
    assert "stage1_by_gender,2016-17,statutory,,,Female,,15,55.55555555555556,,false" in text
    published = published_figures(view)
    assert published.height == figures.height  # every row of figures.csv, in its order
    assert published.drop("n", "pct", "suppressed").equals(figures.drop("n", "pct"))


def test_without_disclosure_nothing_is_held_back(figures):
    view = view_with(figures, YEAR, None)
    assert not view.figures["suppressed"].any() and not view.withheld
    assert view.figures.drop("suppressed", "reason").equals(figures)


def test_the_sample_without_disclosure_publishes_every_figure(sample_reference):
    from conftest import ROOT

    extracts = load_extracts(ROOT / "data" / "raw" / YEAR, sample_reference, YEAR)
    figures = compute_figures(extracts, sample_reference, YEAR)
    assert sample_reference.disclosure is None
    view = published_view(figures, sample_reference, YEAR)
    assert view.held_back == 0 and not view.withheld
    assert not any(t.startswith("stage1_by_age") for t in figures["table"])


# ---------------------------------------------------------------- the property test

AREAS = {"A": ["A1", "A2", "A3"], "B": ["B1", "B2"], "C": ["C1"]}
PAIRS = [(a, t) for a, teams in AREAS.items() for t in teams]
QUARTERS = ["Q1", "Q2", "Q3", "Q4"]
GENDERS = ["F", "M", "X", "Not Recorded"]
PROCEDURES = ["statutory", "corporate"]


def random_figures(cases: list[tuple[int, int, int, int]]) -> pl.DataFrame:
    """The figures a set of cases (procedure, team, quarter, gender indexes) gives: the
    team table, the council's quarters and Stage 1 totals, and one category table."""
    frame = pl.DataFrame(
        {
            "procedure": [PROCEDURES[c[0]] for c in cases],
            "service_area": [PAIRS[c[1]][0] for c in cases],
            "team": [PAIRS[c[1]][1] for c in cases],
            "quarter": [QUARTERS[c[2]] for c in cases],
            "category": [GENDERS[c[3]] for c in cases],
        },
        schema={k: pl.String for k in ("procedure", "service_area", "team", "quarter", "category")},
    )

    def tidy(counts: pl.DataFrame, table: str) -> pl.DataFrame:
        columns = ["procedure", "service_area", "team", "category", "quarter"]
        return counts.with_columns(
            pl.lit(table).alias("table"),
            pl.lit(YEAR).alias("year"),
            *(pl.lit(None, pl.String).alias(c) for c in columns if c not in counts.columns),
            pl.lit(None, pl.Float64).alias("pct") if "pct" not in counts.columns else pl.col("pct"),
        ).select("table", "year", *columns, pl.col("n").cast(pl.Int64), "pct")

    team = frame.group_by("procedure", "service_area", "team", "quarter").len("n")
    grid = pl.DataFrame({"procedure": PROCEDURES}).join(
        pl.DataFrame({"quarter": QUARTERS}), how="cross"
    )
    quarters = grid.join(
        frame.group_by("procedure", "quarter").len("n"), on=["procedure", "quarter"], how="left"
    ).with_columns(pl.col("n").fill_null(0))
    gender = (
        frame.group_by("procedure", "category")
        .len("n")
        .with_columns((pl.col("n") * 100.0 / pl.col("n").sum().over("procedure")).alias("pct"))
    )
    totals = pl.DataFrame(
        {
            "category": ["Statutory Stage 1", "Corporate Stage 1"],
            "n": [frame.filter(pl.col("procedure") == p).height for p in PROCEDURES],
        }
    )
    return pl.concat(
        [
            tidy(totals, "feedback_total"),
            tidy(quarters, "stage1_by_quarter"),
            tidy(team, "stage1_by_team"),
            tidy(gender, "stage1_by_gender"),
        ]
    )


def groups_shown(view, procedure: str) -> dict[str, list[list[tuple[int | None, bool]]]]:
    """The groups a reader sees, worked out here from the tables as printed (not from the
    module's own groups), by table: each a list of (count, held back) for its parts and
    total (a whole-council total is published: never held back)."""
    cells = view.figures.filter(pl.col("procedure") == procedure)
    team = {
        (r["team"], r["quarter"]): (r["n"], r["suppressed"])
        for r in cells.filter(pl.col("table") == "stage1_by_team").iter_rows(named=True)
    }
    sums = {
        (r["service_area"], r["team"], r["quarter"]): (r["n"], r["suppressed"])
        for r in view.totals.filter(pl.col("procedure") == procedure).iter_rows(named=True)
    }
    council = {
        r["quarter"]: (r["n"], False)
        for r in cells.filter(pl.col("table") == "stage1_by_quarter").iter_rows(named=True)
    }
    zero = (0, False)
    groups: list = []
    areas = [a for a in AREAS if (a, None, None) in sums]
    for area in areas:
        teams = [t for t in AREAS[area] if (area, t, None) in sums]
        for t in teams:  # a team's row
            groups.append([team.get((t, q), zero) for q in QUARTERS] + [sums[(area, t, None)]])
        for q in QUARTERS:  # a quarter's column
            groups.append([team.get((t, q), zero) for t in teams] + [sums[(area, None, q)]])
        groups.append([sums[(area, t, None)] for t in teams] + [sums[(area, None, None)]])
        groups.append([sums[(area, None, q)] for q in QUARTERS] + [sums[(area, None, None)]])
    for q in QUARTERS:  # the areas' quarters and the council's quarter
        groups.append([sums[(a, None, q)] for a in areas] + [council[q]])
    gender = cells.filter(pl.col("table") == "stage1_by_gender")
    categories = [(r["n"], r["suppressed"]) for r in gender.iter_rows(named=True)]
    return {"stage1_by_team": groups, "stage1_by_gender": [[*categories, zero]]}


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    cases=st.lists(
        st.tuples(
            st.integers(0, 1),
            st.integers(0, len(PAIRS) - 1),
            st.integers(0, 3),
            st.integers(0, len(GENDERS) - 1),
        ),
        min_size=1,
        max_size=120,
    ),
    threshold=st.integers(2, 6),
)
def test_property_no_small_count_published_and_no_lone_held_back_entry(cases, threshold):
    figures = random_figures(cases)
    view = view_with(figures, YEAR, Disclosure(threshold, C))
    marked = view.figures

    # 1. no published breakdown count (or printed total) from 1 to threshold - 1
    breakdown = marked.filter(pl.col("table").is_in(BREAKDOWN_TABLES), ~pl.col("suppressed"))
    assert breakdown.filter(pl.col("n").is_between(1, threshold - 1)).is_empty()
    totals = view.totals.filter(~pl.col("suppressed"))
    assert totals.filter(pl.col("n").is_between(1, threshold - 1)).is_empty()

    # 2. no group a reader sees with exactly one held-back entry; a withheld breakdown
    # shows nothing at all
    for procedure in PROCEDURES:
        for table, groups in groups_shown(view, procedure).items():
            if view.is_withheld(table, procedure):
                rows = marked.filter(pl.col("table") == table, pl.col("procedure") == procedure)
                assert rows.filter(pl.col("n").is_not_null(), pl.col("n") > 0).is_empty()
                continue
            for group in groups:
                assert sum(held for _, held in group) != 1, (table, procedure, group)

    # 3. every whole-council figure published unchanged
    whole = ~pl.col("table").is_in(BREAKDOWN_TABLES)
    assert marked.filter(whole).drop("suppressed", "reason").equals(figures.filter(whole))
    # and every held-back cell is empty, with its share
    held = marked.filter(pl.col("suppressed"))
    assert held["n"].null_count() == held.height


def test_the_ombudsman_decision_list_leaves_teams_out_under_disclosure_control():
    """One row per decision with its team would count each team's decisions (lgo_by_team,
    a breakdown): under disclosure control the list shows status, finding and summary."""
    lgo = pl.DataFrame(
        {
            "service_area": ["North Services", "South Services"],
            "team": ["Alpha Team", "Gamma Team"],
            "status": ["Investigation", "Enquiry"],
            "finding": ["No Fault", "Premature Complaint"],
            "summary": [None, None],
        }
    )
    with_team = nar.lgo_decisions_table(lgo)
    without = nar.lgo_decisions_table(lgo, with_team=False)
    assert "Alpha Team" in with_team and "| Team |" in with_team
    assert "Alpha Team" not in without and "Gamma Team" not in without
    assert without.splitlines()[0] == "| Status | Finding | Summary of the decision |"
