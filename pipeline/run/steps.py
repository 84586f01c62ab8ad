"""The steps of a build: what each one reads, what it writes, what code it runs.

A build has six steps. Each names the steps it comes after, the files its result
depends on (its *inputs*), the code it runs (its notebook, the ``pipeline`` modules that
notebook or step imports, found by reading their import statements) and the files it
writes into the build folder (its *outputs*). The build hashes inputs, code and package
versions into one key per step: a step whose key equals the one recorded in the last
build's manifest is reused (its outputs copied from the last build) instead of run.

| step        | after             | inputs                                                  |
|-------------|-------------------|---------------------------------------------------------|
| validate    | -                 | extracts, reference, suites, vendored Data Docs assets  |
| figures     | -                 | extracts, reference, history                            |
| assets      | -                 | (package versions and code only): the HTML head         |
| spreadsheet | figures           | figures, reference, cover date (the spreadsheet)        |
| report      | validate, figures | figures, validation summary, prose, published texts,    |
|             |                   | reference, what the provenance appendix shows, cover    |
|             |                   | date, the downloads the page lists                      |
| render      | report, assets    | executed notebook, charts, HTML head, ``_quarto.yml``,  |
|             |                   | styling files under ``report/``, renderer (per format)  |

Render has one *part* per document format, each with its own key, so HTML and PDF are
reused separately. To add an output, add a part to a step (a format) or a small
:class:`Step` to :data:`STEPS` with its ``after``, inputs, outputs and ``run``.
"""

from __future__ import annotations

import ast
import functools
import hashlib
import json
import re
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from pipeline import PROJECT_ROOT
from pipeline.run.provenance import package_versions, sha256_file

if TYPE_CHECKING:
    from pipeline.run.options import BuildOptions

PACKAGE_DIR = PROJECT_ROOT / "pipeline"
VALIDATE_NOTEBOOK = PROJECT_ROOT / "notebooks" / "validate.ipynb"
FIGURES_NOTEBOOK = PROJECT_ROOT / "notebooks" / "figures.ipynb"
REPORT_NOTEBOOK = PROJECT_ROOT / "report" / "annual-report.ipynb"
SUITES_DIR = PROJECT_ROOT / "expectations"
DATADOCS_DIR = PROJECT_ROOT / "vendor" / "datadocs"
QUARTO_CONFIG = PROJECT_ROOT / "_quarto.yml"
REPORT_DIR = PROJECT_ROOT / "report"
REPORT_STEM = "annual-report"
# what the report notebook's first cell imports, imported early in its kernel
REPORT_IMPORTS: tuple[str, ...] = (
    "pipeline.report.charts",
    "pipeline.report.narrative",
    "pipeline.checks.publication",
    "pipeline.inputs.reference",
    "pipeline.publish.render",
)
# the extracts whose free text the report publishes (recommendations name their escalation)
PUBLISHED_TEXT_STEMS: tuple[str, ...] = ("compliments", "recommendations", "escalations", "lgo")
CHART_FILE = re.compile(r"charts/([A-Za-z0-9_.-]+\.svg)")
WHOLE = ""  # the part name of a step that is not split into parts


class BuildFailed(Exception):
    """A step failed; ``status`` is 2 for a data problem, 1 otherwise.

    ``details`` holds what the analyst needs beyond the one line (the validation
    summary), for callers that did not see it printed (the preview page).
    """

    def __init__(self, step: str, message: str, status: int, details: str = "") -> None:
        self.step = step
        self.status = status
        self.details = details
        super().__init__(f"{step}: {message}")


@dataclass(frozen=True)
class StepContext:
    """What a step needs to compute its key and to run.

    ``options`` has absolute paths. ``folder`` is where the step writes its outputs
    and reads those of the steps before it. ``provenance`` is what the report's
    provenance appendix shows that can change between builds (inputs, parameters,
    versions, renderer), without the run's own time and step durations.
    """

    options: BuildOptions
    folder: Path
    renderer: str
    provenance: dict


@dataclass(frozen=True)
class Step:
    """One step of the build (see the module docstring)."""

    name: str
    after: tuple[str, ...]
    code: Callable[[], list[Path]]
    inputs: Callable[[StepContext, str], dict]
    outputs: Callable[[str], tuple[str, ...]]
    run: Callable[[StepContext, tuple[str, ...]], None]
    parts: Callable[[BuildOptions], tuple[str, ...]] = lambda options: (WHOLE,)
    reads_manifest: bool = False  # the manifest so far must be written before it runs
    warm_up: Callable[[], None] | None = None  # start its kernel while earlier steps run
    seed: tuple[str, ...] = ()  # outputs of the last build it may keep when still valid

    def unit(self, part: str) -> str:
        """Name of one part in the manifest and progress lines: ``render.pdf``."""
        return f"{self.name}.{part}" if part else self.name


# ---------------------------------------------------------------- hashing inputs


@functools.lru_cache(maxsize=4096)
def _sha256(path: Path, mtime_ns: int, size: int) -> str:
    return sha256_file(path)


def forget_hashes() -> None:
    """Start a build afresh: a file rewritten within the file system's timestamp
    resolution, at the same size, must not keep an earlier build's hash."""
    _sha256.cache_clear()
    _module_imports.cache_clear()
    _notebook_imports.cache_clear()


def file_hash(path: Path) -> str | None:
    """SHA-256 of a file's bytes (cached within a build), None if missing."""
    try:
        stat = path.stat()
    except OSError:
        return None
    return _sha256(path, stat.st_mtime_ns, stat.st_size) if path.is_file() else None


def files_under(folder: Path, *, pattern: str = "*") -> list[Path]:
    """Files under ``folder`` (recursively), hidden ones left out, in a stable order."""
    if not folder.is_dir():
        return []
    return sorted(
        p
        for p in folder.rglob(pattern)
        if p.is_file() and not any(part.startswith(".") for part in p.relative_to(folder).parts)
    )


def hashes(files: Iterable[Path], root: Path) -> dict[str, str | None]:
    """Path relative to ``root`` -> SHA-256, so that a key does not depend on where
    the folder lies, only on what it holds."""
    return {p.relative_to(root).as_posix(): file_hash(p) for p in files}


def extract_files(options: BuildOptions, stems: Iterable[str] | None = None) -> list[Path]:
    """The files in the extract folder (only those of ``stems`` when given)."""
    files = files_under(options.raw)
    if stems is None:
        return files
    wanted = set(stems)
    return [p for p in files if p.stem in wanted]


def notebook_content_hash(path: Path) -> str | None:
    """SHA-256 of an executed notebook's cells and outputs, without run times.

    Papermill stamps every cell with start and end times, so the file's bytes differ
    on each run even when everything the renderer reads is the same.
    """
    try:
        notebook = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None

    def without_times(metadata: dict) -> dict:
        return {k: v for k, v in metadata.items() if k not in ("papermill", "execution")}

    content = {
        "metadata": without_times(notebook.get("metadata", {})),
        "cells": [
            {
                "type": cell.get("cell_type"),
                "source": cell.get("source"),
                "metadata": without_times(cell.get("metadata", {})),
                "outputs": [
                    {k: v for k, v in output.items() if k != "execution_count"}
                    for output in cell.get("outputs", [])
                ],
            }
            for cell in notebook.get("cells", [])
        ],
    }
    blob = json.dumps(content, sort_keys=True).encode()
    return hashlib.sha256(blob).hexdigest()


# ---------------------------------------------------------------- the code a step runs


def imported_modules(source: str) -> set[str]:
    """Names of the ``pipeline`` modules that Python source imports (anywhere in it)."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names |= {a.name for a in node.names if a.name.split(".")[0] == "pipeline"}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            if node.module.split(".")[0] != "pipeline":
                continue
            names.add(node.module)  # what is imported from it may be modules too
            names |= {f"{node.module}.{a.name}" for a in node.names}
    return names


def module_file(name: str) -> Path | None:
    """``pipeline.publish.render`` -> ``pipeline/publish/render.py``, ``pipeline.publish``
    -> ``pipeline/publish/__init__.py`` (None for names that are not modules)."""
    folder = PACKAGE_DIR.joinpath(*name.split(".")[1:])
    path = folder / "__init__.py" if folder.is_dir() else folder.with_suffix(".py")
    return path if path.is_file() else None


def notebook_source(path: Path) -> str:
    """The Python source of a notebook's code cells (IPython magics left out)."""
    notebook = json.loads(path.read_text(encoding="utf-8"))
    lines = []
    for cell in notebook.get("cells", []):
        if cell.get("cell_type") == "code":
            source = cell.get("source", "")
            text = "".join(source) if isinstance(source, list) else source
            lines += [ln for ln in text.splitlines() if not ln.lstrip().startswith(("%", "!"))]
    return "\n".join(lines)


@functools.lru_cache(maxsize=256)
def _module_imports(path: Path, mtime_ns: int) -> frozenset[str]:
    return frozenset(imported_modules(path.read_text(encoding="utf-8")))


@functools.lru_cache(maxsize=32)
def _notebook_imports(path: Path, mtime_ns: int) -> frozenset[str]:
    try:
        return frozenset(imported_modules(notebook_source(path)))
    except SyntaxError:  # cannot tell what it imports: count the whole package
        return frozenset(package_modules())


def package_modules() -> list[str]:
    """Every module of the ``pipeline`` package, by its dotted name."""
    names = []
    for path in sorted(PACKAGE_DIR.rglob("*.py")):
        parts = path.relative_to(PACKAGE_DIR.parent).with_suffix("").parts
        names.append(".".join(parts[:-1] if parts[-1] == "__init__" else parts))
    return names


def code_closure(modules: Iterable[str], notebooks: Iterable[Path] = ()) -> list[Path]:
    """The notebooks, plus every ``pipeline`` module they or ``modules`` import,
    directly or through each other (``pipeline/__init__.py`` always), plus this file,
    which says how each step runs (but not what it imports: that is per step)."""
    todo = {"pipeline", *modules}
    files: set[Path] = {Path(__file__).resolve()}
    for notebook in notebooks:
        files.add(notebook)
        todo |= _notebook_imports(notebook, notebook.stat().st_mtime_ns)
    seen: set[str] = set()
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        path = module_file(name)
        if path is None:
            continue
        files.add(path)
        todo |= _module_imports(path, path.stat().st_mtime_ns) - seen
    return sorted(files)


def code_hashes(files: Iterable[Path]) -> dict[str, str | None]:
    """Code file -> SHA-256, named relative to the project (by file name when outside it),
    so that a key depends on what the code says, not on where the project lies."""
    return {
        (p.relative_to(PROJECT_ROOT).as_posix() if p.is_relative_to(PROJECT_ROOT) else p.name): (
            file_hash(p)
        )
        for p in files
    }


def step_key(step: Step, context: StepContext, part: str) -> str:
    """One hash over a step's inputs, its code, the reporting year and package versions."""
    material = {
        "step": step.unit(part),
        "year": context.options.year,
        "inputs": step.inputs(context, part),
        "code": code_hashes(step.code()),
        "versions": package_versions(),
    }
    blob = json.dumps(material, sort_keys=True, default=str)
    return hashlib.sha256(blob.encode()).hexdigest()


# ---------------------------------------------------------------- validate


def validate_code() -> list[Path]:
    """The validate notebook and the modules it and the step import."""
    return code_closure(["pipeline.checks.validate"], [VALIDATE_NOTEBOOK])


def validate_inputs(context: StepContext, part: str) -> dict:
    """Extracts, reference file and the Great Expectations suites."""
    options = context.options
    return {
        "extracts": hashes(extract_files(options), options.raw),
        "reference": file_hash(options.reference),
        "suites": hashes(sorted(SUITES_DIR.glob("*.json")), SUITES_DIR),
        "data_docs_assets": hashes(datadocs_files(), DATADOCS_DIR),
    }


def datadocs_files() -> list[Path]:
    """The vendored files the offline Data Docs are made with (:mod:`pipeline.checks.datadocs`)."""
    return [DATADOCS_DIR / "package-lock.json", *files_under(DATADOCS_DIR / "assets")]


def warm_validate_kernel() -> None:
    """Start the validate notebook's kernel in the background (imported here, when the
    build starts the step early, not when this module is imported)."""
    from pipeline.checks.validate import warm_validate_kernel as start

    start()


def run_validate(context: StepContext, parts: tuple[str, ...]) -> None:
    """Validate the extracts; a failed check stops the build with the summary."""
    from pipeline.checks.validate import run_validate_cli

    options = context.options
    status = run_validate_cli(options.year, options.raw, options.reference, context.folder)
    if status == 2:
        summary = context.folder / "validation" / "summary.md"
        details = summary.read_text(encoding="utf-8") if summary.is_file() else ""
        raise BuildFailed(
            "validate", "the extracts failed validation (see the summary)", 2, details
        )
    if status != 0:
        raise BuildFailed("validate", "validation crashed (message above)", 1)


# ---------------------------------------------------------------- figures


def figures_code() -> list[Path]:
    """The figures notebook and the modules it and the step import."""
    return code_closure(["pipeline.run.runner"], [FIGURES_NOTEBOOK])


def figures_inputs(context: StepContext, part: str) -> dict:
    """Extracts, reference file and the earlier years' figures."""
    options = context.options
    return {
        "extracts": hashes(extract_files(options), options.raw),
        "reference": file_hash(options.reference),
        "history": hashes(files_under(options.history, pattern="*.csv"), options.history),
        "history_notes": file_hash(options.history / "notes.yml"),
    }


def run_figures(context: StepContext, parts: tuple[str, ...]) -> None:
    """Compute figures.csv and figures.parquet with notebooks/figures.ipynb."""
    from pipeline.run.runner import NotebookFailed, execute_notebook

    options = context.options
    parameters = {
        "year": options.year,
        "raw_dir": str(options.raw),
        "reference": str(options.reference),
        "history_dir": str(options.history),
        "out_dir": str(context.folder),
    }
    try:
        execute_notebook(
            FIGURES_NOTEBOOK, context.folder / "notebooks" / "figures.ipynb", parameters
        )
    except NotebookFailed as exc:
        status = 2 if exc.ename == "InputError" else 1
        raise BuildFailed("figures", f"{exc.ename}: {exc.evalue}", status) from None


# ---------------------------------------------------------------- assets


def assets_parts(options: BuildOptions) -> tuple[str, ...]:
    """Only an HTML report needs the head (chart library and page styles)."""
    return (WHOLE,) if "html" in options.formats else ()


def assets_code() -> list[Path]:
    """The render module, which writes the head."""
    return code_closure(["pipeline.publish.render"])


def no_inputs(context: StepContext, part: str) -> dict:
    """The step reads no file: its key is its code and the package versions."""
    return {}


def run_assets(context: StepContext, parts: tuple[str, ...]) -> None:
    """Write ``vega-head.html`` in a child process.

    Bundling the chart library takes about a second and holds Python's global lock,
    which would stall the notebooks this process is running side by side.
    """
    done = subprocess.run(
        [sys.executable, "-m", "pipeline.run.steps", "assets", str(context.folder)],
        capture_output=True,
        text=True,
        cwd=PROJECT_ROOT,
    )
    if done.returncode != 0:
        raise BuildFailed("assets", done.stderr.strip()[-2000:] or "failed", 1)


# ---------------------------------------------------------------- report


def report_code() -> list[Path]:
    """The report notebook and every module it or the step imports."""
    return code_closure(["pipeline.publish.render"], [REPORT_NOTEBOOK])


def report_inputs(context: StepContext, part: str) -> dict:
    """Figures, validation summary, prose, published texts, reference and provenance;
    the date on the cover, and the files the HTML page lists as downloads."""
    from pipeline.publish.render import check_formats, download_files

    options, folder = context.options, context.folder
    formats = check_formats(options.formats)
    return {
        "cover_date": (options.published or date.today()).isoformat(),
        "downloads": download_files(formats, folder) if "html" in formats else [],
        "figures": file_hash(folder / "figures.csv"),
        "history_notes": file_hash(folder / "history-notes.yml"),
        "validation": file_hash(folder / "validation" / "summary.md"),
        "prose": hashes(files_under(options.text), options.text),
        "published_texts": hashes(extract_files(options, PUBLISHED_TEXT_STEMS), options.raw),
        "reference": file_hash(options.reference),
        "provenance": context.provenance,
    }


def warm_report_kernel() -> None:
    """Start the report notebook's kernel, with its libraries imported, in the background."""
    from pipeline.run.runner import warm_kernel

    warm_kernel(REPORT_NOTEBOOK, REPORT_IMPORTS)


def run_report(context: StepContext, parts: tuple[str, ...]) -> None:
    """Execute the report notebook; keep a copy in ``notebooks/`` as the audit trail."""
    from pipeline.publish.render import RenderError, execute_report
    from pipeline.report.narrative import key_messages_of

    options, folder = context.options, context.folder
    figures = folder / "figures.csv"
    try:
        notebook = execute_report(
            year=options.year,
            figures=figures,
            validation_summary=folder / "validation" / "summary.md",
            reference=options.reference,
            raw_dir=options.raw,
            out_dir=folder,
            formats=options.formats,
            published=options.published or date.today(),
            key_messages=key_messages_of(figures, options.reference, options.year),
            text_dir=options.text,
        )
    except RenderError as exc:
        raise BuildFailed("report", str(exc), 2 if exc.data_problem else 1) from None
    (folder / "notebooks").mkdir(exist_ok=True)
    shutil.copy2(notebook, folder / "notebooks" / notebook.name)
    remove_unused_charts(folder / "charts", notebook.read_text(encoding="utf-8"))


def remove_unused_charts(charts: Path, notebook_text: str) -> None:
    """Delete chart files (carried over from the last build) the report no longer uses:
    the SVG, the PNG made from it for Word, and their keys (see :mod:`pipeline.run.memo`)."""
    used = set(CHART_FILE.findall(notebook_text))
    for path in charts.glob("*.svg") if charts.is_dir() else ():
        if path.name not in used:
            for kept in (path, path.with_suffix(".png")):
                kept.unlink(missing_ok=True)
                kept.with_name(kept.name + ".key").unlink(missing_ok=True)


# ---------------------------------------------------------------- render


def render_parts(options: BuildOptions) -> tuple[str, ...]:
    """One part per document format (html, pdf, docx); the spreadsheet is its own step."""
    return tuple(f for f in options.formats if f != "xlsx")


def render_code() -> list[Path]:
    """The render module and what it imports."""
    return code_closure(["pipeline.publish.render"])


def styling_files() -> list[Path]:
    """Files under ``report/`` that shape the output: all but the notebook and the prose."""
    return [
        p
        for p in files_under(REPORT_DIR)
        if p != REPORT_NOTEBOOK and not p.is_relative_to(REPORT_DIR / "text")
    ]


def render_inputs(context: StepContext, part: str) -> dict:
    """Executed notebook, charts, HTML head, Quarto configuration, styling, renderer (and,
    for Word, whether LibreOffice can lay out the pages for the contents' page numbers)."""
    from pipeline.publish.word import soffice_path

    folder = context.folder
    paged = {"libreoffice": soffice_path() is not None} if part == "docx" else {}
    return {
        **paged,
        "format": part,
        "renderer": context.renderer,
        "notebook": notebook_content_hash(folder / f"{REPORT_STEM}.ipynb"),
        "charts": hashes(files_under(folder / "charts", pattern="*.svg"), folder / "charts"),
        "head": file_hash(folder / "vega-head.html"),
        "quarto": file_hash(QUARTO_CONFIG),
        "styling": hashes(styling_files(), REPORT_DIR),
    }


def run_render(context: StepContext, parts: tuple[str, ...]) -> None:
    """Render the executed notebook to the formats in ``parts``.

    With pandoc and Typst each format is rendered in its own thread (pandoc runs as a
    child process, so HTML and PDF take about the time of the slower one); Quarto
    renders them in one run.
    """
    from pipeline.publish.render import RenderError, choose_renderer, render_executed

    folder = context.folder
    notebook = folder / f"{REPORT_STEM}.ipynb"
    separate = len(parts) > 1 and choose_renderer()[0] == "fallback"
    try:
        if not separate:
            render_executed(notebook, folder, parts)
            return
        with ThreadPoolExecutor(max_workers=len(parts), thread_name_prefix="render") as pool:
            jobs = [pool.submit(render_executed, notebook, folder, (part,)) for part in parts]
            for job in jobs:
                job.result()
    except RenderError as exc:
        raise BuildFailed("render", str(exc), 2 if exc.data_problem else 1) from None


def render_outputs(part: str) -> tuple[str, ...]:
    """``annual-report.<format>``."""
    from pipeline.publish.render import OUTPUT_NAMES

    return (OUTPUT_NAMES[part],)


# ---------------------------------------------------------------- spreadsheet


def spreadsheet_parts(options: BuildOptions) -> tuple[str, ...]:
    """Only when the spreadsheet is asked for (it is by default)."""
    return (WHOLE,) if "xlsx" in options.formats else ()


def spreadsheet_code() -> list[Path]:
    """The spreadsheet module and what it imports."""
    return code_closure(["pipeline.publish.spreadsheet", "pipeline.inputs.reference"])


def spreadsheet_inputs(context: StepContext, part: str) -> dict:
    """The figures, the reference file (the council's name, contact, limits) and the
    date of publication on the cover."""
    return {
        "figures": file_hash(context.folder / "figures.csv"),
        "reference": file_hash(context.options.reference),
        "cover_date": (context.options.published or date.today()).isoformat(),
    }


def run_spreadsheet(context: StepContext, parts: tuple[str, ...]) -> None:
    """Write every table of the report as an accessible spreadsheet."""
    from pipeline.inputs.reference import load_reference
    from pipeline.metrics.history_notes import notes_beside
    from pipeline.publish.spreadsheet import write_spreadsheet
    from pipeline.report.disclosure import read_published_view

    options, folder = context.options, context.folder
    reference = load_reference(options.reference)
    (target,) = render_outputs("xlsx")
    view = read_published_view(folder / "figures.csv", reference, options.year)
    write_spreadsheet(
        view,
        folder / target,
        options.year,
        reference.authority,
        reference=reference,
        published=options.published or date.today(),
        history_notes=notes_beside(folder / "figures.csv"),
    )


STEPS: tuple[Step, ...] = (
    Step(
        "validate",
        after=(),
        code=validate_code,
        inputs=validate_inputs,
        outputs=lambda part: ("validation", "notebooks/validate.ipynb"),
        run=run_validate,
        warm_up=warm_validate_kernel,
    ),
    Step(
        "figures",
        after=(),
        code=figures_code,
        inputs=figures_inputs,
        outputs=lambda part: (
            "figures.csv",
            "figures.parquet",
            "figures-published.csv",
            "history-notes.yml",
            "notebooks/figures.ipynb",
        ),
        run=run_figures,
    ),
    Step(
        "assets",
        after=(),
        code=assets_code,
        inputs=no_inputs,
        outputs=lambda part: ("vega-head.html",),
        run=run_assets,
        parts=assets_parts,
    ),
    Step(
        "report",
        after=("validate", "figures"),
        code=report_code,
        inputs=report_inputs,
        outputs=lambda part: (
            f"{REPORT_STEM}.ipynb",
            f"notebooks/{REPORT_STEM}.ipynb",
            "charts",
        ),
        run=run_report,
        reads_manifest=True,
        warm_up=warm_report_kernel,
        seed=("charts",),
    ),
    Step(
        "spreadsheet",
        after=("figures",),
        code=spreadsheet_code,
        inputs=spreadsheet_inputs,
        outputs=lambda part: render_outputs("xlsx"),
        run=run_spreadsheet,
        parts=spreadsheet_parts,
    ),
    Step(
        "render",
        after=("report", "assets"),
        code=render_code,
        inputs=render_inputs,
        outputs=render_outputs,
        run=run_render,
        parts=render_parts,
    ),
)
STEP_NAMES: tuple[str, ...] = tuple(step.name for step in STEPS)


def main(argv: list[str]) -> int:
    """``python -m pipeline.run.steps assets FOLDER``: the assets step in its own process."""
    from pipeline.publish.render import write_vega_head

    if len(argv) != 2 or argv[0] != "assets":
        print("usage: python -m pipeline.run.steps assets FOLDER", file=sys.stderr)
        return 1
    write_vega_head(Path(argv[1]))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
