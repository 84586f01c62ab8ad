"""The yearly cycle in one command: validate -> figures -> report -> render.

A build writes into a temporary folder beside ``<out>`` and swaps it in only when every
step succeeded, so a failed or killed build leaves the previous report as it was.
``<out>/manifest.json`` records what went in (SHA-256 of every input), the software
that ran, the renderer and the time of each step. A build whose inputs, code and
parameters hash to the same key as the last successful one is reused, not redone.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from pipeline import PROJECT_ROOT
from pipeline.files import atomic_write, atomic_write_text, replace_folder
from pipeline.lock import holding_build_lock
from pipeline.provenance import package_versions, sha256_file

MANIFEST = "manifest.json"
CODE_GLOBS: tuple[str, ...] = (
    "pipeline/*.py",
    "notebooks/*.ipynb",
    "report/*.ipynb",
    "expectations/*.json",
    "_quarto.yml",
    "report/*.css",
    "report/*.html",
    "report/*.docx",
    "report/typst/*",
    "report/filters/*.lua",
    "vendor/datadocs/package-lock.json",
)
STEPS: tuple[str, ...] = ("validate", "figures", "report", "render")  # in manifest order


class BuildFailed(Exception):
    """A step failed; ``status`` is 2 for a data problem, 1 otherwise."""

    def __init__(self, step: str, message: str, status: int) -> None:
        self.step = step
        self.status = status
        super().__init__(f"{step}: {message}")


@dataclass(frozen=True)
class BuildOptions:
    """Everything a build depends on besides the files it reads."""

    year: str
    raw: Path
    reference: Path
    history: Path
    out: Path
    formats: tuple[str, ...] = ("html", "pdf", "xlsx")
    force: bool = False
    wait: bool = False  # for another build of the same output to finish (else stop at once)

    def parameters(self) -> dict[str, object]:
        """The options as plain JSON values (paths as given)."""
        return {
            "year": self.year,
            "raw": str(self.raw),
            "reference": str(self.reference),
            "history": str(self.history),
            "out": str(self.out),
            "formats": list(self.formats),
        }


@dataclass
class BuildOutcome:
    """What a build did: reused or built, where, with which renderer, how long."""

    out: Path
    reused: bool
    outputs: dict[str, Path]
    renderer: str
    seconds: dict[str, float] = field(default_factory=dict)


# ---------------------------------------------------------------- hashing


def _display(path: Path) -> str:
    """A path relative to the project when it lies inside it, else absolute."""
    resolved = path.resolve()
    if resolved.is_relative_to(PROJECT_ROOT):
        return str(resolved.relative_to(PROJECT_ROOT))
    return str(resolved)


def _files_under(folder: Path) -> list[Path]:
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.rglob("*") if p.is_file() and not p.name.startswith("."))


def input_files(options: BuildOptions) -> list[Path]:
    """Every input of a build: extracts, reference, history and the report prose."""
    files = [*_files_under(options.raw), options.reference]
    files += sorted(options.history.glob("*.csv")) if options.history.is_dir() else []
    files += _files_under(PROJECT_ROOT / "report" / "text")
    return files


def code_files() -> list[Path]:
    """The project's code, notebooks and suites: a change to any of them rebuilds."""
    return sorted({p for pattern in CODE_GLOBS for p in PROJECT_ROOT.glob(pattern)})


def hash_files(files: Iterable[Path]) -> dict[str, str]:
    """Display path -> SHA-256, for the manifest."""
    return {_display(p): sha256_file(p) for p in files if p.is_file()}


def renderer_kind() -> str:
    """``quarto`` when a quarto executable is on PATH, else ``pandoc + typst``."""
    return "quarto" if shutil.which("quarto") else "pandoc + typst"


def build_key(options: BuildOptions, inputs: dict[str, str], code: dict[str, str]) -> str:
    """One hash over inputs, code, parameters, package versions and renderer kind."""
    parameters = {k: v for k, v in options.parameters().items() if k != "out"}
    blob = json.dumps(
        {
            "inputs": inputs,
            "code": code,
            "parameters": parameters,
            "versions": package_versions(),
            "renderer": renderer_kind(),
        },
        sort_keys=True,
    )
    return hashlib.sha256(blob.encode()).hexdigest()


def git_commit() -> dict[str, object] | None:
    """The project's git commit and whether the work tree has changes, if it is a repo."""
    if not (PROJECT_ROOT / ".git").exists():
        return None
    try:
        commit = subprocess.run(
            ["git", "-C", str(PROJECT_ROOT), "rev-parse", "HEAD"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        status = subprocess.run(
            ["git", "-C", str(PROJECT_ROOT), "status", "--porcelain", "--untracked-files=no"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    except (OSError, subprocess.CalledProcessError):
        return None
    return {"commit": commit, "dirty": bool(status.strip())}


# ---------------------------------------------------------------- manifest


def read_manifest(out: Path) -> dict | None:
    """The manifest of the build in ``out``, or None."""
    try:
        return json.loads((out / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def write_manifest(folder: Path, manifest: dict) -> None:
    """Write ``manifest.json`` atomically."""
    atomic_write_text(folder / MANIFEST, json.dumps(manifest, indent=2) + "\n")


def reusable(options: BuildOptions, key: str) -> dict | None:
    """The previous manifest when its key matches and its outputs are all there."""
    manifest = read_manifest(options.out)
    if manifest is None or manifest.get("build_key") != key:
        return None
    outputs = manifest.get("outputs", {})
    wanted = set(options.formats)
    if set(outputs) != wanted or not all((options.out / p).is_file() for p in outputs.values()):
        return None
    return manifest


# ---------------------------------------------------------------- folders


def temp_folder(out: Path) -> Path:
    """A new, empty folder beside ``out`` to build into.

    Not a hidden (dot) folder: Quarto leaves files in hidden folders out of a project.
    """
    out.parent.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
    folder = out.parent / f"{out.name}.building-{stamp}-{os.getpid()}"
    folder.mkdir()
    return folder


def leftovers(out: Path) -> list[Path]:
    """Temporary folders of earlier builds of ``out`` that did not finish."""
    return sorted(out.parent.glob(f"{out.name}.building-*")) + sorted(
        out.parent.glob(f"{out.name}.previous-*")
    )


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # exists, owned by someone else
        return True
    return True


def remove_leftovers(out: Path) -> list[Path]:
    """Delete the temporary folders that interrupted builds left behind.

    Called while holding the build lock of ``out``; a folder whose process (the number
    ending its name) is still running is never removed, whatever the lock says.
    """
    removed = []
    for folder in leftovers(out):
        pid = folder.name.rsplit("-", 1)[-1]
        if pid.isdigit() and int(pid) != os.getpid() and _process_alive(int(pid)):
            continue
        shutil.rmtree(folder, ignore_errors=True)
        removed.append(folder)
    return removed


# ---------------------------------------------------------------- the steps


def step_validate(options: BuildOptions, folder: Path) -> None:
    """Validate the extracts; a failed check stops the build with the summary."""
    from pipeline.validate import run_validate_cli

    status = run_validate_cli(options.year, options.raw, options.reference, folder)
    if status == 2:
        raise BuildFailed("validate", "the extracts failed validation (summary above)", 2)
    if status != 0:
        raise BuildFailed("validate", "validation crashed (message above)", 1)


def step_figures(options: BuildOptions, folder: Path) -> None:
    """Compute figures.csv with notebooks/figures.ipynb."""
    from pipeline.runner import NotebookFailed, execute_notebook, project_path

    parameters = {
        "year": options.year,
        "raw_dir": str(options.raw.resolve()),
        "reference": str(options.reference.resolve()),
        "history_dir": str(options.history.resolve()),
        "out_dir": str(folder.resolve()),
    }
    try:
        execute_notebook(
            project_path("notebooks/figures.ipynb"),
            folder / "notebooks" / "figures.ipynb",
            parameters,
        )
    except NotebookFailed as exc:
        status = 2 if exc.ename == "InputError" else 1
        raise BuildFailed("figures", f"{exc.ename}: {exc.evalue}", status) from None


def step_report_and_render(options: BuildOptions, folder: Path) -> tuple[dict, dict, str]:
    """Execute the report notebook and render it; returns outputs, timings, renderer."""
    from pipeline.narrative import key_messages_of
    from pipeline.render import RenderError, render_report

    try:
        result = render_report(
            year=options.year,
            figures=folder / "figures.csv",
            validation_summary=folder / "validation" / "summary.md",
            reference=options.reference,
            raw_dir=options.raw,
            out_dir=folder,
            formats=options.formats,
            key_messages=key_messages_of(folder / "figures.csv", options.reference, options.year),
        )
    except RenderError as exc:
        raise BuildFailed("report", str(exc), 2 if exc.data_problem else 1) from None
    notebooks = folder / "notebooks"
    notebooks.mkdir(exist_ok=True)
    shutil.copy2(result.notebook, notebooks / result.notebook.name)
    outputs = {fmt: path.relative_to(folder.resolve()) for fmt, path in result.outputs.items()}
    return outputs, dict(result.seconds), result.renderer


def planned_renderer(folder: Path) -> str:
    """Name and version of the renderer the report step will use."""
    from pipeline.render import choose_renderer

    return choose_renderer(folder)[1]


def timed(step: Callable[[], object]) -> tuple[object, float]:
    """Run a step and measure its wall time in seconds."""
    started = time.perf_counter()
    value = step()
    return value, round(time.perf_counter() - started, 2)


def base_manifest(options: BuildOptions, key: str, inputs: dict[str, str]) -> dict:
    """The manifest fields known before the steps run."""
    return {
        "year": options.year,
        "built_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "build_key": key,
        "parameters": options.parameters(),
        "inputs": inputs,
        "versions": package_versions(),
        "renderer": {"kind": renderer_kind(), "name": None},
        "git": git_commit(),
        "steps": {},
        "outputs": {},
    }


@holding_build_lock
def run_build(options: BuildOptions, progress: Callable[[str, float], None]) -> BuildOutcome:
    """Build the report for ``options`` (or reuse the last build) and return what happened.

    ``progress(step, seconds)`` is called after each step. Raises :class:`BuildFailed`, or
    :class:`pipeline.lock.BuildLocked` when another build of the same output is running.
    """
    inputs = hash_files(input_files(options))
    key = build_key(options, inputs, hash_files(code_files()))
    previous = None if options.force else reusable(options, key)
    if previous is not None:
        remove_leftovers(options.out)
        outputs = {fmt: options.out / p for fmt, p in previous["outputs"].items()}
        return BuildOutcome(options.out, True, outputs, previous["renderer"]["name"])

    folder = temp_folder(options.out)
    manifest = base_manifest(options, key, inputs)
    _, manifest["steps"]["validate"] = timed(lambda: step_validate(options, folder))
    progress("validate", manifest["steps"]["validate"])
    _, manifest["steps"]["figures"] = timed(lambda: step_figures(options, folder))
    progress("figures", manifest["steps"]["figures"])
    manifest["renderer"]["name"] = planned_renderer(folder)
    write_manifest(folder, manifest)  # the report's provenance appendix reads it
    outputs, seconds, renderer = step_report_and_render(options, folder)
    manifest["steps"]["report"] = round(seconds.pop("execute", 0.0), 2)
    manifest["steps"]["render"] = round(sum(seconds.values()), 2)
    progress("report", manifest["steps"]["report"])
    progress("render", manifest["steps"]["render"])
    manifest["renderer"]["name"] = renderer
    manifest["outputs"] = {fmt: str(p) for fmt, p in outputs.items()}
    write_manifest(folder, manifest)
    replace_folder(folder, options.out)
    remove_leftovers(options.out)
    final = {fmt: options.out / p for fmt, p in outputs.items()}
    return BuildOutcome(options.out, False, final, renderer, dict(manifest["steps"]))


# ---------------------------------------------------------------- archive


def archive_year(year: str, figures_path: Path, history_dir: Path, *, force: bool = False) -> Path:
    """Copy ``year``'s rows of a figures file into ``history_dir/<year>.csv``."""
    import polars as pl

    from pipeline.errors import InputError
    from pipeline.figures import read_figures

    target = history_dir / f"{year}.csv"
    if target.exists() and not force:
        raise FileExistsError(
            f"{target} already holds an archived {year}; use --force to replace it"
        )
    rows = read_figures(figures_path).filter(pl.col("year") == year)
    if rows.is_empty():
        raise InputError(str(figures_path), f"no figures for {year} in this file")
    atomic_write(target, rows.write_csv)
    return target
