"""Validation: the sample passes, every bad variant is caught at the right file, column, row."""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path

import polars as pl
import pytest

from pipeline.checks.validate import (
    SharedDomains,
    frames_to_check,
    run_suites,
    run_validate_cli,
    suite_parameters,
    validate_extracts,
    validation_passed,
    without_free_text,
    year_bounds,
)
from pipeline.inputs.load import read_extracts

sys.path.insert(0, str(Path(__file__).resolve().parent / "bad_inputs"))
from apply import apply_variant, load_variants  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "data" / "raw" / "2016-17"
REFERENCE = ROOT / "data" / "reference" / "authority.yml"
VARIANTS = load_variants()


def _variant_ids(kind: str) -> list:
    return [pytest.param(v, id=v["name"]) for v in VARIANTS[kind]]


@pytest.fixture(scope="module")
def clean_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("clean")
    return out, validate_extracts(SAMPLE, REFERENCE, "2016-17", out)


def test_sample_validates_clean_with_data_docs(clean_run):
    out, report = clean_run
    assert report.success, report.summary_markdown()
    assert report.checks > 60
    assert (out / "validation" / "data_docs" / "index.html").read_text().startswith("<!")
    assert validation_passed(out) is True
    result = json.loads((out / "validation" / "result.json").read_text())
    assert result["success"] is True and result["failures"] == [] and result["year"] == "2016-17"
    ge = json.loads((out / "validation" / "ge_results.json").read_text())
    assert len(ge["validation_results"]) == 14  # with lgo_benchmark, recommendation_dates
    assert "PASSED" in (out / "validation" / "summary.md").read_text()


@pytest.mark.parametrize("variant", _variant_ids("fail"))
def test_bad_variant_is_reported_at_file_column_row(variant, tmp_path):
    edited = apply_variant(SAMPLE, tmp_path / "raw", variant)
    report = validate_extracts(tmp_path / "raw", REFERENCE, "2016-17", tmp_path / "out")
    expect = variant["expect"]
    row = edited if expect["row"] == "edited" else expect["row"]
    assert not report.success
    assert validation_passed(tmp_path / "out") is False
    matching = [
        f
        for f in report.failures
        if f.file == expect["file"]
        and f.column == expect["column"]
        and (row in f.rows if row is not None else not f.rows)
    ]
    assert matching, report.summary_markdown()
    assert expect.get("message", "") in matching[0].message, matching[0].message
    # one defect, one reported failure (a duplicate names both rows of the pair)
    assert len(report.failures) == 1, report.summary_markdown()
    summary = (tmp_path / "out" / "validation" / "summary.md").read_text()
    assert f"**{expect['file']}**" in summary
    if row is not None:
        assert str(row) in summary


@pytest.mark.parametrize("variant", _variant_ids("pass"))
def test_allowed_variant_passes(variant, tmp_path):
    apply_variant(SAMPLE, tmp_path / "raw", variant)
    report = validate_extracts(tmp_path / "raw", REFERENCE, "2016-17", tmp_path / "out")
    assert report.success, report.summary_markdown()
    if "separator" in variant:  # read with its own separator, and the summary says so
        (note,) = report.notes
        assert note.startswith(variant["file"]) and "not commas: read as such" in note
        assert f"Note: {note}" in report.summary_markdown()


def test_summary_lists_rows_and_up_to_ten_values(tmp_path):
    raw = tmp_path / "raw"
    apply_variant(SAMPLE, raw, {"name": "copy", "file": "duty.csv", "header_only": False})
    lines = (raw / "duty.csv").read_text().splitlines()
    bad = [",".join([f"DX-{i}", "2016-05-01", f"Category {i}"]) for i in range(12)]
    (raw / "duty.csv").write_text("\n".join([*lines, *bad]) + "\n")
    report = validate_extracts(raw, REFERENCE, "2016-17", tmp_path / "out")
    (failure,) = report.failures
    first = len(lines)  # header + n data rows -> first added row is n + 1
    assert failure.rows == list(range(first, first + 12))
    assert failure.values == [f"Category {i}" for i in range(10)]
    assert failure.column == "category"


def test_failed_run_leaves_previous_outputs_untouched(tmp_path, monkeypatch):
    out = tmp_path / "out"
    validate_extracts(SAMPLE, REFERENCE, "2016-17", out)
    before = (out / "validation" / "result.json").read_text()

    def crash(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr("pipeline.checks.validate.run_suites", crash)
    with pytest.raises(RuntimeError):
        validate_extracts(SAMPLE, REFERENCE, "2016-17", out)
    assert (out / "validation" / "result.json").read_text() == before
    assert [p.name for p in out.iterdir()] == ["validation"]


def test_validation_passed_is_none_without_a_run(tmp_path):
    assert validation_passed(tmp_path) is None


def test_suite_parameters_come_from_reference_and_year(sample_reference):
    params = suite_parameters(sample_reference, "2017-18")
    assert params["year_start"] == "2017-04-01T00:00:00"
    assert params["year_end"] == "2018-03-31T00:00:00"
    assert "SEND Teams" in params["teams"] and "SEND Team" not in params["teams"]
    assert params["duty_categories"][0] == "Advice and Signposting"


def test_year_must_be_a_financial_year():
    assert str(year_bounds("1999-00")[1]) == "2000-03-31"
    with pytest.raises(ValueError):
        year_bounds("2016-18")


def test_suites_hold_no_council_values():
    text = "".join(p.read_text() for p in (ROOT / "expectations").glob("*.json"))
    assert "SEND Teams" not in text and "Explanation" not in text and "2016-04-01" not in text
    assert '"$PARAMETER": "teams"' in text
    # outcomes and findings are the council's too (contract 1.2): parameters, not lists
    assert "Partially Upheld" not in text and "Maladministration" not in text
    assert '"$PARAMETER": "outcomes"' in text and '"$PARAMETER": "lgo_findings"' in text


def test_committed_suites_match_their_definitions(tmp_path):
    sys.path.insert(0, str(ROOT / "expectations"))
    from build_suites import write_suites

    for path in write_suites(tmp_path):
        committed = ROOT / "expectations" / path.name
        assert json.loads(path.read_text()) == json.loads(committed.read_text()), path.name


@pytest.mark.slow
def test_cli_runs_the_notebook_and_maps_exit_status(tmp_path, capsys):
    assert run_validate_cli("2016-17", SAMPLE, REFERENCE, tmp_path / "good") == 0
    assert "PASSED" in capsys.readouterr().out
    executed = json.loads((tmp_path / "good" / "notebooks" / "validate.ipynb").read_text())
    assert any(c["outputs"] for c in executed["cells"] if c["cell_type"] == "code")

    variant = next(v for v in VARIANTS["fail"] if v["name"] == "unknown_nature")
    apply_variant(SAMPLE, tmp_path / "raw", variant)
    assert run_validate_cli("2016-17", tmp_path / "raw", REFERENCE, tmp_path / "bad") == 2
    printed = capsys.readouterr().out
    assert "**complaints.csv**, column `nature`, row 8" in printed


@pytest.mark.slow
def test_cli_reports_load_errors_without_traceback(tmp_path, capsys):
    variant = next(v for v in VARIANTS["fail"] if v["name"] == "us_order_date")
    apply_variant(SAMPLE, tmp_path / "raw", variant)
    assert run_validate_cli("2016-17", tmp_path / "raw", REFERENCE, tmp_path / "out") == 2
    printed = capsys.readouterr()
    assert "column `received_date`, row 9" in printed.out and "'12/31/2016'" in printed.out
    assert "Traceback" not in printed.out + printed.err


def test_suite_parameters_hold_the_complainant_types(sample_reference):
    params = suite_parameters(sample_reference, "2016-17")
    assert params["complainant_types"] == ["Young Person", "Advocate", "Parent", "Carer", "Other"]


def test_complainant_type_not_checked_without_the_reference_list(tmp_path):
    # contract 4.1: without `complainant_types` the column is an ignored extra column
    text = REFERENCE.read_text()
    start = text.index("complainant_types:")
    end = text.index("\n\n", start)
    (tmp_path / "authority.yml").write_text(text[:start] + text[end + 2 :])
    raw = tmp_path / "raw"
    variant = {"name": "junk", "file": "complaints.csv", "row": 2, "set": {"complainant_type": "?"}}
    apply_variant(SAMPLE, raw, variant)
    report = validate_extracts(raw, tmp_path / "authority.yml", "2016-17", tmp_path / "out")
    assert report.success, report.summary_markdown()
    with_list = validate_extracts(raw, REFERENCE, "2016-17", tmp_path / "out2")
    assert [(f.column, f.rows, f.values) for f in with_list.failures] == [
        ("complainant_type", [2], ["?"])
    ]


def _spoilt(frame: pl.DataFrame) -> pl.DataFrame:
    """Every checked column with empty cells (every 7th row), an odd value (every 11th:
    a control character, 1999, -5, True) and the first row's value (every 13th), the
    rows shifted by the column's position so that the columns of a pair differ."""
    odd = {pl.String: "odd\x01", pl.Date: dt.date(1999, 1, 1), pl.Boolean: True}
    row = pl.int_range(pl.len())
    return frame.with_columns(
        pl.when((row + i) % 7 == 3)
        .then(None)
        .when((row + i) % 11 == 5)
        .then(pl.lit(odd.get(kind, -5)).cast(kind))
        .when((row + i) % 13 == 6)
        .then(pl.col(name).first())
        .otherwise(pl.col(name))
        .alias(name)
        for i, (name, kind) in enumerate(frame.schema.items())
        if name not in ("_row", "_file")
    )


def test_shared_domains_give_ge_own_results(sample_reference, tmp_path, monkeypatch):
    """The engine's records cut to the checked columns and computed once per domain give
    the results of GE's own method, failures, rows, values and counts alike."""
    extracts, _ = read_extracts(SAMPLE, sample_reference)
    frames = frames_to_check(without_free_text(extracts), sample_reference)
    frames = {name: _spoilt(frame) for name, frame in frames.items()}
    closed = pl.when(pl.int_range(pl.len()) % 5 == 0).then(pl.lit("closed"))
    frames["complaints"] = frames["complaints"].with_columns(
        closed.otherwise(pl.col("outcome_kind")).alias("outcome_kind")
    )
    parameters = suite_parameters(sample_reference, "2016-17")

    def results(out: Path) -> list:
        checked = run_suites(frames, parameters, out)
        suites = [r.to_json_dict()["results"] for r in checked.run_results.values()]
        for result in (r for suite in suites for r in suite):
            del result["expectation_config"]["id"]  # new with each run's context
        return suites

    shared = results(tmp_path / "shared")
    monkeypatch.setattr(
        SharedDomains, "domain_records", lambda self, domain_kwargs: self.records(domain_kwargs)
    )
    assert shared == results(tmp_path / "own")
    failed = [r for suite in shared for r in suite if not r["success"]]
    kinds = {r["expectation_config"]["type"] for r in failed}
    assert len(failed) > 100 and not any(r["exception_info"]["raised_exception"] for r in failed)
    assert {
        "expect_column_pair_values_a_to_be_greater_than_b",
        "expect_compound_columns_to_be_unique",
        "expect_column_values_to_be_null",
    } <= kinds
    with_condition = [r for r in failed if "row_condition" in r["expectation_config"]["kwargs"]]
    assert len(with_condition) == 4
