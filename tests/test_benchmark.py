"""Contract 1.4 (section 7) on the mini council with every new input
(tests/fixtures/mini-comparisons): the four tables of 7.2, worked out by hand, the
``value`` column, and the new inputs' checks.

The fixture is the mini council plus: seven agreed actions with due/completed dates
(followed up to ``actions_as_at: 2017-04-30``), amounts on four remedies, a population of
20,000 children, and the Ombudsman's figures for four councils.
"""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import polars as pl
import pytest

from conftest import MINI
from pipeline.errors import InputError
from pipeline.inputs.load import load_extracts
from pipeline.inputs.reference import load_reference
from pipeline.metrics import benchmark
from pipeline.metrics.figures import (
    COLUMNS,
    compute_figures,
    load_history,
    read_figures,
    write_figures,
)

YEAR = "2016-17"
FULL = MINI.parent / "mini-comparisons"


@pytest.fixture(scope="module")
def reference():
    return load_reference(FULL / "authority.yml")


@pytest.fixture(scope="module")
def extracts(reference):
    return load_extracts(FULL / "raw", reference, YEAR)


@pytest.fixture(scope="module")
def figures(extracts, reference) -> pl.DataFrame:
    return compute_figures(extracts, reference, YEAR, load_history(FULL / "history"))


def table(figures: pl.DataFrame, name: str) -> pl.DataFrame:
    return figures.filter(pl.col("table") == name, pl.col("year") == YEAR)


def test_reference_keys_of_contract_14(reference):
    assert reference.actions_as_at == date(2017, 4, 30)
    assert reference.population.children == 20000
    assert reference.population.source.startswith("Mid-2016 population estimates")


def test_amounts_are_read_as_pounds(extracts):
    # "£1,200.50" (thousands comma, pence), "0", "250", "£75.00" and two empty cells
    amounts = extracts.remedies["amount"].to_list()
    assert amounts == [None, 1200.5, 0.0, 250.0, None, 75.0]


def test_actions_status_by_procedure(figures):
    # As at 30 April 2017. Statutory actions (E1, E2 at Stage 2; E4, E5 at Stage 3):
    #   E1 completed 2016-07-20                       -> Completed
    #   E1 due 2016-09-01, completed 2017-05-15 (after the as-at date) -> Overdue
    #   E2 due 2017-06-30, not completed              -> Open
    #   E4 no dates                                   -> No Due Date
    #   E5 due 2017-03-31, not completed              -> Overdue
    # Corporate (E3): completed 2016-09-15 -> Completed; no due date, completed
    #   2017-05-02 (after the as-at date) -> No Due Date.
    rows = table(figures, "actions_status")
    got = {(r["procedure"], r["category"]): (r["n"], r["pct"]) for r in rows.iter_rows(named=True)}
    assert got == {
        ("statutory", "Completed"): (1, 20.0),
        ("statutory", "Overdue"): (2, 40.0),
        ("statutory", "Open"): (1, 20.0),
        ("statutory", "No Due Date"): (1, 20.0),
        ("corporate", "Completed"): (1, 50.0),
        ("corporate", "Overdue"): (0, 0.0),
        ("corporate", "Open"): (0, 0.0),
        ("corporate", "No Due Date"): (1, 50.0),
    }
    # in the contract's order of statuses, statutory first
    assert rows["category"].to_list()[:4] == list(benchmark.ACTION_STATUSES)
    assert rows["value"].null_count() == rows.height


def test_actions_default_to_31_march(extracts):
    # Without actions_as_at: as at 31 March 2017, E1's second action (due 2016-09-01) is
    # overdue still, E5's (due 2017-03-31) is open (due on the day), E3's second action
    # has no due date and is not completed by then.
    frame = benchmark.actions_status(extracts, date(2017, 3, 31))
    got = {(r["procedure"], r["category"]): r["n"] for r in frame.iter_rows(named=True)}
    assert got[("statutory", "Overdue")] == 1
    assert got[("statutory", "Open")] == 2
    assert got[("corporate", "No Due Date")] == 1


def test_remedy_payments(figures):
    # Statutory: S1 £1,200.50 (its other remedy has no amount) and S3 £250; S2's 0 is
    # not a payment -> 2 cases, £1,450.50. Corporate: C1 £75.00 -> 1 case, £75.
    rows = table(figures, "remedy_payments")
    got = {r["procedure"]: (r["n"], r["value"]) for r in rows.iter_rows(named=True)}
    assert got == {"statutory": (2, 1450.5), "corporate": (1, 75.0)}
    assert rows["pct"].null_count() == rows.height


def test_stage1_rate_per_10000_children(figures):
    # 7 statutory and 3 corporate cases, 20,000 children: 7 / 20000 * 10000 = 3.5, 1.5
    rows = table(figures, "stage1_rate")
    got = {r["procedure"]: (r["n"], r["value"]) for r in rows.iter_rows(named=True)}
    assert got == {"statutory": (7, 3.5), "corporate": (3, 1.5)}


def test_lgo_benchmark_similar_councils_exclude_this_council(figures):
    # This council: 6 of 10 upheld (60%). Similar councils (County, itself excluded):
    # Northshire 10/20 and Southshire 12/30 -> 22 of 50 = 44% (with itself it would be
    # 28 of 60). All councils (itself included): 58 of 100 = 58%, summed, not a mean
    # of the four rates (which would be 53.75%).
    rows = table(figures, "lgo_benchmark")
    got = {r["category"]: (r["n"], r["pct"]) for r in rows.iter_rows(named=True)}
    assert got == {
        "This Council": (10, 60.0),
        "Similar Councils": (50, 44.0),
        "All Councils": (100, 58.0),
    }
    assert rows["category"].to_list() == list(benchmark.BENCHMARK_CATEGORIES)


def test_value_is_the_tenth_column_and_round_trips(figures, tmp_path):
    assert COLUMNS[-1] == "value" and len(COLUMNS) == 10
    csv_path, parquet_path = write_figures(figures, tmp_path)
    assert pl.read_csv(csv_path, n_rows=0).columns == list(COLUMNS)
    assert read_figures(csv_path).equals(figures)
    assert pl.read_parquet(parquet_path)["value"].dtype == pl.Float64
    # every table but the two that say so leaves value empty
    valued = figures.filter(pl.col("value").is_not_null())["table"].unique().sort().to_list()
    assert valued == ["remedy_payments", "stage1_rate"]


def test_history_without_value_still_loads():
    history = load_history(Path(__file__).resolve().parent.parent / "data" / "history")
    assert history.columns == list(COLUMNS)
    assert history.height > 0 and history["value"].null_count() == history.height


def test_five_years_at_a_glance_from_history_and_this_year(figures, reference):
    glance = benchmark.five_years(figures, reference.upheld_outcomes, YEAR)
    # 2014/15's history holds none of the four measures (only duty and Ombudsman rows)
    assert sorted(glance["year"].unique()) == ["2015-16", "2016-17"]

    def value(year: str, procedure: str, measure: str) -> float | None:
        found = glance.filter(
            pl.col("year") == year, pl.col("procedure") == procedure, pl.col("measure") == measure
        )
        return found["value"][0] if found.height else None

    # 2016/17: 7 statutory cases; answered within 20 working days: S1 (10 days), S2 (11)
    # and S3 (20) -> 3 of 7 = 42.857%; upheld in full or part: S1, S2 -> 28.571%.
    assert value(YEAR, "statutory", "Stage 1 complaints") == 7
    assert round(value(YEAR, "statutory", "Answered in time (%)"), 3) == 42.857
    assert round(value(YEAR, "statutory", "Upheld in full or in part (%)"), 3) == 28.571
    assert value(YEAR, "statutory", "Stage 2 investigations") == 2
    # 2015/16 holds quarters (1+1+1+2), an Upheld share of 40 and 4 Stage 2 cases, and no
    # timescale bands: that measure is absent (shown as not available)
    assert value("2015-16", "statutory", "Stage 1 complaints") == 5
    assert value("2015-16", "statutory", "Upheld in full or in part (%)") == 40
    assert value("2015-16", "statutory", "Stage 2 investigations") == 4
    assert value("2015-16", "statutory", "Answered in time (%)") is None


def test_a_council_without_the_inputs_gets_none_of_the_tables():
    reference = load_reference(MINI / "authority.yml")
    extracts = load_extracts(MINI / "raw", reference, YEAR)
    tables = set(compute_figures(extracts, reference, YEAR)["table"])
    assert tables.isdisjoint({"actions_status", "remedy_payments", "stage1_rate", "lgo_benchmark"})


# ---------------------------------------------------------------- bad values are located


def copy_full(tmp_path: Path) -> Path:
    target = tmp_path / "council"
    shutil.copytree(FULL, target)
    return target


@pytest.mark.parametrize(
    "bad", ["-5", "12.345", "£1.200,50", "about £20", "1,20", "£"], ids=lambda v: repr(v)
)
def test_a_bad_amount_is_stopped_with_file_column_row_and_value(tmp_path, bad):
    council = copy_full(tmp_path)
    path = council / "raw" / "remedies.csv"
    lines = path.read_text().splitlines()
    lines[3] = f'S2,explanation,"{bad}"'  # data row 3
    path.write_text("\n".join(lines) + "\n")
    reference = load_reference(council / "authority.yml")
    with pytest.raises(InputError) as caught:
        load_extracts(council / "raw", reference, YEAR)
    [problem] = caught.value.problems or [caught.value]
    assert problem.file.endswith("remedies.csv")
    assert problem.column == "amount" and problem.rows == [3]
    assert problem.values == [bad]
    assert "pounds" in problem.message


def test_bad_dates_of_actions_are_stopped(tmp_path):
    council = copy_full(tmp_path)
    path = council / "raw" / "recommendations.csv"
    text = path.read_text().replace("2017-06-30", "2017-06-31").replace("15/05/2017", "5/13/2017")
    path.write_text(text)
    reference = load_reference(council / "authority.yml")
    with pytest.raises(InputError) as caught:
        load_extracts(council / "raw", reference, YEAR)
    found = {(p.column, tuple(p.rows), tuple(p.values)) for p in caught.value.problems}
    assert found == {("due_date", (3,), ("2017-06-31",)), ("completed_date", (2,), ("5/13/2017",))}


def test_bad_benchmark_numbers_are_stopped(tmp_path):
    council = copy_full(tmp_path)
    path = council / "raw" / "lgo_benchmark.csv"
    path.write_text(path.read_text().replace("20,10", "20.5,10"))
    reference = load_reference(council / "authority.yml")
    with pytest.raises(InputError) as caught:
        load_extracts(council / "raw", reference, YEAR)
    [problem] = caught.value.problems or [caught.value]
    assert problem.file.endswith("lgo_benchmark.csv")
    assert (problem.column, problem.rows, problem.values) == ("decisions", [2], ["20.5"])
    assert problem.message == "not a whole number"


@pytest.mark.parametrize(
    ("key", "value", "words"),
    [
        ("actions_as_at", "30/04/2017", "actions_as_at must be a date"),
        ("population", "{children: 0, source: ONS}", "population.children"),
        ("population", "{children: 48200}", "population.source"),
        ("population", "{children: 100, source: ONS, year: 2016}", "unknown key 'year'"),
        ("populaton", "{children: 100, source: ONS}", "did you mean population?"),
    ],
)
def test_bad_reference_keys_are_stopped(tmp_path, key, value, words):
    text = (MINI / "authority.yml").read_text() + f"{key}: {value}\n"
    (tmp_path / "authority.yml").write_text(text)
    with pytest.raises(InputError) as caught:
        load_reference(tmp_path / "authority.yml")
    assert words in str(caught.value)


def test_the_full_mini_council_validates_clean(tmp_path):
    from pipeline.checks.validate import validate_extracts

    report = validate_extracts(FULL / "raw", FULL / "authority.yml", YEAR, tmp_path / "out")
    assert report.success, report.summary_markdown()


def test_rules_between_the_new_values_are_located(tmp_path):
    from pipeline.checks.validate import validate_extracts

    council = copy_full(tmp_path)
    raw = council / "raw"
    benchmark_csv = raw / "lgo_benchmark.csv"
    text = benchmark_csv.read_text().replace("Test Council,", "Test County Council,")
    benchmark_csv.write_text(text.replace("30,12", "30,31"))  # Southshire: upheld > decisions
    actions = raw / "recommendations.csv"
    # E3 was commissioned on 2016-07-01: completed a day before it
    actions.write_text(actions.read_text().replace("2016-09-15", "2016-06-30"))
    report = validate_extracts(raw, council / "authority.yml", YEAR, tmp_path / "out")
    found = {(f.file, f.column, tuple(f.rows), tuple(f.values)) for f in report.failures}
    assert found == {
        ("lgo_benchmark.csv", "authority", (), ("Test Council",)),
        ("lgo_benchmark.csv", "upheld", (3,), ("31",)),
        ("recommendations.csv", "completed_date", (6,), ("2016-06-30",)),
    }
    messages = report.summary_markdown()
    assert "no row names this council" in messages
    assert "upheld is more than decisions" in messages
    assert "before the escalation's commissioned_date" in messages


# ---------------------------------------------------------------- in the report


def test_money_in_whole_pounds_and_rates_to_one_decimal():
    from pipeline.report.narrative import money, one_decimal

    assert money(1200.5) == "£1,201"  # halves up, never to even
    assert money(1450.49) == "£1,450"
    assert money(75.0) == "£75"
    assert one_decimal(3.45) == "3.5" and one_decimal(1.25) == "1.3" and one_decimal(2) == "2.0"


def test_report_sentences_of_contract_14(figures, reference):
    from pipeline.report import narrative as nar

    assert nar.payments_sentence(figures, YEAR, "statutory") == (
        "Payments were made on 2 statutory Stage 1 complaints, £1,451 in total."
    )
    assert nar.payments_sentence(figures, YEAR, "corporate") == (
        "Payments were made on 1 corporate Stage 1 complaint, £75 in total."
    )
    assert nar.rate_sentence(figures, reference, YEAR, "statutory").startswith(
        "There were 3.5 statutory Stage 1 complaints for every 10,000 children living in "
        "the area (20,000 children aged 0 to 17; source: Mid"
    )
    assert nar.actions_status_sentence(figures, reference, YEAR, "statutory") == (
        "5 actions were agreed after statutory Stage 2 investigations and Stage 3 review "
        "panels this year, published or not. By 30 April 2017, 1 (20%) had been completed, "
        "2 were overdue, 1 was open and not yet due and 1 has no due date."
    )
    assert "upheld 60% of the 10 complaints" in nar.benchmark_sentence(figures, YEAR)
    messages = nar.key_messages(figures, reference, YEAR)
    assert messages[-2:] == [
        "Of the 7 actions agreed after Stage 2 and Stage 3, 2 (29%) had been completed by "
        "30 April 2017 and 2 were overdue.",
        "The Ombudsman upheld 60% of the complaints about the council it investigated in "
        "detail, against 44% for similar councils and 58% for all councils.",
    ]


def test_a_council_without_the_inputs_gets_no_new_sentences(mini_reference):
    from pipeline.report import narrative as nar

    extracts = load_extracts(MINI / "raw", mini_reference, YEAR)
    figures = compute_figures(extracts, mini_reference, YEAR, load_history(MINI / "history"))
    for procedure in ("statutory", "corporate"):
        assert nar.payments_sentence(figures, YEAR, procedure) == ""
        assert nar.rate_sentence(figures, mini_reference, YEAR, procedure) == ""
        assert nar.actions_status_sentence(figures, mini_reference, YEAR, procedure) == ""
    assert nar.benchmark_sentence(figures, YEAR) == ""
    assert not any(
        "action" in m or "similar" in m for m in nar.key_messages(figures, mini_reference, YEAR)
    )


def test_charts_of_contract_14(figures, reference):
    from pipeline.report import charts

    bench = charts.lgo_benchmark(figures, YEAR)
    assert bench.table.rows() == [
        ("This Council", 10, "60%"),
        ("Similar Councils", 50, "44%"),
        ("All Councils", 100, "58%"),
    ]
    assert "above similar councils" in bench.title
    actions = charts.actions_status(figures, YEAR, "corporate")
    assert actions.title == "50% of the corporate actions agreed had been completed"
    assert actions.table["Number"].to_list() == [1, 0, 0, 1]
    glance = charts.five_years(figures, reference.upheld_outcomes, YEAR)
    table = {row[0]: row[1:] for row in glance.table.rows()}
    assert list(glance.table.columns) == ["Measure", "2015/16", "2016/17"]
    assert table["Stage 1 complaints, statutory"] == ("5", "7")
    assert table["Answered in time (%), statutory"] == ("[x]", "43%")
    assert table["Upheld in full or in part (%), corporate"] == ("[x]", "33%")
    assert table["Stage 2 investigations, statutory"] == ("4", "2")
    spec = glance.spec()
    assert spec["facet"]["field"] == "Measure" and spec["columns"] == 2


def test_the_spreadsheet_keeps_pounds_to_the_penny(figures, reference, tmp_path):
    import openpyxl

    from pipeline.publish.spreadsheet import write_spreadsheet

    path = write_spreadsheet(figures, tmp_path / "tables.xlsx", YEAR, reference.authority)
    book = openpyxl.load_workbook(path)
    [sheet] = [s for s in book.worksheets if "total paid" in str(s["A1"].value)]
    cells = [c for row in sheet.iter_rows() for c in row if c.value == 1450.5]
    assert len(cells) == 1 and cells[0].number_format == "£#,##0.00"


def test_the_sample_shows_its_14_values_once_the_reference_maps_them(tmp_path):
    # The sample's extracts carry action dates and one payment under headers its reference
    # does not map (its report stays the published one); mapping them reads them.
    root = Path(__file__).resolve().parent.parent
    text = (root / "data" / "reference" / "authority.yml").read_text(encoding="utf-8")
    text += (
        "columns:\n"
        "  recommendations: {due_date: Target Date, completed_date: Date Actioned}\n"
        "  remedies: {amount: Amount Paid}\n"
    )
    (tmp_path / "authority.yml").write_text(text, encoding="utf-8")
    mapped = load_reference(tmp_path / "authority.yml")
    raw = root / "data" / "raw" / YEAR
    figures = compute_figures(load_extracts(raw, mapped, YEAR), mapped, YEAR)
    assert table(figures, "actions_status")["n"].sum() == 14  # every action, published or not
    payments = table(figures, "remedy_payments").filter(pl.col("n") > 0)
    assert payments.select("n", "value").rows() == [(1, 250.0)]
    unmapped = load_reference(root / "data" / "reference" / "authority.yml")
    plain = set(compute_figures(load_extracts(raw, unmapped, YEAR), unmapped, YEAR)["table"])
    assert plain.isdisjoint({"actions_status", "remedy_payments"})


def test_templates_and_init_cover_the_new_inputs(tmp_path, mini_reference):
    import openpyxl

    from pipeline.inputs.draft import draft_reference
    from pipeline.inputs.template import write_templates

    write_templates(tmp_path, mini_reference)
    remedies = openpyxl.load_workbook(tmp_path / "remedies.xlsx").worksheets[0]
    assert [c.value for c in remedies[1]] == ["case_ref", "remedy", "amount"]
    assert remedies.column_dimensions["C"].number_format == "£#,##0.00"
    rules = {str(r.sqref): r for r in remedies.data_validations.dataValidation}
    assert (rules["C2:C1048576"].type, rules["C2:C1048576"].formula1) == ("decimal", "0")
    benchmark_sheet = openpyxl.load_workbook(tmp_path / "lgo_benchmark.xlsx").worksheets[0]
    assert [c.value for c in benchmark_sheet[1]] == [
        "authority",
        "authority_type",
        "decisions",
        "upheld",
    ]
    whole = [r for r in benchmark_sheet.data_validations.dataValidation if r.type == "whole"]
    assert {r.formula1 for r in whole} == {"0"}  # a council may have no decisions
    drafted = draft_reference(FULL / "raw")
    assert "# actions_as_at: " in drafted and "# population:" in drafted


def test_amounts_in_a_workbook_are_read_as_pounds(tmp_path):
    import xlsxwriter

    council = copy_full(tmp_path)
    (council / "raw" / "remedies.csv").unlink()
    book = xlsxwriter.Workbook(str(council / "raw" / "remedies.xlsx"))
    sheet = book.add_worksheet()
    rows = [
        ("case_ref", "remedy", "amount"),
        ("S1", "Apology", 1200.5),  # a number cell
        ("S3", "Explanation", "£250.00"),  # text typed with the pound sign
        ("C1", "Apology", 75),
    ]
    for number, row in enumerate(rows):
        sheet.write_row(number, 0, row)
    book.close()
    reference = load_reference(council / "authority.yml")
    extracts = load_extracts(council / "raw", reference, YEAR)
    assert extracts.remedies["amount"].to_list() == [1200.5, 250.0, 75.0]
