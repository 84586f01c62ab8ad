"""The QA record of a build (qa.json) and its sign-off kept by `archive`."""

from __future__ import annotations

import json
import shutil

import pytest

from conftest import ROOT
from pipeline.metrics.figures import build_figures
from pipeline.run.cli import main
from pipeline.run.qa import QA_FILE, qa_record, write_qa_record

YEAR = "2016-17"


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    out = tmp_path_factory.mktemp("build")
    build_figures(
        YEAR,
        ROOT / "data" / "raw" / YEAR,
        ROOT / "data" / "reference" / "authority.yml",
        ROOT / "data" / "history",
        out,
    )
    (out / "validation").mkdir()
    result = {"success": True, "year": YEAR, "checks": 109, "failures": [], "notes": []}
    (out / "validation" / "result.json").write_text(json.dumps(result))
    return out


def test_the_record_holds_validation_reconciliation_and_an_empty_review(folder):
    record = qa_record(folder, YEAR, "abc123")
    assert record["build_key"] == "abc123" and record["year"] == YEAR
    assert record["validation"] == {"passed": True, "checks": 109, "failures": 0}
    reconciliation = record["reconciliation"]
    assert reconciliation["published_file"] == "data/published/2016-17.csv"
    assert (reconciliation["match"], reconciliation["rounding"]) == (255, 15)
    assert (reconciliation["differ"], reconciliation["unexplained"]) == (5, 0)
    assert len(reconciliation["differences"]) == 5
    assert all(d["note"] for d in reconciliation["differences"])  # each one explained
    assert record["assumptions"] == "docs/aqa/assumptions.md"
    assert (ROOT / record["assumptions"]).is_file()
    assert record["review"] == {"reviewer": None, "signed_off": None}
    assert str(folder) not in json.dumps(record)  # no absolute path


def test_without_a_published_file_there_is_no_reconciliation(folder, tmp_path):
    assert qa_record(folder, YEAR, "k", published_dir=tmp_path)["reconciliation"] is None


def test_archive_keeps_the_record_with_the_sign_off(folder, tmp_path, capsys):
    write_qa_record(folder, YEAR, "key-1")
    history = tmp_path / "history"
    shutil.copytree(ROOT / "data" / "history", history)
    (history / f"{YEAR}.csv").unlink(missing_ok=True)
    command = ["archive", "--year", YEAR, "--figures", str(folder / "figures.csv")]
    command += ["--history", str(history)]
    assert main([*command, "--reviewer", "Head of Performance", "--signed-off", "2017-09-20"]) == 0
    kept = json.loads((history / f"{YEAR}-qa.json").read_text())
    assert kept["build_key"] == "key-1"
    assert kept["review"] == {"reviewer": "Head of Performance", "signed_off": "2017-09-20"}
    assert "fill in" not in capsys.readouterr().out


def test_archive_without_a_sign_off_leaves_the_fields_for_the_reviewer(folder, tmp_path, capsys):
    write_qa_record(folder, YEAR, "key-2")
    history = tmp_path / "history"
    history.mkdir()
    command = ["archive", "--year", YEAR, "--figures", str(folder / "figures.csv")]
    assert main([*command, "--history", str(history)]) == 0
    kept = json.loads((history / f"{YEAR}-qa.json").read_text())
    assert kept["review"] == {"reviewer": None, "signed_off": None}
    assert "fill in review.reviewer and review.signed_off" in capsys.readouterr().out


def test_archive_of_figures_without_a_record_still_archives(tmp_path, capsys):
    source = tmp_path / "out"
    source.mkdir()
    shutil.copy(ROOT / "tests" / "fixtures" / "figures.csv", source / "figures.csv")
    history = tmp_path / "history"
    history.mkdir()
    command = ["archive", "--year", YEAR, "--figures", str(source / "figures.csv")]
    assert main([*command, "--history", str(history)]) == 0
    assert (history / f"{YEAR}.csv").is_file()
    assert not (history / f"{YEAR}-qa.json").exists()
    assert f"no {QA_FILE}" in capsys.readouterr().out
