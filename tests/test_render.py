"""Rendering the fixture report: both files, the PDF's text, pages, contents, safety."""

import json
import re
import shutil
import subprocess
from pathlib import Path

import nbformat
import pytest

from pipeline import render
from pipeline.render import RenderError, render_report

ROOT = Path(__file__).parent.parent
FIXTURES = Path(__file__).parent / "fixtures"
REFERENCE = ROOT / "data" / "reference" / "authority.yml"
KEY_FIGURES = ("91", "132", "210", "195", "57%")

needs_pdftotext = pytest.mark.skipif(
    shutil.which("pdftotext") is None, reason="pdftotext (poppler-utils) is not installed"
)


def fallback_render(out_dir: Path, raw_dir: Path = FIXTURES / "raw", formats=("html", "pdf")):
    return render_report(
        "2016-17", FIXTURES / "figures.csv", None, REFERENCE, raw_dir, out_dir, formats
    )


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    """One fallback render of the fixture (quarto hidden from the renderer choice)."""
    patch = pytest.MonkeyPatch()
    patch.setattr(render, "quarto_path", lambda: None)
    out_dir = tmp_path_factory.mktemp("report")
    try:
        yield fallback_render(out_dir)
    finally:
        patch.undo()


def pdf_text(pdf: Path, first: int | None = None, last: int | None = None) -> str:
    pages = [] if first is None else ["-f", str(first), "-l", str(last or first)]
    done = subprocess.run(
        ["pdftotext", "-layout", *pages, str(pdf), "-"], capture_output=True, text=True, check=True
    )
    return done.stdout


def pdf_pages(pdf: Path) -> int:
    done = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True)
    line = next(x for x in done.stdout.splitlines() if x.startswith("Pages:"))
    return int(line.split()[1])


@pytest.mark.slow
def test_fallback_writes_both_files_and_names_its_renderer(rendered):
    assert rendered.outputs["html"].name == "annual-report.html"
    assert rendered.outputs["pdf"].name == "annual-report.pdf"
    assert all(path.stat().st_size > 10_000 for path in rendered.outputs.values())
    assert rendered.renderer.startswith("pandoc ") and " + typst " in rendered.renderer
    assert rendered.outputs["pdf"].read_bytes().startswith(b"%PDF-")
    leftovers = [
        p.name for p in rendered.outputs["html"].parent.iterdir() if p.name.startswith(".")
    ]
    assert leftovers == []


@pytest.mark.slow
@needs_pdftotext
def test_pdf_text_holds_the_key_figures(rendered):
    text = pdf_text(rendered.outputs["pdf"])
    for figure in KEY_FIGURES:
        assert figure in text
    assert "There were 91 statutory Stage 1 complaints in 2016/17, an increase of 30%" in " ".join(
        text.split()
    )
    assert "Example County Council" in text


@pytest.mark.slow
@needs_pdftotext
def test_pdf_pages_are_numbered_and_it_has_contents(rendered):
    pdf = rendered.outputs["pdf"]
    pages = pdf_pages(pdf)
    assert pages > 10
    for page in (1, 2, pages):
        lines = [x.strip() for x in pdf_text(pdf, page).splitlines() if x.strip()]
        assert lines[-1] == str(page)
    first = pdf_text(pdf, 1)
    assert "Contents" in first and "Appendix A: Methodology" in pdf_text(pdf, 1, 2)


@pytest.mark.slow
@needs_pdftotext
def test_pdf_is_tagged_with_a_title(rendered):
    info = subprocess.run(
        ["pdfinfo", str(rendered.outputs["pdf"])], capture_output=True, text=True, check=True
    ).stdout
    assert "Tagged:          yes" in info
    assert "Title:           Children's services complaints and compliments" in info


@pytest.mark.slow
def test_html_is_self_contained_with_one_vega_bundle(rendered):
    html = rendered.outputs["html"].read_text(encoding="utf-8")
    assert '<html lang="en-GB"' in html or 'lang="en-GB"' in html
    assert not re.search(r"<(script|link|img)[^>]+(src|href)=\"https?:", html)
    assert html.count('<script type="application/json" class="vega-spec"') == 18
    assert html.count("<details>") == 18
    loader = 'querySelectorAll("script.vega-spec")'  # the one script that draws the charts
    assert html.count("window.vegaEmbed=") == 1 and html.count(loader) == 1
    assert html.index("window.vegaEmbed=") < html.index(loader) < html.index("<main>")


@pytest.mark.slow
def test_withheld_text_never_reaches_any_output(rendered):
    out_dir = rendered.outputs["html"].parent
    for path in (rendered.outputs["html"], rendered.notebook):
        assert "WITHHELD" not in path.read_text(encoding="utf-8")
    if shutil.which("pdftotext"):
        assert "WITHHELD" not in pdf_text(rendered.outputs["pdf"])
    assert "Caseworkers explain the expected timescale" in rendered.outputs["html"].read_text(
        encoding="utf-8"
    )
    assert (out_dir / "charts" / "lgo-findings.svg").is_file()


@pytest.mark.slow
def test_executed_notebook_has_only_markdown_outputs(rendered):
    notebook = nbformat.read(rendered.notebook, as_version=4)
    kinds = {
        key
        for cell in notebook.cells
        if cell.cell_type == "code"
        for output in cell.outputs
        for key in (output.get("data") or {"<" + output.output_type + ">": None})
    }
    assert kinds == {"text/markdown"}
    assert notebook.cells[0].cell_type == "raw" and "title:" in notebook.cells[0].source


@pytest.mark.slow
def test_provenance_lists_input_hashes_and_renderer(rendered):
    html = rendered.outputs["html"].read_text(encoding="utf-8")
    assert "figures.csv" in html and "authority.yml" in html
    assert rendered.renderer in html
    words = " ".join(html.split())  # pandoc wraps long cells over lines
    assert render.spaced_hash(render.sha256_file(FIXTURES / "figures.csv")) in words


@pytest.mark.slow
def test_personal_data_stops_the_render_and_keeps_earlier_outputs(tmp_path, monkeypatch):
    monkeypatch.setattr(render, "quarto_path", lambda: None)
    raw = tmp_path / "raw"
    shutil.copytree(FIXTURES / "raw", raw)
    compliments = raw / "compliments.csv"
    compliments.write_text(
        compliments.read_text(encoding="utf-8").replace("everyone felt", "ring 07700 900123"),
        encoding="utf-8",
    )
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    (out_dir / "annual-report.html").write_text("earlier report", encoding="utf-8")
    with pytest.raises(RenderError) as raised:
        fallback_render(out_dir, raw, formats=("html",))
    assert "PersonalDataError" in str(raised.value)
    assert "compliments.csv, row 4" in str(raised.value) and "CP-004" in str(raised.value)
    assert (out_dir / "annual-report.html").read_text(encoding="utf-8") == "earlier report"
    assert not (out_dir / "annual-report.pdf").exists()


def test_unknown_format_is_refused(tmp_path):
    with pytest.raises(RenderError, match="unknown output format"):
        fallback_render(tmp_path, formats=("docx",))


def test_provenance_prefers_the_run_manifest(tmp_path):
    digest = "0123456789abcdef" * 4
    manifest = {
        "year": "2016-17",
        "renderer": {"kind": "quarto", "name": "quarto 1.10.18"},
        "git": {"commit": "abc1234", "dirty": True},
        "inputs": {"data/raw/2016-17/complaints.csv": digest},
        "versions": {"polars": "2.1.0"},
        "steps": {"validate": 8.04},
    }
    (tmp_path / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    markdown = render.provenance_markdown(tmp_path, "x", "y", "z", None, "")
    text = re.sub(r"\\([^\w\s])", r"\1", markdown)  # undo the escaping of literal text
    assert "| Renderer | quarto 1.10.18 |" in text
    assert "| Reporting year | 2016/17 |" in text
    assert "| Project commit | abc1234 (with uncommitted changes) |" in text
    assert (
        "| data/raw/2016-17/complaints.csv | 0123456789abcdef 0123456789abcdef "
        "0123456789abcdef 0123456789abcdef |" in text
    )
    assert "| polars | 2.1.0 |" in text
    assert "| validate | 8.0 s |" in text


@pytest.mark.quarto
@pytest.mark.skipif(shutil.which("quarto") is None, reason="quarto is not on PATH")
def test_quarto_render_writes_both_files():
    out_dir = ROOT / "build" / "test-quarto"
    result = fallback_render(out_dir)
    assert result.renderer.startswith("quarto ")
    assert {p.name for p in result.outputs.values()} == {"annual-report.html", "annual-report.pdf"}
    html = result.outputs["html"].read_text(encoding="utf-8")
    assert "require.min.js" not in html and "jquery" not in html.lower()
