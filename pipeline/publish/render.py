"""Execute the report notebook and render it: HTML, a tagged PDF, Word and a spreadsheet.

The notebook (``report/annual-report.ipynb``) is executed once with Papermill into the
output folder; every output it makes is ``text/markdown``. Then one of two renderers turns
that executed notebook into ``annual-report.html``, ``.pdf`` and ``.docx``:

- **Quarto**, whenever ``quarto`` is on PATH: the notebook is copied (with its charts) into
  a staging Quarto project in the system's temporary folder (``_quarto.yml`` and the
  ``report/`` files it names, copied from the project), rendered there with
  ``quarto render <nb> --to html,typst,docx`` (Quarto does not re-execute it), and the
  results are moved into the output folder, wherever that is. Quarto's warnings are logged;
  its scratch folder never lands in the project.
- **pandoc + Typst** otherwise: nbconvert's Markdown exporter (inputs excluded) gives
  Markdown with the raw HTML/Typst blocks; pandoc (pypandoc-binary) makes the HTML page
  (``report/template.html``), the Word file (``report/reference.docx``) and the Typst source
  (``report/typst/``), which the ``typst`` wheel compiles into a PDF/UA-1 document.

Both renderers share the look: ``report/report.css`` (Quarto embeds it through ``css:``,
the fallback inlines it), the Typst partials in ``report/typst/`` (cover page, headings kept
with what follows, short tables kept whole), the reference document for Word and the Lua
filters in ``report/filters/``. The spreadsheet of every table
(``annual-report-tables.xlsx``, :mod:`pipeline.publish.spreadsheet`) is written first, so that the
page's download links name only files that are delivered beside it.

Each output is written to a temporary name and renamed, so a failed render never leaves a
half-written report. The renderer used is logged and returned for the run manifest.

Nothing is fetched while rendering: the fallback's pandoc runs with ``--sandbox``, and a
reference to an outside resource (which it then reports instead of fetching) stops the
render, as does a Typst package import; with Quarto, a fetch warning in its log stops it.
Data never becomes such a reference: every value is escaped (:mod:`pipeline.publish.safe`). The
HTML gets a Content-Security-Policy (:mod:`pipeline.publish.csp`) whichever renderer wrote it.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import logging
import re
import shutil
import subprocess
import tempfile
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

import nbformat
import yaml

from pipeline import PROJECT_ROOT
from pipeline.files import atomic_write, atomic_write_text
from pipeline.inputs.placeholders import DRAFT_NOTICE
from pipeline.publish import safe
from pipeline.publish.csp import PolicyError, add_content_security_policy
from pipeline.run.provenance import package_versions, sha256_file
from pipeline.years import display_year

log = logging.getLogger(__name__)

REPORT_DIR = PROJECT_ROOT / "report"
REPORT_NOTEBOOK = REPORT_DIR / "annual-report.ipynb"
TEXT_DIR = REPORT_DIR / "text"
STYLESHEET = REPORT_DIR / "report.css"
HTML_TEMPLATE = REPORT_DIR / "template.html"
TYPST_TEMPLATE = REPORT_DIR / "typst" / "template.typst"
REFERENCE_DOCX = REPORT_DIR / "reference.docx"
QUARTO_CONFIG = PROJECT_ROOT / "_quarto.yml"
FILTERS = REPORT_DIR / "filters"
REPORT_STEM = "annual-report"
VEGA_HEAD = "vega-head.html"
LANG = "en-GB"
# The PDF's typeface, in order of preference: Liberation Sans (Linux) has Arial's metrics.
# Only one that is installed is named to Typst: an absent family in its list is a warning
# on every build ("unknown font family"), which Quarto passes on to the analyst.
PDF_FONTS: tuple[str, ...] = ("Liberation Sans", "Arial")
PNG_SCALE = 2  # Word's chart images: twice the SVG's pixels, sharp when printed
PNG_CONVERTER = f"vl-convert-python {metadata.version('vl-convert-python')} svg_to_png x{PNG_SCALE}"
_MARKDOWN_LOCK = threading.Lock()
FORMATS: tuple[str, ...] = ("html", "pdf", "docx", "xlsx")
DEFAULT_FORMATS: tuple[str, ...] = FORMATS  # the committee papers take Word
OUTPUT_NAMES: dict[str, str] = {
    "html": f"{REPORT_STEM}.html",
    "pdf": f"{REPORT_STEM}.pdf",
    "docx": f"{REPORT_STEM}.docx",
    "xlsx": f"{REPORT_STEM}-tables.xlsx",
}
DOWNLOADS: tuple[tuple[str, str], ...] = (
    ("pdf", "The report as a PDF document"),
    ("docx", "The report as a Word document"),
    ("xlsx", "Every table of the report as a spreadsheet"),
    ("csv", "Every figure of the report as CSV"),
)
QUARTO_FORMATS: dict[str, str] = {"html": "html", "pdf": "typst", "docx": "docx"}
FETCH_WARNING = re.compile(r"Could not fetch resource '?([^'\n:]+(?::[^'\s]*)?)")
QUARTO_WARNING = re.compile(  # at the start of a line, or after "[typst]: Compiling ...":
    r"(?:^|\.\.\.)\s*((?:WARN(?:ING)?\b|ERROR\b|\([WE]\)|(?:warning|error):).*)", re.IGNORECASE
)
TERMINAL_COLOUR = re.compile(r"\x1b\[[0-9;]*m")  # Quarto colours its warnings
TYPST_PACKAGE = re.compile(r'\bimport\s+"(@[^"]+)"')
DATA_ERRORS: tuple[str, ...] = ("InputError", "PersonalDataError")


class RenderError(RuntimeError):
    """The report could not be produced; the message says why (and which record, if any).

    ``data_problem`` is true when the cause is in the input data (a bad file, or personal
    data in a text marked for publication) rather than in the software.
    """

    def __init__(self, message: str, *, data_problem: bool = False) -> None:
        super().__init__(message)
        self.data_problem = data_problem


@dataclass(frozen=True)
class RenderResult:
    """What the render wrote and which renderer wrote it."""

    renderer: str
    notebook: Path
    outputs: dict[str, Path] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class DocumentInfo:
    """The document metadata both renderers read (title page, PDF cover, HTML head)."""

    title: str
    authority: str
    year: str
    published: dt.date
    key_messages: tuple[str, ...] = ()
    draft: bool = False  # the text holds placeholder prose: the cover says "Draft"

    def metadata(self) -> dict[str, object]:
        """Pandoc/Quarto metadata: title, subtitle, period, date, key-messages, lang.

        Both renderers read these values as Markdown: the names are escaped as literal
        text (:func:`pipeline.publish.safe.markdown_text`); key messages are Markdown already, and
        whoever writes them escapes any text from the data in them.
        """
        start = int(self.year[:4])
        data: dict[str, object] = {
            "title": safe.markdown_text(self.title),
            "subtitle": safe.markdown_text(self.authority),
            "period": f"1 April {start} to 31 March {start + 1}",
            "date": long_date(self.published),
            "lang": LANG,
        }
        if self.key_messages:
            data["key-messages"] = list(self.key_messages)
        if self.draft:
            data["draft-notice"] = DRAFT_NOTICE
        font = pdf_font()
        if font is not None:
            data["pdf-font"] = font
        return data


@functools.cache
def pdf_font() -> str | None:
    """The first of :data:`PDF_FONTS` installed on this machine as Typst finds it, or None
    (the template's own list then stands, with Typst's warning for the missing one)."""
    import typst

    installed = set(typst.Fonts(include_embedded_fonts=False).families())
    return next((font for font in PDF_FONTS if font in installed), None)


# ---------------------------------------------------------------- renderer choice


def quarto_path() -> str | None:
    """The ``quarto`` executable on PATH, if any."""
    return shutil.which("quarto")


def quarto_version(executable: str) -> str:
    """``quarto --version`` output."""
    done = subprocess.run([executable, "--version"], capture_output=True, text=True, check=True)
    return done.stdout.strip()


def pandoc_version() -> str:
    """Version of the pandoc binary shipped with pypandoc-binary."""
    import pypandoc

    return pypandoc.get_pandoc_version()


def typst_version() -> str:
    """Version of the ``typst`` Python wheel."""
    return metadata.version("typst")


def fallback_renderer_name() -> str:
    """E.g. ``pandoc 3.9 + typst 0.15.2``."""
    return f"pandoc {pandoc_version()} + typst {typst_version()}"


def choose_renderer() -> tuple[str, str]:
    """("quarto", "quarto 1.x") when Quarto is on PATH, else ("fallback", "pandoc ... + typst ...").

    Quarto is used wherever the output goes: it renders in a staging folder inside the
    project (:func:`render_quarto`).
    """
    executable = quarto_path()
    if executable:
        return "quarto", f"quarto {quarto_version(executable)}"
    return "fallback", fallback_renderer_name()


def check_formats(formats: Sequence[str]) -> tuple[str, ...]:
    """The requested formats in a fixed order; unknown ones are refused."""
    unknown = set(formats) - set(FORMATS)
    if unknown:
        raise RenderError(
            f"unknown output format(s): {', '.join(sorted(unknown))} "
            f"(choose from {', '.join(FORMATS)})"
        )
    return tuple(f for f in FORMATS if f in formats)


# ---------------------------------------------------------------- small helpers


def report_title(year: str) -> str:
    """The document title (PDF/UA requires one)."""
    return f"Children's services complaints and compliments: annual report {display_year(year)}"


def long_date(day: dt.date) -> str:
    """``30 November 2026``."""
    return f"{day.day} {day:%B %Y}"


def write_vega_head(out_dir: Path) -> Path:
    """Write the Vega/Vega-Lite/vega-embed bundle and the chart loader for the HTML head.

    It starts with Quarto's mark for raw HTML whose tables it must leave alone: the bundle
    holds ``<table>`` in its JavaScript strings (vega-tooltip), which Quarto would otherwise
    try to read as a table ("Unable to parse table from raw html block").
    """
    import vl_convert as vlc

    from pipeline.report.charts import CHART_LOADER, QUARTO_KEEP_TABLE

    bundle = vlc.javascript_bundle().replace("</script", "<\\/script")
    if "<!--" in bundle:
        raise RenderError("the Vega bundle holds '<!--', which would break its <script> element")
    path = out_dir / VEGA_HEAD
    scripts = f"<script>\n{bundle}\n</script>\n<script>{CHART_LOADER}</script>\n"
    atomic_write_text(path, f"{QUARTO_KEEP_TABLE}\n{scripts}")
    return path


def style_head() -> str:
    """The stylesheet as a ``<style>`` element, for the self-contained pandoc page."""
    css = STYLESHEET.read_text(encoding="utf-8").replace("</style", "<\\/style")
    return f"<style>\n{css}\n</style>\n"


def download_files(formats: Sequence[str], out_dir: Path) -> list[tuple[str, str]]:
    """(file name, description) of each file delivered beside the page, in a fixed order.

    The report's own formats count when they are being rendered; the published figures
    (``figures-published.csv``, small counts held back: contract 6.2) when they are in the
    output folder. ``figures.csv`` itself is never offered to readers.
    """
    from pipeline.report.disclosure import PUBLISHED_FILE

    names = {**OUTPUT_NAMES, "csv": PUBLISHED_FILE}
    delivered = set(formats) | ({"csv"} if (out_dir / PUBLISHED_FILE).is_file() else set())
    return [(names[kind], text) for kind, text in DOWNLOADS if kind in delivered]


def downloads_markdown(files: Sequence[tuple[str, str]]) -> str:
    """A raw HTML block listing the downloads (HTML page only; Typst and Word drop it)."""
    if not files:
        return ""
    items = "\n".join(
        f'<li><a href="{safe.html_text(name)}" download>{safe.html_text(text)}</a> '
        f"({safe.html_text(name)})</li>"
        for name, text in files
    )
    return safe.raw_block(
        "html",
        '<nav class="report-downloads" aria-labelledby="downloads-heading">\n'
        '<h2 id="downloads-heading">Downloads</h2>\n'
        f"<ul>\n{items}\n</ul>\n</nav>",
    )


# ---------------------------------------------------------------- execution


def execute_notebook(
    out_dir: Path,
    parameters: dict[str, str],
    info: DocumentInfo,
    downloads: Sequence[tuple[str, str]] = (),
) -> Path:
    """Run the report notebook with Papermill into ``out_dir``; add front matter and downloads."""
    from pipeline.run.runner import NotebookFailed
    from pipeline.run.runner import execute_notebook as run_notebook

    target = out_dir / f"{REPORT_STEM}.ipynb"
    try:
        run_notebook(REPORT_NOTEBOOK, target, parameters)
    except NotebookFailed as error:
        raise RenderError(
            f"the report notebook stopped: {error.ename}: {error.evalue}",
            data_problem=error.ename in DATA_ERRORS,
        ) from None
    notebook = nbformat.read(target, as_version=4)
    cells = [front_matter_cell(info)]
    if downloads:
        cells.append(nbformat.v4.new_markdown_cell(downloads_markdown(downloads)))
    notebook.cells[0:0] = cells
    atomic_write(target, lambda temp: nbformat.write(notebook, str(temp)))
    return target


def front_matter_cell(info: DocumentInfo) -> nbformat.NotebookNode:
    """A raw YAML cell giving Quarto the document metadata and the Vega header include.

    The include is set here, relative to the executed notebook, because Quarto resolves
    paths in ``_quarto.yml`` against the project root while the output folder can vary.
    """
    front = {**info.metadata(), "format": {"html": {"include-in-header": VEGA_HEAD}}}
    text = yaml.safe_dump(front, sort_keys=False, allow_unicode=True, width=1000)
    return nbformat.v4.new_raw_cell(f"---\n{text}---")


def document_metadata(notebook: Path) -> dict[str, object]:
    """The metadata in the executed notebook's front matter (without Quarto's format key)."""
    cell = nbformat.read(notebook, as_version=4).cells[0]
    lines = cell.source.strip().splitlines()
    if cell.cell_type != "raw" or len(lines) < 2 or lines[0] != "---" or lines[-1] != "---":
        return {}
    front = yaml.safe_load("\n".join(lines[1:-1])) or {}
    return {k: v for k, v in front.items() if k != "format"}


# ---------------------------------------------------------------- the built-in renderer


def notebook_markdown(notebook: Path) -> str:
    """Executed notebook -> Markdown (inputs excluded, raw blocks kept, front matter dropped).

    Converted once per version of the file: the document formats render side by side
    from the same Markdown, and the first to ask converts while the others wait.
    """
    stat = notebook.stat()
    with _MARKDOWN_LOCK:
        return _notebook_markdown(notebook.resolve(), stat.st_mtime_ns, stat.st_size)


@functools.lru_cache(maxsize=4)
def _notebook_markdown(notebook: Path, mtime_ns: int, size: int) -> str:
    from nbconvert import MarkdownExporter

    exporter = MarkdownExporter(exclude_input=True, exclude_raw=True)
    body, _resources = exporter.from_filename(str(notebook))
    return body


def outside_resource_message(resources: list[str]) -> str:
    """Why the render stopped when the material refers to something outside the page."""
    return (
        f"the report refers to an outside resource ({', '.join(sorted(set(resources)))}); "
        "rendering never downloads anything, so remove the reference from the report's text "
        "(report/text/*.md) or notebook"
    )


def run_pandoc(markdown: str, args: list[str], cwd: Path | None = None) -> str:
    """pandoc (from pypandoc-binary) on Markdown, sandboxed: it reads only the files named on
    the command line and fetches nothing. A resource it could not embed stops the render."""
    import pypandoc

    done = subprocess.run(
        [pypandoc.get_pandoc_path(), "--from=markdown", "--sandbox", *args],
        input=markdown,
        capture_output=True,
        text=True,
        encoding="utf-8",
        cwd=cwd,
    )
    resources = FETCH_WARNING.findall(done.stderr)
    if resources:
        raise RenderError(outside_resource_message(resources))
    if done.returncode != 0:
        raise RenderError(f"pandoc failed: {done.stderr.strip()[-2000:]}")
    for line in done.stderr.splitlines():
        log.warning("pandoc: %s", line)
    return done.stdout


def hidden_file(out_dir: Path, suffix: str, text: str) -> Path:
    """A hidden temporary file in ``out_dir`` holding ``text`` (the caller removes it)."""
    with tempfile.NamedTemporaryFile(
        "w", suffix=suffix, encoding="utf-8", delete=False, dir=out_dir, prefix="."
    ) as handle:
        handle.write(text)
    return Path(handle.name)


def run_pandoc_with(
    markdown: str,
    args: list[str],
    meta: dict,
    out_dir: Path,
    generated: Sequence[tuple[str, str, str]] = (),
) -> str:
    """:func:`run_pandoc` in ``out_dir`` with the document metadata (a YAML file) and
    generated files: each ``(option, suffix, text)`` is written to a hidden file passed as
    ``--option=file`` (before ``args``), and removed afterwards."""
    text_meta = {k: v for k, v in meta.items() if k != "lang"}
    written = [hidden_file(out_dir, ".yaml", yaml.safe_dump(text_meta, allow_unicode=True))]
    # the language as a plain string (a YAML file's values are read as Markdown text)
    options = [f"--metadata-file={written[0]}", f"--metadata=lang={meta.get('lang', LANG)}"]
    for option, suffix, text in generated:
        written.append(hidden_file(out_dir, suffix, text))
        options.append(f"--{option}={written[-1]}")
    try:
        return run_pandoc(markdown, [*options, *args, f"--resource-path={out_dir}"], out_dir)
    finally:
        for path in written:
            path.unlink(missing_ok=True)


def pandoc_html(markdown: str, out_dir: Path, meta: dict) -> str:
    """The self-contained HTML page: report/template.html, the stylesheet and Vega inlined."""
    page = run_pandoc_with(
        markdown,
        [
            "--to=html5",
            "--standalone",
            "--embed-resources",
            f"--template={HTML_TEMPLATE}",
            "--toc",
            "--toc-depth=2",
            f"--lua-filter={FILTERS / 'tables.lua'}",
        ],
        meta,
        out_dir,
        [("include-in-header", ".html", style_head())],
    )
    return with_vega_head(page, out_dir / VEGA_HEAD)


def with_vega_head(page: str, vega_head: Path) -> str:
    """The page with the Vega bundle and chart loader at the end of its ``<head>``.

    Added after pandoc rather than through ``--include-in-header``: it is our own
    script, already safe inside ``<script>``, and pandoc's ``--embed-resources`` took
    about 0.4 s to read its megabyte for nothing to embed.
    """
    head_end = page.find("</head>")
    if head_end < 0:
        raise RenderError("the HTML page has no </head> to add the Vega scripts to")
    return page[:head_end] + vega_head.read_text(encoding="utf-8") + page[head_end:]


def pandoc_typst(markdown: str, out_dir: Path, meta: dict) -> str:
    """Typst source: report/typst/ (cover, contents, A4, page numbers, table rules).

    pipeline.publish.safe's filter keeps every text literal in Typst; report/filters/typst.lua
    (after it) keeps bold labels with the table they introduce.
    """
    return run_pandoc_with(
        markdown,
        [
            "--to=typst",
            "--standalone",
            f"--template={TYPST_TEMPLATE}",
            "--toc",
            "--variable=toc-depth=2",
            "--columns=400",  # pipe tables keep natural widths; Typst wraps as needed
            "--variable=page-numbering=1",
            "--variable=papersize=a4",
            f"--lua-filter={FILTERS / 'typst.lua'}",
        ],
        meta,
        out_dir,
        [("lua-filter", ".lua", safe.TYPST_LITERAL_FILTER)],
    )


def chart_pngs(out_dir: Path) -> list[Path]:
    """charts/<id>.png beside each charts/<id>.svg (Word needs raster images)."""
    import vl_convert as vlc

    from pipeline.run.memo import write_converted

    written = []
    for svg in sorted((out_dir / "charts").glob("*.svg")):
        png = svg.with_suffix(".png")
        source = svg.read_text(encoding="utf-8")
        write_converted(png, source, lambda s: vlc.svg_to_png(s, scale=PNG_SCALE), PNG_CONVERTER)
        written.append(png)
    return written


def pandoc_docx(markdown: str, out_dir: Path, meta: dict, target: Path) -> None:
    """The Word document (reference.docx styles, cover and contents from word.lua, charts as
    PNG with alt text), finished by :func:`pipeline.publish.word.finish_word_file`, atomically."""
    chart_pngs(out_dir)
    arguments = [
        "--to=docx",
        "--standalone",
        f"--reference-doc={REFERENCE_DOCX}",
        f"--lua-filter={FILTERS / 'word.lua'}",
    ]

    def write(temp: Path) -> None:
        run_pandoc_with(markdown, [*arguments, f"--output={temp}"], meta, out_dir)
        finish_docx(temp)

    atomic_write(target, write)


def finish_docx(path: Path) -> None:
    """Contents with page numbers, document properties, short tables kept whole (log says how)."""
    from pipeline.publish.word import finish_word_file

    log.info("Word file: %s", finish_word_file(path))


def check_no_typst_packages(typst_source: str) -> None:
    """Refuse a Typst package import: Typst would download the package."""
    packages = TYPST_PACKAGE.findall(typst_source)
    if packages:
        raise RenderError(outside_resource_message([f"Typst package {p}" for p in packages]))


def compile_pdf(typst_source: str, out_dir: Path, target: Path) -> None:
    """Compile Typst source to a tagged PDF/UA-1 file (atomically)."""
    import typst

    check_no_typst_packages(typst_source)
    source = hidden_file(out_dir, ".typ", typst_source)

    def compile_to(temp: Path) -> None:
        try:
            typst.compile(str(source), output=str(temp), root=str(out_dir), pdf_standards=["ua-1"])
        except Exception as error:  # typst.TypstError carries the diagnostic
            raise RenderError(f"Typst could not make the PDF: {error}") from error

    try:
        atomic_write(target, compile_to)
    finally:
        source.unlink(missing_ok=True)


def with_security_policy(page: str) -> str:
    """The HTML page with its Content-Security-Policy (see :mod:`pipeline.publish.csp`)."""
    try:
        return add_content_security_policy(page)
    except PolicyError as error:
        raise RenderError(f"cannot add the Content-Security-Policy: {error}") from None


def render_fallback(
    notebook: Path, out_dir: Path, formats: tuple[str, ...]
) -> tuple[dict[str, Path], dict[str, float]]:
    """pandoc (+ Typst) from the executed notebook's Markdown."""
    markdown = notebook_markdown(notebook)
    meta = document_metadata(notebook)
    outputs: dict[str, Path] = {}
    seconds: dict[str, float] = {}
    for fmt in ("pdf", "docx", "html"):
        if fmt not in formats:
            continue
        started = time.perf_counter()
        target = out_dir / OUTPUT_NAMES[fmt]
        if fmt == "html":
            atomic_write_text(target, with_security_policy(pandoc_html(markdown, out_dir, meta)))
        elif fmt == "pdf":
            compile_pdf(pandoc_typst(markdown, out_dir, meta), out_dir, target)
        else:
            pandoc_docx(markdown, out_dir, meta, target)
        outputs[fmt], seconds[fmt] = target, time.perf_counter() - started
    return outputs, seconds


# ---------------------------------------------------------------- Quarto


def staging_folder() -> Path:
    """A new Quarto project in the system's temporary folder: ``_quarto.yml`` and the files
    of ``report/`` it names (styles, filters, Typst partials, Word reference), so that the
    root configuration applies as in the project while Quarto's own scratch folder
    (``.quarto/``) and its additions to a ``.gitignore`` stay out of the project."""
    staging = Path(tempfile.mkdtemp(prefix="complaints-report-quarto-"))
    shutil.copyfile(QUARTO_CONFIG, staging / QUARTO_CONFIG.name)
    shutil.copytree(
        REPORT_DIR,
        staging / REPORT_DIR.name,
        ignore=shutil.ignore_patterns("*.ipynb", "*.py", "text", "__pycache__"),
    )
    return staging


def stage_for_quarto(notebook: Path, out_dir: Path, staging: Path) -> Path:
    """Copy the executed notebook, its charts and the Vega head into a folder of ``staging``
    (not hidden: Quarto skips hidden folders)."""
    folder = staging / "render"
    folder.mkdir()
    staged = folder / notebook.name
    shutil.copyfile(notebook, staged)
    shutil.copyfile(out_dir / VEGA_HEAD, folder / VEGA_HEAD)
    if (out_dir / "charts").is_dir():
        shutil.copytree(out_dir / "charts", folder / "charts")
    return staged


def quarto_warnings(stderr: str) -> list[str]:
    """The warnings and errors in what ``quarto render`` printed, each once, with how many
    times it came ("... (352 times)"); Quarto's progress messages are left out."""
    counts: dict[str, int] = {}
    for line in TERMINAL_COLOUR.sub("", stderr).splitlines():
        found = QUARTO_WARNING.search(line.strip())
        if found:
            counts[found.group(1)] = counts.get(found.group(1), 0) + 1
    return [text if n == 1 else f"{text} ({n} times)" for text, n in counts.items()]


def render_quarto(
    executable: str, notebook: Path, out_dir: Path, formats: tuple[str, ...]
) -> tuple[dict[str, Path], dict[str, float]]:
    """``quarto render`` in a staging project (:func:`staging_folder`), outputs moved into
    place; every warning Quarto printed is logged."""
    wanted = [f for f in ("html", "pdf", "docx") if f in formats]
    if not wanted:
        return {}, {}
    if "docx" in wanted:
        chart_pngs(out_dir)
    staging = staging_folder()
    started = time.perf_counter()
    try:
        staged = stage_for_quarto(notebook, out_dir, staging)
        done = subprocess.run(
            [
                executable,
                "render",
                str(staged),
                "--to",
                ",".join(QUARTO_FORMATS[f] for f in wanted),
            ],
            cwd=staging,
            capture_output=True,
            text=True,
        )
        if done.returncode != 0:
            raise RenderError(f"quarto render failed:\n{done.stderr[-4000:]}")
        resources = FETCH_WARNING.findall(done.stderr)
        if resources:
            raise RenderError(outside_resource_message(resources))
        for warning in quarto_warnings(done.stderr):
            log.warning("quarto: %s", warning)
        outputs: dict[str, Path] = {}
        for fmt in wanted:
            produced = staged.parent / OUTPUT_NAMES[fmt]
            if not produced.is_file():
                raise RenderError(f"quarto render did not write {produced.name}")
            target = out_dir / OUTPUT_NAMES[fmt]
            if fmt == "html":
                page = with_security_policy(produced.read_text(encoding="utf-8"))
                atomic_write_text(target, page)
            else:
                if fmt == "docx":
                    finish_docx(produced)
                atomic_write(target, lambda temp, produced=produced: shutil.move(produced, temp))
            outputs[fmt] = target
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return outputs, {"quarto": time.perf_counter() - started}


# ---------------------------------------------------------------- the entry point


def render_report(
    year: str,
    figures: str | Path,
    validation_summary: str | Path | None,
    reference: str | Path,
    raw_dir: str | Path,
    out_dir: str | Path,
    formats: Sequence[str] = DEFAULT_FORMATS,
    *,
    published: dt.date | None = None,
    key_messages: Sequence[str] = (),
    text_dir: str | Path = TEXT_DIR,
) -> RenderResult:
    """Execute the report notebook for ``year`` and write the requested formats.

    ``published`` (the date on the cover, default today) and ``key_messages`` (shown on
    the cover when given) go into the document metadata. The build runs the same three
    parts as separate steps: :func:`execute_report`, :func:`render_executed` and the
    spreadsheet (:func:`pipeline.publish.spreadsheet.write_spreadsheet`).
    """
    from pipeline.inputs.reference import load_reference
    from pipeline.publish.spreadsheet import write_spreadsheet

    out_dir = Path(out_dir).resolve()
    formats = check_formats(formats)
    started = time.perf_counter()
    write_vega_head(out_dir)
    notebook = execute_report(
        year,
        figures,
        validation_summary,
        reference,
        raw_dir,
        out_dir,
        formats=formats,
        published=published,
        key_messages=key_messages,
        text_dir=text_dir,
    )
    seconds = {"execute": time.perf_counter() - started}
    outputs: dict[str, Path] = {}
    if "xlsx" in formats:
        started = time.perf_counter()
        council = load_reference(reference)
        outputs["xlsx"] = write_spreadsheet(
            figures,
            out_dir / OUTPUT_NAMES["xlsx"],
            year,
            council.authority,
            reference=council,
            published=published,
        )
        seconds["xlsx"] = time.perf_counter() - started
    result = render_executed(notebook, out_dir, formats)
    outputs.update(result.outputs)
    seconds.update(result.seconds)
    outputs = {f: outputs[f] for f in formats if f in outputs}
    log.info("Rendered %s with %s", ", ".join(str(p) for p in outputs.values()), result.renderer)
    return RenderResult(result.renderer, notebook, outputs, seconds)


def execute_report(
    year: str,
    figures: str | Path,
    validation_summary: str | Path | None,
    reference: str | Path,
    raw_dir: str | Path,
    out_dir: str | Path,
    *,
    formats: Sequence[str] = DEFAULT_FORMATS,
    published: dt.date | None = None,
    key_messages: Sequence[str] = (),
    text_dir: str | Path = TEXT_DIR,
) -> Path:
    """Execute the report notebook into ``out_dir/annual-report.ipynb`` (charts beside it),
    with the front matter and, for an HTML page, the list of files delivered beside it."""
    from pipeline.inputs.placeholders import text_placeholders
    from pipeline.inputs.reference import load_reference

    out_dir = Path(out_dir).resolve()
    out_dir.mkdir(parents=True, exist_ok=True)
    formats = check_formats(formats)
    authority = load_reference(reference).authority
    info = DocumentInfo(
        report_title(year),
        authority,
        year,
        published or dt.date.today(),
        tuple(key_messages),
        draft=bool(text_placeholders(Path(text_dir))),
    )
    parameters = {
        "year": year,
        "figures": str(Path(figures).resolve()),
        "validation_summary": str(Path(validation_summary).resolve()) if validation_summary else "",
        "reference": str(Path(reference).resolve()),
        "raw_dir": str(Path(raw_dir).resolve()),
        "out_dir": str(out_dir),
        "text_dir": str(Path(text_dir).resolve()),
        "renderer": choose_renderer()[1],
    }
    downloads = download_files(formats, out_dir) if "html" in formats else []
    return execute_notebook(out_dir, parameters, info, downloads)


def render_executed(
    notebook: Path, out_dir: str | Path, formats: Sequence[str] = DEFAULT_FORMATS
) -> RenderResult:
    """Render an executed report notebook (``vega-head.html`` beside it for HTML) to the
    document formats among ``formats`` (html, pdf, docx; the spreadsheet is separate)."""
    out_dir = Path(out_dir).resolve()
    documents = tuple(f for f in check_formats(formats) if f != "xlsx")
    kind, renderer = choose_renderer()
    if not documents:
        return RenderResult(renderer, notebook)
    if kind == "quarto":
        rendered, timings = render_quarto(quarto_path() or "quarto", notebook, out_dir, documents)
    else:
        rendered, timings = render_fallback(notebook, out_dir, documents)
    return RenderResult(renderer, notebook, rendered, timings)


# ---------------------------------------------------------------- provenance appendix


def input_files(
    figures: str | Path, reference: str | Path, raw_dir: str | Path, validation: str | Path | None
) -> list[Path]:
    """Every input file the report read, in a stable order."""
    files = [Path(figures), Path(reference)]
    raw = Path(raw_dir)
    if raw.is_dir():
        files += sorted(p for p in raw.iterdir() if p.is_file())
    if validation and Path(validation).is_file():
        files.append(Path(validation))
    return [f for f in files if f.is_file()]


def spaced_hash(digest: str) -> str:
    """A SHA-256 in four groups of 16 characters, so that it can wrap on a page."""
    return " ".join(digest[i : i + 16] for i in range(0, len(digest), 16))


def _table(rows: list[tuple[str, str]], header: tuple[str, str]) -> str:
    import polars as pl

    from pipeline.report.narrative import pipe_table

    return pipe_table(pl.DataFrame(rows, schema=list(header), orient="row"))


def manifest_markdown(manifest: dict, renderer: str) -> str:
    """The run manifest as readable tables: run, input checksums, software, step times."""
    git = manifest.get("git") or {}
    commit = git.get("commit", "not a git checkout")
    if git.get("dirty"):
        commit += " (with uncommitted changes)"
    run = [
        ("Reporting year", display_year(manifest.get("year", ""))),
        ("Built at (UTC)", manifest.get("built_at", "")),
        ("Renderer", (manifest.get("renderer") or {}).get("name") or renderer or "not recorded"),
        ("Project commit", commit),
        *(
            (f"Parameter: {k}", ", ".join(v) if isinstance(v, list) else str(v))
            for k, v in manifest.get("parameters", {}).items()
        ),
    ]
    inputs = [(path, spaced_hash(digest)) for path, digest in manifest.get("inputs", {}).items()]
    versions = list(manifest.get("versions", {}).items())
    steps = [(step, f"{seconds:.1f} s") for step, seconds in manifest.get("steps", {}).items()]
    parts = [
        "From the run manifest (`manifest.json`), written before the report was executed.",
        _table(run, ("Item", "Value")),
        "Input files and their SHA-256 checksums (in groups of 16 characters):",
        _table(inputs, ("Input file", "SHA-256")),
        "Software versions:",
        _table(versions, ("Software", "Version")),
    ]
    if steps:
        parts += ["Time of the steps that ran before the report:", _table(steps, ("Step", "Time"))]
    return "\n\n".join(parts)


def provenance_markdown(
    out_dir: str | Path,
    figures: str | Path,
    reference: str | Path,
    raw_dir: str | Path,
    validation_summary: str | Path | None,
    renderer: str,
) -> str:
    """The provenance appendix: the run manifest if there is one, else what can be computed."""
    manifest = Path(out_dir) / "manifest.json"
    if manifest.is_file():
        return manifest_markdown(json.loads(manifest.read_text(encoding="utf-8")), renderer)
    files = input_files(figures, reference, raw_dir, validation_summary)
    hashes = [(f.name, spaced_hash(sha256_file(f))) for f in files]
    return (
        f"Rendered with: {safe.markdown_text(renderer or 'not recorded')}.\n\n"
        "Input files and their SHA-256 checksums (in groups of 16 characters):\n\n"
        f"{_table(hashes, ('Input file', 'SHA-256'))}\n\nSoftware versions:\n\n"
        f"{_table(list(package_versions().items()), ('Software', 'Version'))}"
    )
