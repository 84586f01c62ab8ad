"""Step-level reuse: each step of a build reruns exactly when one of its inputs changes.

One build of the mini council (HTML only) is the starting point; each test copies it,
changes one kind of input, builds again and checks which steps ran and which were reused
(from the manifest's ``step_keys`` and the progress lines).
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from conftest import MINI, ROOT
from pipeline.run import steps
from pipeline.run.cli import main

pytestmark = pytest.mark.slow

EVERY_UNIT = {"validate", "figures", "assets", "report", "spreadsheet", "render.html"}


@pytest.fixture(scope="module")
def council(tmp_path_factory) -> Path:
    """A private copy of the mini council and of the report's prose."""
    folder = tmp_path_factory.mktemp("council")
    for name in ("raw", "history"):
        shutil.copytree(MINI / name, folder / name)
    shutil.copy(MINI / "authority.yml", folder / "authority.yml")
    shutil.copytree(ROOT / "report" / "text", folder / "text")
    return folder


def build_args(council: Path, out: Path, *extra: str) -> list[str]:
    return [
        "build",
        "--raw",
        str(council / "raw"),
        "--reference",
        str(council / "authority.yml"),
        "--history",
        str(council / "history"),
        "--text",
        str(council / "text"),
        "--out",
        str(out),
        "--to",
        "html,xlsx",
        *extra,
    ]


@pytest.fixture(scope="module")
def base(council, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("base") / "2016-17"
    assert main(build_args(council, out)) == 0
    return out


@pytest.fixture
def out(base, tmp_path) -> Path:
    """This test's copy of the base build, to rebuild into."""
    target = tmp_path / "2016-17"
    shutil.copytree(base, target)
    return target


def step_keys(out: Path) -> dict[str, dict]:
    return json.loads((out / "manifest.json").read_text())["step_keys"]


def rebuild(council: Path, out: Path, capsys) -> tuple[set[str], str]:
    """Build again; the units that ran (not reused), and what the command printed."""
    capsys.readouterr()
    assert main(build_args(council, out)) == 0
    printed = capsys.readouterr().out
    if "Nothing has changed since the last build" in printed:
        return set(), printed  # the whole build reused: its manifest is left as it was
    ran = {unit for unit, record in step_keys(out).items() if not record["reused"]}
    return ran, printed


@contextmanager
def edited(path: Path, change) -> Iterator[None]:
    """Change a file for the duration of a test (``change`` maps old text to new)."""
    original = path.read_bytes()
    path.write_text(change(original.decode("utf-8")), encoding="utf-8")
    try:
        yield
    finally:
        path.write_bytes(original)


def test_first_build_ran_every_step_and_records_keys(base):
    records = step_keys(base)
    assert set(records) == EVERY_UNIT
    assert all(not r["reused"] and len(r["key"]) == 64 for r in records.values())
    assert records["figures"]["outputs"] == [
        "figures.csv",
        "figures.parquet",
        "figures-published.csv",
        "history-notes.yml",
        "notebooks/figures.ipynb",
    ]


def test_nothing_changed_reuses_the_whole_build(council, out, capsys):
    before = (out / "manifest.json").read_bytes()
    ran, printed = rebuild(council, out, capsys)
    assert "reusing" in printed
    assert (out / "manifest.json").read_bytes() == before


def stamp(path: Path) -> int:
    """Modification time: kept when a file is carried over, new when it is written."""
    return path.stat().st_mtime_ns


def test_prose_edit_reruns_only_report_and_render(council, out, capsys):
    sentence = "A sentence added to the commentary by the reuse test."
    charts_before = {p.name: stamp(p) for p in (out / "charts").glob("*.svg")}
    with edited(council / "text" / "commentary.md", lambda text: f"{text}\n{sentence}\n"):
        ran, printed = rebuild(council, out, capsys)
    assert ran == {"report", "render.html"}
    for step in ("validate", "figures", "assets"):
        assert f"reused {step}" in " ".join(printed.split()), step
    assert sentence in (out / "annual-report.html").read_text(encoding="utf-8")
    # the report kept every chart's SVG: the files carried over from the last build
    used = set(steps.CHART_FILE.findall((out / "annual-report.ipynb").read_text()))
    assert len(used) > 10 and set(charts_before) == used
    assert {p.name: stamp(p) for p in (out / "charts").glob("*.svg")} == charts_before


def test_extract_change_reruns_every_data_step(council, out, base, capsys):
    charts = out / "charts"
    outcome, compliments = "stage1-outcome-statutory.svg", "compliments-by-service.svg"
    before = {
        name: (stamp(charts / name), (charts / name).read_bytes())
        for name in (outcome, compliments)
    }
    # S1's outcome: Upheld -> Not Upheld changes the Stage 1 outcome figures
    with edited(
        council / "raw" / "complaints.csv",
        lambda text: text.replace(
            "alpha,Case Management,Upheld,", "alpha,Case Management,Not Upheld,"
        ),
    ):
        ran, _ = rebuild(council, out, capsys)
    assert ran == {"validate", "figures", "spreadsheet", "report", "render.html"}
    assert (out / "figures.csv").read_bytes() != (base / "figures.csv").read_bytes()
    # the outcome chart was drawn again; the compliments chart, unchanged, was kept
    assert (charts / outcome).read_bytes() != before[outcome][1]
    assert stamp(charts / compliments) == before[compliments][0]


def test_published_text_only_change_reruns_the_report_not_the_figures_output(
    council, out, base, capsys
):
    new = "Thank you for the patient help with the move to a new school."
    with edited(
        council / "raw" / "compliments.csv",
        lambda text: text.replace("Thank you for listening to our son.", new),
    ):
        ran, _ = rebuild(council, out, capsys)
    # the extract's bytes changed, so validation and figures ran again, and gave the
    # same figures (so the spreadsheet was reused); the report ran for the published text
    assert ran == {"validate", "figures", "report", "render.html"}
    assert (out / "figures.csv").read_bytes() == (base / "figures.csv").read_bytes()
    assert new in (out / "annual-report.html").read_text(encoding="utf-8")


def test_reference_change_reruns_every_data_step(council, out, capsys):
    with edited(council / "authority.yml", lambda text: text + "\n# checked by the reuse test\n"):
        ran, _ = rebuild(council, out, capsys)
    assert ran == {"validate", "figures", "spreadsheet", "report", "render.html"}


def test_history_change_reruns_figures_report_and_render_not_validation(council, out, capsys):
    with edited(council / "history" / "2015-16.csv", lambda text: text + "\n"):
        ran, _ = rebuild(council, out, capsys)
    # a blank line: the figures ran again and came out the same, so the spreadsheet was
    # reused; the report ran because its provenance appendix lists the history's checksums
    assert ran == {"figures", "report", "render.html"}


def test_suite_change_reruns_only_validation(council, out, capsys, tmp_path, monkeypatch):
    suites = tmp_path / "expectations"
    shutil.copytree(ROOT / "expectations", suites)
    monkeypatch.setattr(steps, "SUITES_DIR", suites)
    ran, _ = rebuild(council, out, capsys)
    assert ran == set(), "the same suites elsewhere give the same key"

    path = suites / "duty.json"
    path.write_text(path.read_text() + "\n")
    ran, _ = rebuild(council, out, capsys)
    # validation ran again and its summary did not change, so the report was reused
    assert ran == {"validate"}


def test_quarto_configuration_change_reruns_only_render(
    council, out, capsys, tmp_path, monkeypatch
):
    config = tmp_path / "_quarto.yml"
    config.write_text((ROOT / "_quarto.yml").read_text() + "\n# edited by the reuse test\n")
    monkeypatch.setattr(steps, "QUARTO_CONFIG", config)
    ran, printed = rebuild(council, out, capsys)
    assert ran == {"render.html"}
    assert "Reused (inputs unchanged): validate, figures, assets, report, spreadsheet." in " ".join(
        printed.split()
    )


def test_force_reruns_every_step(council, out, capsys):
    capsys.readouterr()
    assert main(build_args(council, out, "--force")) == 0
    assert not any(r["reused"] for r in step_keys(out).values())


# ---------------------------------------------------------------- what a step's key covers


def test_each_step_hashes_the_code_it_runs():
    code = {
        step.name: {p.relative_to(ROOT).as_posix() for p in step.code()} for step in steps.STEPS
    }
    assert {"pipeline/checks/validate.py", "notebooks/validate.ipynb"} <= code["validate"]
    assert {
        "pipeline/metrics/figures.py",
        "pipeline/metrics/workdays.py",
        "notebooks/figures.ipynb",
    } <= code["figures"]
    assert {
        "pipeline/report/charts.py",
        "pipeline/report/narrative.py",
        "report/annual-report.ipynb",
    } <= code["report"]
    assert "pipeline/publish/render.py" in code["render"]
    # a step does not depend on code it never runs
    assert "pipeline/report/charts.py" not in code["validate"] | code["figures"]
    assert "pipeline/metrics/figures.py" not in code["validate"]
    assert "pipeline/checks/validate.py" not in code["figures"] | code["report"] | code["render"]


def test_imported_modules_reads_every_import_form():
    source = "\n".join(
        [
            "import os",
            "import pipeline.inputs.load",
            "from pipeline.report import charts, narrative as nar",
            "from pipeline import PROJECT_ROOT",
            "from pipeline.inputs.reference import OUTCOMES",
            "def later():",
            "    from pipeline.report.narrative import emit",
        ]
    )
    assert steps.imported_modules(source) == {
        "pipeline",
        "pipeline.inputs.load",
        "pipeline.report",
        "pipeline.report.charts",
        "pipeline.report.narrative",
        "pipeline.PROJECT_ROOT",  # not a module: code_closure finds no file for it
        "pipeline.inputs.reference",
        "pipeline.inputs.reference.OUTCOMES",
        "pipeline.report.narrative.emit",
    }
    assert steps.module_file("pipeline.PROJECT_ROOT") is None
    assert steps.module_file("pipeline.inputs.reference.OUTCOMES") is None
    assert steps.module_file("pipeline.report") == steps.PACKAGE_DIR / "report" / "__init__.py"
    assert steps.module_file("pipeline.report.charts") == steps.PACKAGE_DIR / "report" / "charts.py"


def test_notebook_hash_ignores_run_times(tmp_path):
    cell = {
        "cell_type": "code",
        "source": "x = 1",
        "metadata": {"papermill": {"start_time": "2026-01-01T00:00:00"}},
        "outputs": [{"output_type": "display_data", "data": {"text/markdown": "x"}}],
        "execution_count": 1,
    }
    first, second = tmp_path / "a.ipynb", tmp_path / "b.ipynb"
    first.write_text(json.dumps({"cells": [cell], "metadata": {"papermill": {"duration": 1}}}))
    later = {**cell, "metadata": {"papermill": {"start_time": "2026-02-02T00:00:00"}}}
    second.write_text(json.dumps({"cells": [later], "metadata": {"papermill": {"duration": 2}}}))
    assert steps.notebook_content_hash(first) == steps.notebook_content_hash(second)
    changed = {**cell, "outputs": [{"output_type": "display_data", "data": {"text/markdown": "y"}}]}
    second.write_text(json.dumps({"cells": [changed], "metadata": {}}))
    assert steps.notebook_content_hash(first) != steps.notebook_content_hash(second)
