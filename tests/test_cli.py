"""The complaints-report commands that need no rendering: figures, reconcile, synth, archive."""

from __future__ import annotations

import shutil
from pathlib import Path

import polars as pl
import pytest

from conftest import MINI, ROOT
from pipeline.run.cli import main


@pytest.fixture(scope="module")
def sample_figures(tmp_path_factory) -> Path:
    """figures.csv of the shipped sample, made through the Papermill notebook."""
    out = tmp_path_factory.mktemp("sample")
    status = main(["figures", "--out", str(out), "--skip-validation"])
    assert status == 0
    return out / "figures.csv"


def test_figures_keeps_the_executed_notebook(sample_figures):
    out = sample_figures.parent
    assert (out / "figures.parquet").is_file()
    assert (out / "notebooks" / "figures.ipynb").is_file()
    figures = pl.read_csv(sample_figures)
    lgo = figures.filter(pl.col("table") == "feedback_total", pl.col("category") == "Ombudsman")
    assert lgo["n"].to_list() == [31]


def test_reconcile_exits_0_when_every_difference_is_explained(sample_figures, capsys):
    assert main(["reconcile", "--figures", str(sample_figures)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[-1].startswith("reconcile: ") and lines[-1].endswith(" differ")
    assert (sample_figures.parent / "reconciliation.csv").is_file()


def test_reconcile_exits_1_on_an_unexplained_difference(sample_figures, tmp_path, capsys):
    published = (ROOT / "data" / "published" / "2016-17.csv").read_text()
    changed = published.replace(
        "duty_by_year,2016-17,,,,,,210,,", "duty_by_year,2016-17,,,,,,211,,", 1
    )
    assert changed != published
    (tmp_path / "published.csv").write_text(changed)
    status = main(
        [
            "reconcile",
            "--figures",
            str(sample_figures),
            "--published",
            str(tmp_path / "published.csv"),
        ]
    )
    assert status == 1
    assert "duty_by_year" in capsys.readouterr().err


def mini_raw_with(tmp_path: Path, file: str, old: str, new: str) -> Path:
    """A copy of the mini council's extracts with one value changed."""
    raw = tmp_path / "raw"
    shutil.copytree(MINI / "raw", raw)
    text = (raw / file).read_text()
    assert old in text
    (raw / file).write_text(text.replace(old, new, 1))
    return raw


def mini_figures_args(raw: Path, out: Path) -> list[str]:
    return [
        "figures",
        "--raw",
        str(raw),
        "--reference",
        str(MINI / "authority.yml"),
        "--out",
        str(out),
    ]


def test_figures_reports_bad_data_with_exit_2(tmp_path, capsys):
    raw = mini_raw_with(tmp_path, "duty.csv", "2016-11-11", "12/31/2016")
    out = tmp_path / "out"
    assert main([*mini_figures_args(raw, out), "--skip-validation"]) == 2
    err = capsys.readouterr().err
    assert "duty.csv, row 2, column received_date" in err
    assert not (out / "figures.csv").exists()
    assert (out / "notebooks" / "figures.failed.ipynb").is_file()


def test_synth_refuses_a_year_without_calibration(tmp_path, capsys):
    assert main(["synth", "--year", "2017-18", "--out", str(tmp_path / "x")]) == 1
    assert "synth:" in capsys.readouterr().err


def test_archive_copies_one_year_and_refuses_to_overwrite(sample_figures, tmp_path):
    history = tmp_path / "history"
    args = ["archive", "--year", "2016-17", "--figures", str(sample_figures)]
    assert main([*args, "--history", str(history)]) == 0
    archived = pl.read_csv(history / "2016-17.csv")
    assert set(archived["year"].cast(pl.String)) == {"2016-17"}
    assert main([*args, "--history", str(history)]) == 1
    assert main([*args, "--history", str(history), "--force"]) == 0


def test_archived_year_feeds_next_years_comparison(sample_figures, tmp_path, sample_reference):
    from pipeline.inputs.load import load_extracts
    from pipeline.metrics.figures import compute_figures, load_history
    from pipeline.run.build import archive_year

    history = tmp_path / "history"
    shutil.copytree(ROOT / "data" / "history", history)
    archive_year("2016-17", sample_figures, history)
    # Pretend the same extract came in for 2017-18: every count is unchanged.
    extracts = load_extracts(ROOT / "data" / "raw" / "2016-17", sample_reference, "2016-17")
    figures = compute_figures(extracts, sample_reference, "2017-18", load_history(history))
    change = figures.filter(pl.col("table") == "year_on_year", pl.col("year") == "2017-18")
    assert change["pct"].to_list() == [0.0, 0.0, 0.0, 0.0, 0.0]


def test_figures_refuses_data_that_fails_validation(tmp_path, capsys):
    raw = mini_raw_with(
        tmp_path, "compliments.csv", "South Services,Gamma Team", "South Services,Delta Team"
    )
    out = tmp_path / "out"
    args = mini_figures_args(raw, out)
    assert main(args) == 2
    captured = capsys.readouterr()
    assert "compliments.csv" in captured.out and "Delta Team" in captured.out
    assert "failed validation" in captured.err and "--skip-validation" in captured.err
    assert not (out / "figures.csv").exists()
    assert main([*args, "--skip-validation"]) == 0
    assert (out / "figures.csv").is_file()


# ---------------------------------------------------------------- run outside the project


def test_missing_reference_names_the_full_path_tried(tmp_path):
    from pipeline.errors import InputError
    from pipeline.inputs.reference import load_reference

    with pytest.raises(InputError) as caught:
        load_reference(Path("nowhere") / "authority.yml")
    assert str(Path("nowhere/authority.yml").resolve()) in caught.value.message
    assert "--reference" in caught.value.message


@pytest.mark.parametrize("command", ["build", "preview"])
def test_command_run_outside_the_project_says_which_reference_it_looked_for(
    command, tmp_path, monkeypatch, capsys
):
    monkeypatch.chdir(tmp_path)  # the default data/reference/authority.yml is not here
    raw = ROOT / "data" / "raw" / "2016-17"
    assert main([command, "--raw", str(raw), "--out", str(tmp_path / "out")]) == 2
    error = capsys.readouterr().err
    tried = tmp_path / "data" / "reference" / "authority.yml"
    assert f"reference file not found (looked for {tried})" in error
    assert "give its path with --reference" in error
    assert not (tmp_path / "out").exists()
