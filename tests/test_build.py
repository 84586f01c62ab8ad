"""The one-command build: outputs, manifest, reuse, rebuild on change, safety when killed."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import ROOT
from pipeline.inputs.placeholders import text_placeholders
from pipeline.run.build import BuildOptions, leftovers
from pipeline.run.cli import build_parser, main

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def raw(tmp_path_factory) -> Path:
    """A private copy of the sample extracts that tests may change."""
    folder = tmp_path_factory.mktemp("raw") / "2016-17"
    shutil.copytree(ROOT / "data" / "raw" / "2016-17", folder)
    return folder


@pytest.fixture(scope="module")
def text(tmp_path_factory) -> Path:
    """The report's prose without its lines of placeholder prose, if any are left (a build
    with --published refuses them; see pipeline/inputs/placeholders.py)."""
    folder = tmp_path_factory.mktemp("text")
    shutil.copytree(ROOT / "report" / "text", folder, dirs_exist_ok=True)
    for hit in text_placeholders(folder):
        lines = hit.file.read_text(encoding="utf-8").splitlines(keepends=True)
        lines[hit.line - 1] = "\n"
        hit.file.write_text("".join(lines), encoding="utf-8")
    assert text_placeholders(folder) == []
    return folder


def publish_command(raw: Path, out: Path, text: Path) -> list[str]:
    """The sample's build as it goes to committee: dated, its prose in ``text``."""
    return ["build", "--raw", str(raw), "--out", str(out), "--text", str(text)] + [
        "--published",
        "2017-09-28",
    ]


@pytest.fixture(scope="module")
def built(raw, text, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("build") / "2016-17"
    assert main(publish_command(raw, out, text)) == 0
    return out


def manifest(out: Path) -> dict:
    return json.loads((out / "manifest.json").read_text())


def test_build_writes_report_figures_and_audit_trail(built):
    for name in (
        "annual-report.html",
        "annual-report.pdf",
        "annual-report.docx",
        "annual-report-tables.xlsx",
        "figures.csv",
        "figures.parquet",
        "figures-published.csv",
    ):
        assert (built / name).is_file(), name
    for step in ("validate", "figures", "annual-report"):
        assert (built / "notebooks" / f"{step}.ipynb").is_file(), step
    assert (built / "validation" / "summary.md").is_file()
    assert not leftovers(built)
    qa = json.loads((built / "qa.json").read_text())  # the QA record (docs/aqa)
    assert qa["build_key"] == manifest(built)["build_key"]
    assert qa["validation"]["passed"] is True
    assert qa["reconciliation"]["unexplained"] == 0


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext (poppler-utils) missing")
def test_sample_pdf_holds_the_published_key_figures(built):
    text = subprocess.run(
        ["pdftotext", "-layout", str(built / "annual-report.pdf"), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    for figure in ("91", "132", "210", "195", "57%"):
        assert figure in text, figure
    assert "Example County Council" in text


# The two tests below read the first build: later tests rebuild it as HTML only.


def _plain(text: str) -> str:
    """Text with typographic quotes made plain, list bullets dropped and all runs of white
    space one space."""
    text = text.replace("\u2019", "'").replace("\u2018", "'").replace("\u2022", " ")
    return " ".join(text.split())


def _html_text(html_path: Path) -> str:
    import re
    from html import unescape

    page = html_path.read_text(encoding="utf-8")
    page = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.S)
    return _plain(unescape(re.sub(r"<[^>]+>", " ", page)))


SAMPLE_KEY_MESSAGES = (
    "The council received 91 complaints at Stage 1 of the statutory children's complaints "
    "procedure in 2016/17, 20 more than in 2015/16 (an increase of 28%).",
    "The council received 132 complaints at Stage 1 of its corporate complaints procedure "
    "in 2016/17, 21 more than in 2015/16 (an increase of 19%).",
    "52 of the 91 statutory complaints (57%) were answered within the time limit of 20 "
    "working days, and 83 of the 132 corporate complaints (63%) within 15 working days.",
    "At Stage 2, 8 of the 9 statutory investigations (89%) were completed within 65 working "
    "days, and 3 of the 5 corporate reviews (60%) within 25 working days.",
    "Of the 91 statutory complaints, 54 (59%) were upheld in full or in part, as were 75 of "
    "the 132 corporate complaints (57%).",
    "The Ombudsman investigated 14 complaints about the council's children's services in "
    "detail and found fault in 5 of 14 (36%). Its 31 decisions: after an investigation, "
    "No Fault (9) and Maladministration and Injustice (5); without one, Refusal to "
    "Investigate (9), Investigation Commenced (3) and Premature Complaint (5), which decide "
    "nothing about fault.",
    "Children and young people, or advocates speaking for them, made 20 of the 91 statutory "
    "complaints (22%).",
)
SAMPLE_NEW_SECTIONS = (
    "Who complained Children and young people, or advocates speaking for them, made 20 of "
    "the 91 statutory Stage 1 complaints (22%). Who complained was not recorded for 3 "
    "complaints.",
    "The median time to answer a complaint was 19 working days",
    "The median time to answer a complaint was 13 working days",
    "Time taken to complete statutory Stage 2 investigations 8 of the 9 statutory Stage 2 "
    "investigations (89%) were completed within 65 working days, and 3 (33%) within 25.",
    "Time taken to complete corporate Stage 2 reviews 3 of the 5 corporate Stage 2 reviews "
    "(60%) were completed within 25 working days.",
    "Median response time The median response time is the middle value",
)


def _assert_key_messages_first(text: str) -> None:
    # the first section, before the introduction (in the PDF: the cover)
    start = text.index("Key messages " + SAMPLE_KEY_MESSAGES[0])
    positions = [text.index(message, start) for message in SAMPLE_KEY_MESSAGES]
    assert positions == sorted(positions)
    assert positions[-1] < text.index("This report covers 2016/17")
    assert text.index("Introduction", positions[-1]) < text.index("This report covers 2016/17")
    for sentence in SAMPLE_NEW_SECTIONS:
        assert sentence in text, sentence


def test_sample_html_opens_with_key_messages_and_shows_the_new_sections(built):
    _assert_key_messages_first(_html_text(built / "annual-report.html"))


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext (poppler-utils) missing")
def test_sample_pdf_opens_with_key_messages_and_shows_the_new_sections(built):
    text = subprocess.run(
        ["pdftotext", str(built / "annual-report.pdf"), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    _assert_key_messages_first(_plain(text))
    assert _plain(text).count("Key messages") == 1  # on the cover, not in the body
    cover = _plain(
        subprocess.run(
            ["pdftotext", "-f", "1", "-l", "1", str(built / "annual-report.pdf"), "-"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    )
    assert cover.count("Key messages") == 1
    for message in SAMPLE_KEY_MESSAGES:
        assert message in cover, message
        assert _plain(text).count(message) == 1, message  # not again after the cover


def test_manifest_records_inputs_versions_renderer_and_steps(built, raw):
    data = manifest(built)
    inputs = data["inputs"]
    complaints = next(k for k in inputs if k.endswith("complaints.csv"))
    import hashlib

    assert inputs[complaints] == hashlib.sha256((raw / "complaints.csv").read_bytes()).hexdigest()
    assert any(k.endswith("authority.yml") for k in inputs)
    assert any(k.endswith("2015-16.csv") for k in inputs)
    assert any(k.endswith("commentary.md") for k in inputs)  # the prose, wherever it is
    assert {"python", "polars", "great_expectations", "altair", "typst"} <= set(data["versions"])
    assert set(data["steps"]) == {
        "validate",
        "figures",
        "assets",
        "report",
        "spreadsheet",
        "render",
    }
    assert set(data["step_keys"]) == {
        "validate",
        "figures",
        "assets",
        "report",
        "spreadsheet",
        "render.html",
        "render.pdf",
        "render.docx",
    }
    assert not any(record["reused"] for record in data["step_keys"].values())
    assert data["renderer"]["name"].startswith("quarto" if shutil.which("quarto") else "pandoc")
    assert data["parameters"]["year"] == "2016-17"
    assert data["outputs"] == {
        "html": "annual-report.html",
        "pdf": "annual-report.pdf",
        "docx": "annual-report.docx",
        "xlsx": "annual-report-tables.xlsx",
    }


def _document_texts(out: Path) -> dict[str, str]:
    """The text of every output a reader gets, by file name (PDF and Word as their text)."""
    from docx import Document
    from openpyxl import load_workbook

    texts = {
        name: (out / name).read_text(encoding="utf-8")
        for name in ("annual-report.html", "figures.csv")
    }
    data = manifest(out)
    texts["manifest.json (published parts)"] = json.dumps(
        {key: data[key] for key in ("parameters", "inputs", "outputs")}
    )
    document = Document(str(out / "annual-report.docx"))
    cells = [c.text for t in document.tables for row in t.rows for c in row.cells]
    texts["annual-report.docx"] = "\n".join([p.text for p in document.paragraphs] + cells)
    book = load_workbook(out / "annual-report-tables.xlsx", read_only=True)
    texts["annual-report-tables.xlsx"] = "\n".join(
        str(value)
        for sheet in book.worksheets
        for row in sheet.iter_rows(values_only=True)
        for value in row
        if value is not None
    )
    if shutil.which("pdftotext"):
        texts["annual-report.pdf"] = subprocess.run(
            ["pdftotext", str(out / "annual-report.pdf"), "-"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    return texts


def test_no_output_names_an_absolute_path(built, raw):
    """Extracts and output outside the project: every output names files relative to the
    project or to the extract folder (an absolute path shows whose laptop built it)."""
    squeezed = {
        name: "".join(text.split()).replace("\u200b", "")
        for name, text in _document_texts(built).items()
    }
    for folder in (ROOT, raw.parent, built.parent):
        for name, text in squeezed.items():
            assert str(folder) not in text, f"{name} holds {folder}"
    inputs = manifest(built)["inputs"]
    assert "2016-17/complaints.csv" in inputs and "data/reference/authority.yml" in inputs
    assert manifest(built)["parameters"]["raw"] == "2016-17"
    assert "2016-17/complaints.csv" in squeezed["annual-report.docx"]  # Appendix C


def test_build_writes_word_and_the_spreadsheet_by_default():
    args = build_parser().parse_args(["build"])
    assert args.to == "html,pdf,docx,xlsx" and args.published is None
    options = BuildOptions("2016-17", Path("r"), Path("a"), Path("h"), Path("o"))
    assert options.formats == ("html", "pdf", "docx", "xlsx")
    assert options.parameters()["published"] is None


def test_the_date_of_publication_is_a_parameter_of_the_build(capsys):
    from datetime import date

    from pipeline.run.build import provenance_material

    args = build_parser().parse_args(["build", "--published", "2017-09-28"])
    assert args.published == date(2017, 9, 28)
    render_args = build_parser().parse_args(["render", "--published", "2017-09-28"])
    assert render_args.published == date(2017, 9, 28)
    with pytest.raises(SystemExit) as stopped:
        build_parser().parse_args(["build", "--published", "28/09/2017"])
    assert stopped.value.code == 2
    assert "'28/09/2017' is not a date: write it as YYYY-MM-DD" in capsys.readouterr().err
    undated = BuildOptions("2016-17", Path("r"), Path("a"), Path("h"), Path("o"))
    dated = BuildOptions(**{**vars(undated), "published": date(2017, 9, 28)})
    assert dated.parameters()["published"] == "2017-09-28"
    # the report's key holds the parameters it shows in its provenance appendix
    assert provenance_material(dated, {}, "r") != provenance_material(undated, {}, "r")


def test_the_cover_and_manifest_carry_the_date_of_publication(built):
    assert manifest(built)["parameters"]["published"] == "2017-09-28"
    page = (built / "annual-report.html").read_text(encoding="utf-8")
    assert "Published 28 September 2017" in page


def test_every_relative_link_of_the_built_page_is_a_delivered_file(built):
    from test_render import relative_targets

    targets = relative_targets(built / "annual-report.html")
    assert sorted(targets) == [
        "annual-report-tables.xlsx",
        "annual-report.docx",
        "annual-report.pdf",
        "figures-published.csv",  # readers get the published figures (contract 6.2)
    ]
    assert all((built / t).is_file() for t in targets)


def test_unchanged_rebuild_is_reused(built, raw, text, capsys):
    before = manifest(built)
    command = publish_command(raw, built, text)
    assert main(command) == 0
    assert "reusing" in capsys.readouterr().out
    assert manifest(built) == before


def test_a_changed_extract_rebuilds(built, raw, capsys):
    before = manifest(built)
    path = raw / "duty.csv"
    original = path.read_bytes()
    try:
        path.write_bytes(original + b"\n")  # a blank line: same data, different bytes
        assert main(["build", "--raw", str(raw), "--out", str(built), "--to", "html"]) == 0
        assert "reusing" not in capsys.readouterr().out
        after = manifest(built)
        assert after["build_key"] != before["build_key"]
        assert after["outputs"] == {"html": "annual-report.html"}
        from datetime import date

        assert after["parameters"]["published"] == date.today().isoformat()  # no --published
    finally:
        path.write_bytes(original)


def build_command(raw: Path, out: Path) -> list[str]:
    """``complaints-report build`` of ``raw`` into ``out``, as a separate process."""
    return [sys.executable, "-m", "pipeline.run.cli", "build", "--raw", str(raw), "--out", str(out)]


@pytest.mark.skipif(os.name != "posix", reason="kills the build's process group (POSIX)")
def test_killed_build_leaves_previous_output_intact(raw, tmp_path):
    out = tmp_path / "2016-17"
    command = build_command(raw, out)
    html_only = [*command, "--to", "html"]
    assert subprocess.run(html_only, cwd=ROOT, capture_output=True).returncode == 0
    before = (out / "manifest.json").read_bytes()

    process = subprocess.Popen(
        [*html_only, "--force"],
        cwd=ROOT,
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and not any(
        (folder / "figures.csv").exists() for folder in leftovers(out)
    ):
        time.sleep(0.2)
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()
    assert leftovers(out), "the killed build should have left its temporary folder"
    assert (out / "manifest.json").read_bytes() == before
    assert (out / "annual-report.html").is_file()

    assert subprocess.run(html_only, cwd=ROOT, capture_output=True).returncode == 0
    assert not leftovers(out)
    assert (out / "manifest.json").read_bytes() == before  # inputs unchanged: reused


def test_failed_validation_stops_the_build_with_exit_2(raw, tmp_path, capsys):
    bad = tmp_path / "raw"
    shutil.copytree(raw, bad)
    text = (bad / "duty.csv").read_text()
    lines = text.splitlines()
    lines[3] = lines[3].replace(lines[3].split(",")[0], lines[2].split(",")[0], 1)  # duplicate ref
    (bad / "duty.csv").write_text("\n".join(lines) + "\n")
    out = tmp_path / "out"
    assert main(["build", "--raw", str(bad), "--out", str(out)]) == 2
    captured = capsys.readouterr()
    assert "duty" in captured.out and "duty_ref" in captured.out
    assert "validate" in captured.err
    assert not out.exists()


def test_kernels_are_shut_down_without_an_interrupt():
    """jupyter_client interrupts (SIGINT) a kernel before shutting it down; an ipykernel
    still finishing a request then prints 'KeyboardInterrupt caught in kernel.'."""
    from pipeline.run.runner import LocalKernelManager

    manager = LocalKernelManager(kernel_name="python3")
    manager.start_kernel(cwd=str(ROOT))
    sent: list[int] = []
    send = manager._async_signal_kernel

    async def recorded(signum: int) -> None:
        sent.append(signum)
        await send(signum)

    manager._async_signal_kernel = recorded
    try:
        manager.shutdown_kernel()
    finally:
        if manager.has_kernel:
            manager.shutdown_kernel(now=True)
    assert signal.SIGINT not in sent
    assert not manager.has_kernel


def test_builds_print_no_kernel_shutdown_noise(raw, tmp_path):
    out = tmp_path / "2016-17"
    command = build_command(raw, out)
    for _ in range(4):  # the noise came in about one build in eight
        done = subprocess.run(
            [*command, "--to", "html", "--force"], cwd=ROOT, capture_output=True, text=True
        )
        assert done.returncode == 0, done.stderr
        printed = done.stdout + done.stderr
        assert "KeyboardInterrupt" not in printed and "[IPKernelApp]" not in printed, printed


def test_discarding_one_notebooks_early_kernel_leaves_the_others(monkeypatch):
    # The validate command discards its own early kernel when it stops; in a build, the
    # report's kernel, started early beside it, must stay for the report to take.
    from concurrent.futures import Future

    from pipeline.run import runner

    class Kernel:
        has_kernel = True
        stopped = False

        def shutdown_kernel(self, now: bool = False) -> None:
            self.stopped = now

    kernels = {Path("validate.ipynb"): Kernel(), Path("report.ipynb"): Kernel()}
    warm: dict[Path, Future] = {}
    for source, kernel in kernels.items():
        warm[source] = Future()
        warm[source].set_result(kernel)
    monkeypatch.setattr(runner, "_warm", warm)
    runner.discard_warm_kernels(Path("validate.ipynb"))
    assert kernels[Path("validate.ipynb")].stopped
    assert not kernels[Path("report.ipynb")].stopped
    assert list(warm) == [Path("report.ipynb")]
    runner.discard_warm_kernels()
    assert kernels[Path("report.ipynb")].stopped and not warm
