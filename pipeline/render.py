"""Execute the report notebook and render it to HTML and a tagged PDF.

The notebook (``report/annual-report.ipynb``) is executed once with Papermill into the
output folder; every output it makes is ``text/markdown``. Then one of two renderers turns
that executed notebook into ``annual-report.html`` and ``annual-report.pdf``:

- **Quarto**, when ``quarto`` is on PATH and the output folder lies inside the project
  (the folder holding ``_quarto.yml``): ``quarto render <nb> --to html,typst``. Quarto does
  not re-execute the notebook.
- **pandoc + Typst** otherwise: nbconvert's Markdown exporter (inputs excluded) gives
  Markdown with the raw HTML/Typst blocks; pandoc (pypandoc-binary) makes the standalone
  HTML with the Vega bundle in its head, and ``pandoc -t typst`` plus the ``typst`` wheel
  make a PDF/UA-1 document.

Each output is written to a temporary name and renamed, so a failed render never leaves a
half-written report. The renderer used is logged and returned for the run manifest.

Nothing is fetched while rendering: the fallback's pandoc runs with ``--sandbox``, and a
reference to an outside resource (which it then reports instead of fetching) stops the
render, as does a Typst package import; with Quarto, a fetch warning in its log stops it.
Data never becomes such a reference: every value is escaped (:mod:`pipeline.safe`). The
HTML gets a Content-Security-Policy (:mod:`pipeline.csp`) whichever renderer wrote it.
"""

from __future__ import annotations

import json
import logging
import os
import re
import shutil
import subprocess
import time
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

import nbformat

from pipeline import PROJECT_ROOT, safe
from pipeline.charts import CHART_LOADER
from pipeline.csp import PolicyError, add_content_security_policy
from pipeline.files import atomic_write_text
from pipeline.narrative import pipe_table
from pipeline.provenance import package_versions, sha256_file
from pipeline.years import display_year

log = logging.getLogger(__name__)

REPORT_NOTEBOOK = PROJECT_ROOT / "report" / "annual-report.ipynb"
TEXT_DIR = PROJECT_ROOT / "report" / "text"
REPORT_STEM = "annual-report"
VEGA_HEAD = "vega-head.html"
LANG = "en-GB"
PAGE_CSS = """
body { max-width: 62em; font-family: Arial, "Liberation Sans", Helvetica, sans-serif;
       color: #0b0c0c; line-height: 1.5; }
figure.chart { margin: 1.5em 0 0.5em 0; }
.vega-chart { max-width: 100%; overflow-x: auto; }
figcaption { font-size: 0.95em; color: #0b0c0c; }
details { margin: 0.5em 0 1.5em 0; }
summary { cursor: pointer; color: #1d70b8; text-decoration: underline; }
summary:focus { outline: 3px solid #fd0; }
table { border-collapse: collapse; margin: 0.5em 0 1em 0; }
th, td { border: 1px solid #b1b4b6; padding: 0.25em 0.6em; text-align: left;
         vertical-align: top; }
caption { text-align: left; font-weight: bold; padding-bottom: 0.3em; }
a { color: #1d70b8; }
"""
# Text from the data can hold very long words: they wrap instead of widening the page.
WRAP_CSS = "main { overflow-wrap: anywhere; }"
TYPST_PREAMBLE = "\n".join(
    [
        "#set par(justify: false)",
        "#set text(hyphenate: false)",
        "#show figure: set block(breakable: true)",
        # a word longer than a line may break anywhere (zero-width break opportunities)
        '#show regex("\\S{40,}"): word => word.text.clusters().join(sym.zws)',
    ]
)
TYPST_FILTER = "typst-literal.lua"
FETCH_WARNING = re.compile(r"Could not fetch resource '?([^'\n:]+(?::[^'\s]*)?)")
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


def inside_project(path: Path) -> bool:
    """True when ``path`` lies under the folder holding ``_quarto.yml``."""
    return path.resolve().is_relative_to(PROJECT_ROOT)


def choose_renderer(out_dir: Path) -> tuple[str, str]:
    """("quarto", "quarto 1.x") when usable, else ("fallback", "pandoc ... + typst ...")."""
    executable = quarto_path()
    if executable and inside_project(out_dir):
        return "quarto", f"quarto {quarto_version(executable)}"
    if executable:
        log.warning("%s is outside %s, so Quarto cannot see _quarto.yml", out_dir, PROJECT_ROOT)
    return "fallback", fallback_renderer_name()


# ---------------------------------------------------------------- small helpers


def report_title(year: str) -> str:
    """The document title (PDF/UA requires one)."""
    return f"Children's services complaints and compliments: annual report {display_year(year)}"


def write_vega_head(out_dir: Path) -> Path:
    """Write the Vega/Vega-Lite/vega-embed bundle (and page styles) for the HTML head."""
    import vl_convert as vlc

    bundle = vlc.javascript_bundle().replace("</script", "<\\/script")
    if "<!--" in bundle:
        raise RenderError("the Vega bundle holds '<!--', which would break its <script> element")
    path = out_dir / VEGA_HEAD
    atomic_write_text(
        path,
        f"<style>{PAGE_CSS}{WRAP_CSS}</style>\n<script>\n{bundle}\n</script>\n"
        f"<script>{CHART_LOADER}</script>\n",
    )
    return path


# ---------------------------------------------------------------- execution


def execute_notebook(out_dir: Path, parameters: dict[str, str], authority: str, year: str) -> Path:
    """Run the report notebook with Papermill into ``out_dir`` and add the title block."""
    from pipeline.runner import NotebookFailed
    from pipeline.runner import execute_notebook as run_notebook

    target = out_dir / f"{REPORT_STEM}.ipynb"
    try:
        run_notebook(REPORT_NOTEBOOK, target, parameters)
    except NotebookFailed as error:
        raise RenderError(
            f"the report notebook stopped: {error.ename}: {error.evalue}",
            data_problem=error.ename in DATA_ERRORS,
        ) from None
    notebook = nbformat.read(target, as_version=4)
    notebook.cells.insert(0, front_matter_cell(authority, year))
    temp = out_dir / f".{REPORT_STEM}.titled.ipynb"
    nbformat.write(notebook, temp)
    os.replace(temp, target)
    return target


def front_matter_cell(authority: str, year: str) -> nbformat.NotebookNode:
    """A raw YAML cell giving Quarto the title, language and the Vega header include.

    The include is set here, relative to the executed notebook, because Quarto resolves
    paths in ``_quarto.yml`` against the project root while the output folder can vary.
    """
    text = "\n".join(
        [
            "---",
            # Quarto reads front-matter strings as Markdown: the names are escaped
            f"title: {json.dumps(safe.markdown_text(report_title(year)))}",
            f"subtitle: {json.dumps(safe.markdown_text(authority))}",
            f"lang: {LANG}",
            "format:",
            "  html:",
            f"    include-in-header: {VEGA_HEAD}",
            "---",
        ]
    )
    return nbformat.v4.new_raw_cell(text)


# ---------------------------------------------------------------- renderers


def notebook_markdown(notebook: Path) -> str:
    """Executed notebook -> Markdown (inputs excluded, raw blocks kept, front matter dropped)."""
    from nbconvert import MarkdownExporter

    exporter = MarkdownExporter(exclude_input=True, exclude_raw=True)
    body, _resources = exporter.from_filename(str(notebook))
    return body


def metadata_args(title: str, subtitle: str) -> list[str]:
    """pandoc arguments for the document language, title and subtitle.

    pandoc takes ``--metadata`` values as literal strings (not Markdown), and its writers
    escape them, so the authority's name needs no escaping here.
    """
    return [
        "--metadata",
        f"lang={LANG}",
        "--metadata",
        f"title={title}",
        "--metadata",
        f"subtitle={subtitle}",
    ]


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


def pandoc_html(markdown: str, out_dir: Path, title: str, subtitle: str) -> str:
    """Standalone, self-contained HTML (the Vega bundle included once in the head)."""
    return run_pandoc(
        markdown,
        [
            "--to=html5",
            "--standalone",
            "--embed-resources",
            "--toc",
            "--toc-depth=2",
            f"--include-in-header={out_dir / VEGA_HEAD}",
            # one <main> landmark around the page, so screen readers can jump to it
            "--variable=include-before=<main>",
            "--variable=include-after=</main>",
            *metadata_args(title, subtitle),
            f"--resource-path={out_dir}",
        ],
        cwd=out_dir,
    )


def pandoc_typst(markdown: str, out_dir: Path, title: str, subtitle: str) -> str:
    """Typst source with title, table of contents, A4 pages and page numbers."""
    literal_filter = out_dir / f".{TYPST_FILTER}"
    literal_filter.write_text(safe.TYPST_LITERAL_FILTER, encoding="utf-8")
    try:
        return run_pandoc(
            markdown,
            [
                "--to=typst",
                "--standalone",
                f"--lua-filter={literal_filter}",
                "--toc",
                "--variable=toc-depth=2",
                "--columns=400",  # pipe tables keep natural widths; Typst wraps as needed
                "--variable=page-numbering=1",
                "--variable=papersize=a4",
                "--variable=margin.x=2.2cm",
                "--variable=margin.y=2.4cm",
                "--variable=mainfont=Liberation Sans",
                "--variable=fontsize=10.5pt",
                "--variable=include-before=" + TYPST_PREAMBLE,
                *metadata_args(title, subtitle),
            ],
        )
    finally:
        literal_filter.unlink(missing_ok=True)


def check_no_typst_packages(typst_source: str) -> None:
    """Refuse a Typst package import: Typst would download the package."""
    packages = TYPST_PACKAGE.findall(typst_source)
    if packages:
        raise RenderError(outside_resource_message([f"Typst package {p}" for p in packages]))


def compile_pdf(typst_source: str, out_dir: Path, target: Path) -> None:
    """Compile Typst source to a tagged PDF/UA-1 file (atomically)."""
    import typst

    check_no_typst_packages(typst_source)
    source = out_dir / f".{REPORT_STEM}.typ"
    tmp = out_dir / f".{REPORT_STEM}.pdf.tmp"
    source.write_text(typst_source, encoding="utf-8")
    try:
        typst.compile(str(source), output=str(tmp), root=str(out_dir), pdf_standards=["ua-1"])
    except Exception as error:  # typst.TypstError carries the diagnostic
        tmp.unlink(missing_ok=True)
        raise RenderError(f"Typst could not make the PDF: {error}") from error
    finally:
        source.unlink(missing_ok=True)
    os.replace(tmp, target)


def with_security_policy(page: str) -> str:
    """The HTML page with its Content-Security-Policy (see :mod:`pipeline.csp`)."""
    try:
        return add_content_security_policy(page)
    except PolicyError as error:
        raise RenderError(f"cannot add the Content-Security-Policy: {error}") from None


def render_fallback(
    notebook: Path, out_dir: Path, formats: tuple[str, ...], title: str, subtitle: str
) -> tuple[dict[str, Path], dict[str, float]]:
    """pandoc (+ Typst) from the executed notebook's Markdown."""
    markdown = notebook_markdown(notebook)
    outputs: dict[str, Path] = {}
    seconds: dict[str, float] = {}
    if "html" in formats:
        started = time.perf_counter()
        target = out_dir / f"{REPORT_STEM}.html"
        page = with_security_policy(pandoc_html(markdown, out_dir, title, subtitle))
        atomic_write_text(target, page)
        outputs["html"], seconds["html"] = target, time.perf_counter() - started
    if "pdf" in formats:
        started = time.perf_counter()
        target = out_dir / f"{REPORT_STEM}.pdf"
        compile_pdf(pandoc_typst(markdown, out_dir, title, subtitle), out_dir, target)
        outputs["pdf"], seconds["pdf"] = target, time.perf_counter() - started
    return outputs, seconds


def render_quarto(
    executable: str, notebook: Path, out_dir: Path, formats: tuple[str, ...]
) -> tuple[dict[str, Path], dict[str, float]]:
    """``quarto render`` of a copy of the executed notebook, outputs renamed into place."""
    staging = out_dir / f"{REPORT_STEM}-render.ipynb"
    shutil.copyfile(notebook, staging)
    to = ",".join("typst" if f == "pdf" else f for f in formats)
    started = time.perf_counter()
    done = subprocess.run(
        [executable, "render", str(staging), "--to", to],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
    )
    staging.unlink(missing_ok=True)
    if done.returncode != 0:
        raise RenderError(f"quarto render failed:\n{done.stderr[-4000:]}")
    resources = FETCH_WARNING.findall(done.stderr)
    if resources:
        raise RenderError(outside_resource_message(resources))
    outputs: dict[str, Path] = {}
    for fmt in formats:
        produced = out_dir / f"{REPORT_STEM}-render.{fmt}"
        if not produced.is_file():
            raise RenderError(f"quarto render did not write {produced.name}")
        target = out_dir / f"{REPORT_STEM}.{fmt}"
        if fmt == "html":
            page = with_security_policy(produced.read_text(encoding="utf-8"))
            atomic_write_text(target, page)
            produced.unlink()
        else:
            os.replace(produced, target)
        outputs[fmt] = target
    return outputs, {"quarto": time.perf_counter() - started}


# ---------------------------------------------------------------- the entry point


def render_report(
    year: str,
    figures: str | Path,
    validation_summary: str | Path | None,
    reference: str | Path,
    raw_dir: str | Path,
    out_dir: str | Path,
    formats: tuple[str, ...] = ("html", "pdf"),
) -> RenderResult:
    """Execute the report notebook for ``year`` and write ``annual-report.{html,pdf}``."""
    from pipeline.reference import load_reference

    out_dir = Path(out_dir).resolve()
    out_dir.mkdir(parents=True, exist_ok=True)
    unknown = set(formats) - {"html", "pdf"}
    if unknown:
        raise RenderError(f"unknown output format(s): {', '.join(sorted(unknown))}")
    kind, renderer = choose_renderer(out_dir)
    authority = load_reference(reference).authority
    parameters = {
        "year": year,
        "figures": str(Path(figures).resolve()),
        "validation_summary": str(Path(validation_summary).resolve()) if validation_summary else "",
        "reference": str(Path(reference).resolve()),
        "raw_dir": str(Path(raw_dir).resolve()),
        "out_dir": str(out_dir),
        "text_dir": str(TEXT_DIR),
        "renderer": renderer,
    }
    started = time.perf_counter()
    write_vega_head(out_dir)
    notebook = execute_notebook(out_dir, parameters, authority, year)
    seconds = {"execute": time.perf_counter() - started}
    if kind == "quarto":
        outputs, timings = render_quarto(quarto_path() or "quarto", notebook, out_dir, formats)
    else:
        outputs, timings = render_fallback(
            notebook, out_dir, formats, report_title(year), authority
        )
    seconds.update(timings)
    log.info("Rendered %s with %s", ", ".join(str(p) for p in outputs.values()), renderer)
    return RenderResult(renderer, notebook, outputs, seconds)


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
