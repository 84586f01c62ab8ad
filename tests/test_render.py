"""Rendering the fixture report: both files, the PDF's text, pages, contents, safety."""

import datetime as dt
import json
import re
import shutil
import subprocess
import tempfile
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import nbformat
import pytest

from pipeline.inputs.reference import load_reference
from pipeline.publish import render
from pipeline.publish.render import RenderError, render_report
from pipeline.report.narrative import key_messages_of

ROOT = Path(__file__).parent.parent
FIXTURES = Path(__file__).parent / "fixtures"
REFERENCE = ROOT / "data" / "reference" / "authority.yml"
KEY_FIGURES = ("91", "132", "210", "195", "57%")

needs_pdftotext = pytest.mark.skipif(
    shutil.which("pdftotext") is None, reason="pdftotext (poppler-utils) is not installed"
)


PUBLISHED = dt.date(2017, 9, 28)


def fallback_render(
    out_dir: Path,
    raw_dir: Path = FIXTURES / "raw",
    formats=("html", "pdf"),
    key_messages=(),
):
    return render_report(
        "2016-17",
        FIXTURES / "figures.csv",
        None,
        REFERENCE,
        raw_dir,
        out_dir,
        formats,
        published=PUBLISHED,
        key_messages=key_messages,
    )


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    """One fallback render of the fixture (quarto hidden from the renderer choice), with
    the key messages on the PDF cover as a build gives them."""
    patch = pytest.MonkeyPatch()
    patch.setattr(render, "quarto_path", lambda: None)
    out_dir = tmp_path_factory.mktemp("report")
    messages = key_messages_of(FIXTURES / "figures.csv", REFERENCE, "2016-17")
    try:
        yield fallback_render(
            out_dir, formats=("html", "pdf", "docx", "xlsx"), key_messages=messages
        )
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
def test_fallback_writes_every_format_and_names_its_renderer(rendered):
    names = {fmt: path.name for fmt, path in rendered.outputs.items()}
    assert names == {
        "html": "annual-report.html",
        "pdf": "annual-report.pdf",
        "docx": "annual-report.docx",
        "xlsx": "annual-report-tables.xlsx",
    }
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
def test_pdf_pages_after_the_cover_are_numbered_and_it_has_contents(rendered):
    pdf = rendered.outputs["pdf"]
    pages = pdf_pages(pdf)
    assert pages > 10
    for page in (2, 3, pages):
        lines = [x.strip() for x in pdf_text(pdf, page).splitlines() if x.strip()]
        assert lines[-1] == str(page)
    assert "Contents" in pdf_text(pdf, 2) and "Appendix A: Methodology" in pdf_text(pdf, 2, 3)


@pytest.mark.slow
@needs_pdftotext
def test_pdf_page_one_is_the_cover(rendered):
    lines = [" ".join(x.split()) for x in pdf_text(rendered.outputs["pdf"], 1).splitlines()]
    lines = [x for x in lines if x]
    assert lines[0] == "Example County Council"
    title = "Children's services complaints and compliments: annual report 2016/17"
    assert " ".join(lines[1:3]) == title  # text stays literal: no smart quotes
    assert "1 April 2016 to 31 March 2017" in lines
    assert "Published 28 September 2017" in lines
    assert "Key messages" in lines
    assert not any(x.isdigit() for x in lines)  # the cover has no page number


@pytest.mark.slow
@needs_pdftotext
def test_pdf_gives_the_key_messages_once_on_its_cover(rendered):
    """The HTML page and the Word file open with the key messages; the PDF has them on its
    cover, so its body leaves that section out (nobody reads them again on page 3)."""
    pdf = rendered.outputs["pdf"]
    first = key_messages_of(FIXTURES / "figures.csv", REFERENCE, "2016-17")[0]
    first = " ".join(re.sub(r"\\(.)", r"\1", first).split())  # Markdown escapes undone
    pages = [" ".join(t.replace("\u2019", "'").split()) for t in pages_text(pdf)]
    assert first in pages[0] and pages[0].count("Key messages") == 1
    assert [i + 1 for i, page in enumerate(pages[1:], 1) if "Key messages" in page] == []
    assert [i + 1 for i, page in enumerate(pages[1:], 1) if first in page] == []
    html = rendered.outputs["html"].read_text(encoding="utf-8")
    assert html.index('id="key-messages"') < html.index('id="introduction"')


@pytest.mark.slow
@needs_pdftotext
def test_pdf_contents_fit_on_page_two(rendered):
    pdf = rendered.outputs["pdf"]
    contents = " ".join(pdf_text(pdf, 2).split())
    assert contents.startswith("Contents Introduction")
    assert "Appendix C: Provenance" in contents
    assert " ".join(pdf_text(pdf, 3).split()).startswith("Introduction This report")


def chart_parts(notebook: Path) -> list[tuple[str, str, str]]:
    """(headline, data table header row, first cell of its last row) of each chart."""
    from html import unescape

    text = "".join(
        output.get("data", {}).get("text/markdown", "")
        for cell in nbformat.read(notebook, as_version=4).cells
        if cell.cell_type == "code"
        for output in cell.outputs
    )
    parts = []
    for figure in re.findall(r'<figure class="chart".*?</details>', text, flags=re.S):
        headline = re.search(r'<p class="chart-headline">(.*?)</p>', figure).group(1)
        header = re.findall(r'<th scope="col">(.*?)</th>', figure)
        last_row = re.findall(r"<tr><td>(.*?)</td>", figure)[-1]
        parts.append((unescape(headline), unescape(" ".join(header)), unescape(last_row)))
    return parts


@pytest.mark.slow
@needs_pdftotext
def test_pdf_keeps_each_chart_with_its_caption_and_short_data_table(rendered):
    """The caption (Figure n: headline, subtitle) is part of the figure, above the drawing;
    the chart's data table (none is over 20 rows here) follows on the same page."""
    pages = [" ".join(t.split()) for t in pages_text(rendered.outputs["pdf"])]
    parts = chart_parts(rendered.notebook)
    assert len(parts) == 23  # with "Five years at a glance"
    for number, (headline, header, last_row) in enumerate(parts, 1):
        (page,) = [p for p in pages if f"Figure {number}: {headline}" in p]
        after = page[page.index(f"Figure {number}: {headline}") :]
        assert header in after and last_row in after.split(header, 1)[1], headline


@pytest.mark.slow
@needs_pdftotext
def test_no_pdf_page_ends_with_a_heading(rendered):
    pdf = rendered.outputs["pdf"]
    notebook = nbformat.read(rendered.notebook, as_version=4)
    headings = {
        line.lstrip("#").strip()
        for cell in notebook.cells
        if cell.cell_type == "markdown"
        for line in cell.source.splitlines()
        if line.startswith("#")
    }
    assert "Statutory Stage 1 complaints" in headings
    endings = []
    for page in range(2, pdf_pages(pdf) + 1):
        lines = [" ".join(x.split()) for x in pdf_text(pdf, page).splitlines() if x.strip()]
        last_text = lines[-2] if len(lines) > 1 else ""  # the last line is the page number
        endings.append(last_text)
    assert [e for e in endings if e in headings] == []
    labels = set(load_reference(REFERENCE).service_area_names)  # bold labels above tables
    assert [e for e in endings if e in labels] == []


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
    assert html.count('<script type="application/json" class="vega-spec"') == 23
    assert html.count('<details class="chart-data">') == 23
    loader = 'querySelectorAll("script.vega-spec")'  # the one script that draws the charts
    assert html.count("window.vegaEmbed=") == 1 and html.count(loader) == 1
    assert html.index("window.vegaEmbed=") < html.index(loader) < html.index("<main")


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
        fallback_render(tmp_path, formats=("odt",))


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


needs_quarto = pytest.mark.skipif(shutil.which("quarto") is None, reason="quarto is not on PATH")


@pytest.mark.parametrize("inside", [True, False], ids=["inside-project", "outside-project"])
@pytest.mark.quarto
@pytest.mark.slow
@needs_quarto
def test_quarto_renders_wherever_the_output_goes(inside, tmp_path, request):
    out_dir = ROOT / "build" / "test-quarto" if inside else tmp_path / "out"
    request.addfinalizer(lambda: shutil.rmtree(ROOT / "build" / "test-quarto", ignore_errors=True))
    result = fallback_render(out_dir, formats=("html", "pdf", "docx", "xlsx"))
    assert result.renderer.startswith("quarto ")
    assert {p.name for p in result.outputs.values()} == {
        "annual-report.html",
        "annual-report.pdf",
        "annual-report.docx",
        "annual-report-tables.xlsx",
    }
    html = result.outputs["html"].read_text(encoding="utf-8")
    # no require.js or jQuery from a CDN (a text/html output would add them); Bootstrap's
    # own script, embedded, only looks for a jQuery that is not there
    assert "require.min.js" not in html and "jquery.min.js" not in html.lower()
    assert re.findall(r"<script\b[^>]*\bsrc=\"(?!data:)", html) == []
    assert "Other Formats" not in html and "-render." not in html  # format-links: false
    assert ".report-downloads" in html  # report/report.css embedded through _quarto.yml
    for target in relative_targets(result.outputs["html"]):
        assert (out_dir / unquote(target)).is_file(), target
    staging = Path(tempfile.gettempdir()).glob("complaints-report-quarto-*")
    assert not list(staging)


SHARED_QUARTO = ROOT.parent / "shared" / "quarto-1.10.18"


@pytest.mark.skipif(
    not (SHARED_QUARTO / "quarto-render.log").is_file(),
    reason=f"Quarto's log of the sample is not at {SHARED_QUARTO}",
)
def test_quarto_warnings_are_picked_out_of_its_output_each_once():
    """What Quarto 1.10.18 printed rendering the sample before this round: every warning
    and error line, each once with its count; the progress and metadata lines left out."""
    log = (SHARED_QUARTO / "quarto-render.log").read_text(encoding="utf-8")
    warnings = render.quarto_warnings(log)
    refs = (
        "WARNING (<quarto>/src/resources/filters/./common/refs.lua:52) "
        "ref type 'data' does not match category ref type 'tbl' (352 times)"
    )
    assert refs in warnings
    assert any(w.startswith("WARNING") and "Unable to parse table" in w for w in warnings)
    assert any(w.startswith("(E) Running juice failed") and "(22 times)" in w for w in warnings)
    assert "warning: unknown font family: arial" in warnings
    assert not any("Output created" in w or w.startswith("pandoc") for w in warnings)


def test_quarto_warnings_are_logged_for_the_analyst(tmp_path, monkeypatch, caplog):
    """A stand-in for ``quarto`` that prints a warning and writes the page: the build logs
    the warning (it is not swallowed) and renders in a staging project outside the project."""
    fake = tmp_path / "quarto"
    fake.write_text(
        "#!/bin/sh\n"
        r'printf "\033[33mWARNING (refs.lua:52) a warning from Quarto\n\033[39m" >&2'
        "\n"
        'echo "Output created: annual-report.html" >&2\n'
        'dir=$(dirname "$2")\n'
        'test -f "$PWD/_quarto.yml" && test -f "$PWD/report/report.css" || exit 3\n'
        "printf '<html><head></head><body><main></main></body></html>' "
        '> "$dir/annual-report.html"\n'
    )
    fake.chmod(0o755)
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    notebook = out_dir / "annual-report.ipynb"
    nbformat.write(nbformat.v4.new_notebook(), str(notebook))
    (out_dir / render.VEGA_HEAD).write_text("")
    with caplog.at_level("WARNING", logger="pipeline.publish.render"):
        outputs, _ = render.render_quarto(str(fake), notebook, out_dir, ("html",))
    assert outputs["html"].read_text().count("Content-Security-Policy") == 1
    assert [r.getMessage() for r in caplog.records] == [
        "quarto: WARNING (refs.lua:52) a warning from Quarto"
    ]


class LinkCollector(HTMLParser):
    """Every href and src of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.targets: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.targets += [v for k, v in attrs if k in ("href", "src") and v]


def relative_targets(page: Path) -> list[str]:
    collector = LinkCollector()
    collector.feed(page.read_text(encoding="utf-8"))
    return [
        t
        for t in collector.targets
        if not t.startswith("#") and not urlsplit(t).scheme and not t.startswith("//")
    ]


@pytest.mark.slow
def test_every_relative_link_of_the_page_is_a_delivered_file(rendered):
    page = rendered.outputs["html"]
    targets = relative_targets(page)
    # the fixture's figures.csv is not in the output folder, so it is not offered
    assert sorted(targets) == [
        "annual-report-tables.xlsx",
        "annual-report.docx",
        "annual-report.pdf",
    ]
    for target in targets:
        assert (page.parent / unquote(target)).is_file(), target


def test_download_links_follow_the_files_delivered(tmp_path):
    assert render.download_files(("html",), tmp_path) == []
    (tmp_path / "figures.csv").write_text("table\n", encoding="utf-8")
    assert render.download_files(("html",), tmp_path) == []  # never offered to readers
    (tmp_path / "figures-published.csv").write_text("table\n", encoding="utf-8")
    files = [name for name, _ in render.download_files(("html", "xlsx", "pdf"), tmp_path)]
    assert files == ["annual-report.pdf", "annual-report-tables.xlsx", "figures-published.csv"]
    block = render.downloads_markdown(render.download_files(("docx",), tmp_path))
    assert 'href="annual-report.docx"' in block and 'href="figures-published.csv"' in block
    assert 'href="figures.csv"' not in block


@pytest.mark.slow
def test_html_page_has_one_main_a_skip_link_and_the_stylesheet(rendered):
    html = rendered.outputs["html"].read_text(encoding="utf-8")
    assert html.count("<main") == 1 and 'href="#main"' in html
    assert ".report-toc" in html and "@media print" in html  # report/report.css, inlined
    assert '<nav id="TOC" class="report-toc"' in html
    regions = re.findall(r'<div class="table-scroll" ([^>]*)>', html)
    assert len(regions) > 10
    assert all('role="group"' in r and 'tabindex="0"' in r for r in regions)
    assert any('aria-label="Table: Year, Duty matters"' in r for r in regions)  # tables.lua
    assert "Published 28 September 2017" in html


@pytest.mark.slow
def test_word_file_has_headings_real_tables_and_charts_with_alt_text(rendered):
    from docx import Document
    from docx.oxml.ns import qn

    document = Document(str(rendered.outputs["docx"]))
    styles = {p.style.name: p.text for p in document.paragraphs}
    assert styles["Title"].startswith("Children")
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
    # the key messages are on the cover (word.lua), not repeated as the body's first section
    assert headings[:2] == ["Introduction", "The complaints procedures"]
    assert "Key messages" not in headings
    assert "Appendix C: Provenance" in headings
    assert len(document.tables) > 20
    for table in document.tables:
        assert table.style.name == "Table"
        assert table.rows[0]._tr.find(qn("w:trPr")).find(qn("w:tblHeader")) is not None
    first = document.tables[0]
    assert [c.text for c in first.rows[0].cells] == ["Type of feedback", "Number"]
    images = document.element.body.findall(".//" + qn("wp:docPr"))
    assert len(images) == 23
    assert all(len(image.get("descr", "")) > 30 for image in images)
    assert images[0].get("descr").startswith("Bar chart of items of feedback")
    assert "Downloads" not in {p.text for p in document.paragraphs}


@pytest.mark.slow
def test_word_charts_have_a_caption_above_and_no_paragraph_repeating_their_numbers(rendered):
    from docx import Document
    from docx.oxml.ns import qn

    document = Document(str(rendered.outputs["docx"]))
    paragraphs = document.paragraphs
    with_image = [
        i for i, p in enumerate(paragraphs) if p._p.find(".//" + qn("wp:docPr")) is not None
    ]
    assert len(with_image) == 23
    headlines = [headline for headline, _, _ in chart_parts(rendered.notebook)]
    for index, headline in zip(with_image, headlines, strict=True):
        caption = paragraphs[index - 1]
        assert caption.style.name == "Image Caption" and headline in caption.text
        bold = [run.text for run in caption.runs if run.bold]
        assert bold == [headline]
        assert caption.style.paragraph_format.keep_with_next  # stays with its chart
    texts = [p.text for p in paragraphs]
    assert not [t for t in texts if "Working Days: 3 (33%); Within" in t]  # old description
    assert not [t for t in texts if t.startswith("Show the data")]


def test_reference_document_styles():
    from docx import Document
    from docx.oxml.ns import qn

    document = Document(str(render.REFERENCE_DOCX))
    heading = document.styles["Heading 1"]
    assert heading.font.name == "Arial" and heading.font.bold
    assert heading.paragraph_format.keep_with_next
    table = next(s for s in document.styles if s.style_id == "Table")
    first_row = [
        e for e in table.element.findall(qn("w:tblStylePr")) if e.get(qn("w:type")) == "firstRow"
    ]
    assert len(first_row) == 1 and first_row[0].find(qn("w:rPr")).find(qn("w:b")) is not None


def pipe_rows(prefix: str, count: int) -> str:
    header = f"| {prefix} name | {prefix} value |\n|:---|---:|\n"
    return header + "\n".join(f"| {prefix} row {i} | {i} |" for i in range(1, count + 1))


@pytest.fixture(scope="module")
def layout_pdf(tmp_path_factory) -> Path:
    """A made-up document through the PDF templates: key messages, long and short tables."""
    out_dir = tmp_path_factory.mktemp("layout")
    filler = "\n\n".join(
        f"Paragraph {i} of filler text that takes up room on the page. " * 4 for i in range(15)
    )  # 14 to 17 paragraphs put the short table across a page break when it may break
    markdown = (
        "# Long table\n\n"
        + pipe_rows("Long", 90)
        + "\n\n# Short table\n\n"
        + filler
        + "\n\n"
        + pipe_rows("Short", 12)
        + "\n\n: Short table caption\n\n"
        + "**A bold label**\n\n"
        + pipe_rows("Labelled", 3)
        + "\n"
    )
    meta = {
        **render.DocumentInfo(
            "A test report",
            "Example County Council",
            "2016-17",
            PUBLISHED,
            ("Complaints rose by **30%**.", "Compliments reached 195."),
        ).metadata()
    }
    target = out_dir / "layout.pdf"
    render.compile_pdf(render.pandoc_typst(markdown, out_dir, meta), out_dir, target)
    return target


def pages_text(pdf: Path) -> list[str]:
    return [" ".join(pdf_text(pdf, p).split()) for p in range(1, pdf_pages(pdf) + 1)]


@needs_pdftotext
def test_cover_shows_key_messages_when_there_are_some(layout_pdf):
    cover = pages_text(layout_pdf)[0]
    assert cover.startswith("Example County Council A test report")
    assert "Published 28 September 2017" in cover
    assert "Key messages • Complaints rose by 30%. • Compliments reached 195." in cover


@needs_pdftotext
def test_long_tables_repeat_their_header_row_and_short_ones_stay_whole(layout_pdf):
    pages = pages_text(layout_pdf)
    long_pages = [p for p in pages if "Long row" in p]
    assert len(long_pages) >= 2
    assert all("Long name Long value" in p for p in long_pages)
    (short,) = [p for p in pages if "Short row" in p]  # the whole short table on one page
    assert "Short table caption" in short and "Short row 1 " in short and "Short row 12" in short
    (label,) = [p for p in pages if "A bold label" in p]
    assert "Labelled row 1" in label


def test_front_matter_round_trips_the_document_metadata(tmp_path):
    info = render.DocumentInfo(
        "A title: with a colon", "Example County Council", "2016-17", PUBLISHED, ("Rose by 30% -",)
    )
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [render.front_matter_cell(info)]
    path = tmp_path / "n.ipynb"
    nbformat.write(notebook, path)
    assert render.document_metadata(path) == {
        "title": "A title\\: with a colon",  # Markdown text: punctuation escaped
        "subtitle": "Example County Council",
        "period": "1 April 2016 to 31 March 2017",
        "date": "28 September 2017",
        "lang": "en-GB",
        "key-messages": ["Rose by 30% -"],
        **({"pdf-font": render.pdf_font()} if render.pdf_font() else {}),
    }
    assert "include-in-header: vega-head.html" in notebook.cells[0].source
    without = render.DocumentInfo("T", "C", "2016-17", PUBLISHED).metadata()
    assert "key-messages" not in without


def test_the_pdf_names_only_an_installed_typeface(tmp_path, monkeypatch):
    """Typst warns on every build about a family in the font list that is not installed
    (Quarto shows it: "unknown font family: arial"), so the PDF names the first of
    PDF_FONTS this machine has, and keeps the template's list when it has neither."""
    import typst

    installed = set(typst.Fonts(include_embedded_fonts=False).families())
    if "Liberation Sans" not in installed:
        pytest.skip("Liberation Sans is not installed (apt-get install fonts-liberation)")
    assert render.pdf_font() == "Liberation Sans"
    meta = render.DocumentInfo("T", "C", "2016-17", PUBLISHED).metadata()
    assert meta["pdf-font"] == "Liberation Sans"
    source = render.pandoc_typst("Body text.", tmp_path, meta)
    assert 'font: ("Liberation Sans",),' in source
    path = tmp_path / "t.typ"
    path.write_text(source, encoding="utf-8")
    _, warnings = typst.compile_with_warnings(str(path), root=str(tmp_path))
    assert not [w for w in warnings if "font family" in str(w.message)]
    monkeypatch.setattr(render, "pdf_font", lambda: None)
    assert "pdf-font" not in render.DocumentInfo("T", "C", "2016-17", PUBLISHED).metadata()


@pytest.mark.slow
def test_sections_without_their_inputs_say_what_was_not_recorded(tmp_path, monkeypatch):
    """A council without the optional inputs of contract 1.1: the sections stay, each with
    one sentence in the reader's terms saying what was not recorded (never which column
    to add), and the key messages lose only the
    Stage 2 and children lines."""
    from html import unescape

    import polars as pl

    from pipeline.report.narrative import read_figures

    monkeypatch.setattr(render, "quarto_path", lambda: None)
    new = ["stage1_by_complainant", "stage1_by_child", "stage2_timescale"]
    new.append("stage2_within_timescale")
    figures = read_figures(FIXTURES / "figures.csv").filter(~pl.col("table").is_in(new))
    figures.write_csv(tmp_path / "figures.csv")
    text = REFERENCE.read_text(encoding="utf-8")
    start = text.index("complainant_types:")
    text = text[:start] + text[text.index("\n\n", start) + 2 :]
    text = "\n".join(line for line in text.splitlines() if "_stage2:" not in line)
    (tmp_path / "authority.yml").write_text(text + "\n", encoding="utf-8")
    result = render_report(
        "2016-17",
        tmp_path / "figures.csv",
        None,
        tmp_path / "authority.yml",
        FIXTURES / "raw",
        tmp_path / "out",
        ("html",),
    )
    page = result.outputs["html"].read_text(encoding="utf-8")
    plain = " ".join(unescape(re.sub(r"<[^>]+>", " ", page)).replace("\u2019", "'").split())
    assert plain.count("The council did not record who made each complaint in 2016/17.") == 2
    for procedure, noun in (("statutory", "investigations"), ("corporate", "reviews")):
        assert (
            f"The council did not measure the time taken to complete {procedure} Stage 2 "
            f"{noun} against a time limit in 2016/17."
        ) in plain
    key_messages = page[page.index('id="key-messages"') : page.index('id="introduction"')]
    assert key_messages.count("<li>") == 5
    assert "Stage 2" not in key_messages and "Children and young people" not in key_messages
    assert 'id="vis-stage2-timescale-statutory"' not in page


def test_pdf_tables_of_sentences_give_the_sentences_the_room(tmp_path):
    """A column is at least as wide as its longest word; the room left goes mostly to the
    column of sentences; a table of short cells keeps Typst's own widths."""
    summary = "The Council was late in moving a pupil from a statement to a plan. " * 2
    markdown = (
        f"| Team | Status | Summary of the decision |\n|:--|:--|:--|\n"
        f"| SEND Teams | Investigation | {summary} |\n\n| A | B |\n|:--|--:|\n| x | 1 |\n"
    )
    meta = render.DocumentInfo("T", "C", "2016-17", PUBLISHED).metadata()
    typst = render.pandoc_typst(markdown, tmp_path, meta)
    widths, short = re.findall(r"columns: ([^\n]*),\n", typst)
    team, status, text = (float(w) / 100 * 470 for w in re.findall(r"([\d.]+)%", widths))
    assert status > len("Investigation") * 5.3 + 11 and team > len("Teams") * 5.3 + 11
    assert text > 2 * (team + status) and abs(team + status + text - 470) < 1
    assert short == "2"


def test_quarto_leaves_the_tables_in_the_vega_head_alone(tmp_path):
    """The Vega bundle writes ``<table>`` in its JavaScript (vega-tooltip); without Quarto's
    mark Quarto tries to parse it as a table and warns "Unable to parse table from raw html
    block" (seen with Quarto 1.10.18 on the sample)."""
    head = render.write_vega_head(tmp_path).read_text(encoding="utf-8")
    assert "<table" in head
    assert head.startswith("<!--| quarto-html-table-processing: none -->\n<script>")
