"""The yearly cycle in one command: validate, figures, assets -> report -> render.

A build writes into a temporary folder beside ``<out>`` and swaps it in only when every
step succeeded, so a failed or killed build leaves the previous report as it was.
Each step (see :mod:`pipeline.run.steps`) is keyed on the content of its own inputs, its
code and the package versions; a step whose key equals the one in the last build's
manifest is reused: its outputs are copied from the last build into the new folder.
Steps that do not depend on each other run side by side (two at a time), so on a cold
build validation and the figures share the two cores; when validation fails, the
figures are thrown away with the rest of the temporary folder.

``<out>/manifest.json`` records what went in (SHA-256 of every input), the software
that ran, the renderer, each step's time, and each step's key and whether it was reused.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import time
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from pathlib import Path

import psutil

from pipeline import PROJECT_ROOT
from pipeline.errors import InputError, extract_folder_not_found, reference_not_found
from pipeline.files import atomic_write, atomic_write_text, replace_folder
from pipeline.run.lock import holding_build_lock
from pipeline.run.options import BuildOptions, display_path, public_path
from pipeline.run.provenance import package_versions, sha256_file
from pipeline.run.steps import (
    STEP_NAMES,
    STEPS,
    WHOLE,
    BuildFailed,
    Step,
    StepContext,
    files_under,
    forget_hashes,
    step_key,
)

MANIFEST = "manifest.json"
WORKERS = 2  # steps run side by side; the notebooks' kernels are separate processes
STEPS_BY_NAME: dict[str, Step] = {step.name: step for step in STEPS}

__all__ = ["STEP_NAMES", "BuildFailed", "BuildOptions", "BuildOutcome", "StepDone", "run_build"]


@dataclass(frozen=True)
class StepDone:
    """One step finished: how long it took, which parts ran and which were reused."""

    step: str
    seconds: float
    ran: tuple[str, ...]
    reused: tuple[str, ...]

    def describe(self) -> str:
        """``reused``, ``ran``, or for a step in parts ``ran html; reused pdf``."""
        if not self.ran:
            return "reused"
        if not self.reused or self.reused == (WHOLE,):
            return "ran"
        return f"ran {', '.join(self.ran)}; reused {', '.join(self.reused)}"


@dataclass
class BuildOutcome:
    """What a build did: reused or built, where, with which renderer, how long."""

    out: Path
    reused: bool
    outputs: dict[str, Path]
    renderer: str
    seconds: dict[str, float] = field(default_factory=dict)
    steps: list[StepDone] = field(default_factory=list)


# ---------------------------------------------------------------- hashing


def input_files(options: BuildOptions) -> list[Path]:
    """Every input of a build: extracts, reference, history and the report prose."""
    files = [*files_under(options.raw), options.reference]
    files += sorted(options.history.glob("*.csv")) if options.history.is_dir() else []
    files += [p for p in [options.history / "notes.yml"] if p.is_file()]
    files += files_under(options.text)
    return files


def hash_files(files: list[Path], folders: tuple[Path, ...] = ()) -> dict[str, str]:
    """Public name (:func:`pipeline.run.options.public_path`) -> SHA-256, for the manifest;
    a file outside the project is named relative to the one of ``folders`` it is in."""

    def name(path: Path) -> str:
        folder = next((f for f in folders if path.resolve().is_relative_to(f.resolve())), None)
        return public_path(path, folder)

    return {name(p): sha256_file(p) for p in files if p.is_file()}


def renderer_kind() -> str:
    """``quarto`` when a quarto executable is on PATH, else ``pandoc + typst``."""
    return "quarto" if shutil.which("quarto") else "pandoc + typst"


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


def check_output_formats(options: BuildOptions) -> None:
    """Refuse unknown formats before any step runs."""
    from pipeline.publish.render import RenderError, check_formats

    try:
        check_formats(options.formats)
    except RenderError as error:
        raise BuildFailed("options", str(error), 1) from None


def check_inputs_exist(options: BuildOptions) -> None:
    """Stop at once, naming the full path tried, when an input file or folder is missing."""
    if not options.reference.is_file():
        raise reference_not_found(options.reference)
    if not options.raw.is_dir():
        raise extract_folder_not_found(options.raw)


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


def provenance_material(options: BuildOptions, inputs: dict[str, str], renderer: str) -> dict:
    """What the report's provenance appendix shows that a later build could change.

    Part of the report step's key, so a reused report never shows stale checksums,
    parameters or versions. The output folder is left out: a build only reuses steps
    from the same folder.
    """
    parameters = {k: v for k, v in options.parameters().items() if k != "out"}
    return {
        "inputs": inputs,
        "parameters": parameters,
        "versions": package_versions(),
        "renderer": renderer,
    }


def base_manifest(options: BuildOptions, inputs: dict[str, str], renderer: str) -> dict:
    """The manifest fields known before the steps run."""
    return {
        "year": options.year,
        "built_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "build_key": None,
        "parameters": options.parameters(),
        "formats": list(options.formats),
        "inputs": inputs,
        "versions": package_versions(),
        "renderer": {"kind": renderer_kind(), "name": renderer},
        "git": git_commit(),
        "steps": {},
        "step_keys": {},
        "outputs": {},
    }


def combined_key(step_keys: dict[str, dict], formats: tuple[str, ...]) -> str:
    """One hash over every step's key and the output formats."""
    blob = json.dumps(
        {"steps": {unit: record["key"] for unit, record in step_keys.items()}, "formats": formats},
        sort_keys=True,
    )
    return hashlib.sha256(blob.encode()).hexdigest()


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


def remove_leftovers(out: Path) -> list[Path]:
    """Delete the temporary folders that interrupted builds left behind.

    Called while holding the build lock of ``out``; a folder whose process (the number
    ending its name) is still running is never removed, whatever the lock says (psutil
    asks the system; ``os.kill(pid, 0)`` would end the process on Windows).
    """
    removed = []
    for folder in leftovers(out):
        pid = folder.name.rsplit("-", 1)[-1]
        if pid.isdigit() and int(pid) != os.getpid() and psutil.pid_exists(int(pid)):
            continue
        shutil.rmtree(folder, ignore_errors=True)
        removed.append(folder)
    return removed


def carry_over(previous: Path, folder: Path, relative: str) -> None:
    """Copy one output (file or folder) of the previous build into the new folder.

    Copied, not hard-linked: a later step may write into a reused folder in place (the
    Word render adds PNGs beside the charts), which must never reach the previous build.
    Modification times are kept, so a file carried over can be told from one rewritten.
    """
    source, target = previous / relative, folder / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    if source.is_dir():
        shutil.copytree(source, target, dirs_exist_ok=True)
    else:
        shutil.copy2(source, target)


# ---------------------------------------------------------------- reuse


def previous_record(previous: dict | None, unit: str, key: str, out: Path) -> dict | None:
    """The previous build's record of ``unit`` when it has the same key and its outputs
    are all still there."""
    if previous is None:
        return None
    record = (previous.get("step_keys") or {}).get(unit)
    if not record or record.get("key") != key or not record.get("outputs"):
        return None
    if not all((out / relative).exists() for relative in record["outputs"]):
        return None
    return record


def planned_renderer() -> str:
    """Name and version of the renderer the render step will use."""
    from pipeline.publish.render import choose_renderer

    return choose_renderer()[1]


def reuse_plan(context: StepContext, previous: dict | None) -> dict[str, bool]:
    """For every step (part): can it be reused as it is in ``<out>``?

    Keys of later steps are computed from the outputs of earlier ones as they are in
    ``<out>``, which is what a rebuild would copy into its folder.
    """
    return {
        step.unit(part): previous_record(
            previous, step.unit(part), step_key(step, context, part), context.options.out
        )
        is not None
        for step in STEPS
        for part in step.parts(context.options)
    }


def warm_up_early(
    options: BuildOptions, work: BuildOptions, inputs: dict[str, str], previous: dict | None
) -> set[str]:
    """Start at once the kernel of a step that will run with nothing to wait for.

    On a cold build that is validation (its kernel imports Great Expectations while this
    process works out the renderer and the plan); after a prose edit, the report. The
    keys are computed with the last build's renderer; if the renderer changed, every step
    after validation runs anyway. ``work`` is ``options`` with absolute paths. Returns the
    names of the steps whose kernel was started.
    """
    if previous is None:
        first = [step for step in STEPS if step.warm_up and not step.after]
        for step in first:
            step.warm_up()
        return {step.name for step in first}
    renderer = (previous.get("renderer") or {}).get("name") or ""
    provenance = provenance_material(options, inputs, renderer)
    context = StepContext(work, work.out, renderer, provenance)
    started = set()
    for step in STEPS:
        if not step.warm_up:
            continue
        earlier = [STEPS_BY_NAME[name] for name in step.after]
        if all(reusable_now(s, context, previous) for s in earlier) and not reusable_now(
            step, context, previous
        ):
            step.warm_up()
            started.add(step.name)
    return started


def reusable_now(step: Step, context: StepContext, previous: dict | None) -> bool:
    """Whether every part of ``step`` matches the previous build (outputs in ``<out>``)."""
    out = context.options.out
    return all(
        previous_record(previous, step.unit(part), step_key(step, context, part), out) is not None
        for part in step.parts(context.options)
    )


def nothing_to_do(plan: dict[str, bool], previous: dict | None, options: BuildOptions) -> bool:
    """Every step reusable, and the last build made the formats asked for."""
    if previous is None or set(previous.get("outputs", {})) != set(options.formats):
        return False
    return all(plan.values())


def timed_run(step: Step, context: StepContext, parts: tuple[str, ...]) -> float:
    """Run ``parts`` of ``step``; its wall time in seconds (from its start, not its queueing)."""
    started = time.perf_counter()
    step.run(context, parts)
    return round(time.perf_counter() - started, 2)


class StepRunner:
    """Runs the steps of one build in ``folder``: reuses what it can, runs the rest,
    two at a time when they do not depend on each other."""

    def __init__(
        self,
        context: StepContext,
        previous: dict | None,
        manifest: dict,
        progress: Callable[[StepDone], None],
        warmed: set[str] | None = None,
    ) -> None:
        self.context = context
        self.previous = previous
        self.manifest = manifest
        self.progress = progress
        self.done: list[StepDone] = []
        self.reused: dict[str, tuple[str, ...]] = {}
        self.warmed: set[str] = set(warmed or ())  # steps whose kernel was started early

    def run(self) -> None:
        """Run every step, in dependency order; raise the first failed step's error.

        When a step fails, no further step starts; the ones running are waited for,
        and the failure of the earliest step (in build order) is raised, so a failed
        validation is what the analyst sees even when the figures failed too.
        """
        options = self.context.options
        wanted = [step for step in STEPS if step.parts(options)]
        finished = {step.name for step in STEPS} - {step.name for step in wanted}
        failures: list[BuildFailed] = []
        try:
            with ThreadPoolExecutor(max_workers=WORKERS, thread_name_prefix="step") as pool:
                try:
                    self.schedule(pool, wanted, finished, failures)
                except BaseException:  # Ctrl-C: stop the notebooks running in the pool
                    from pipeline.run.runner import kill_kernels

                    kill_kernels()
                    raise
        finally:
            if self.warmed:
                from pipeline.run.runner import discard_warm_kernels

                discard_warm_kernels()
        if failures:
            raise min(failures, key=lambda failure: STEP_NAMES.index(failure.step))

    def schedule(
        self,
        pool: ThreadPoolExecutor,
        pending: list[Step],
        finished: set[str],
        failures: list[BuildFailed],
    ) -> None:
        """Start each step once the steps it comes after have finished."""
        running: dict[Future, tuple[Step, dict[str, str]]] = {}
        while True:
            ready = [s for s in pending if set(s.after) <= finished] if not failures else []
            for step in ready:
                pending.remove(step)
                job = self.start(step, pool)
                if job is None:
                    finished.add(step.name)
                else:
                    running[job[0]] = (step, job[1])
            if ready:
                continue  # reused steps may have made more steps ready
            if not running:
                return
            if len(running) < WORKERS and not failures:
                self.warm_up_next(pending, finished | {s.name for s, _ in running.values()})
            completed, _ = wait(running, return_when=FIRST_COMPLETED)
            for job in completed:
                step, keys = running.pop(job)
                try:
                    seconds = job.result()
                except BuildFailed as failure:
                    failures.append(failure)
                    continue
                self.finish(step, keys, seconds)
                finished.add(step.name)

    def warm_up_next(self, pending: list[Step], started: set[str]) -> None:
        """With a core free, start the kernel of a step whose earlier steps are under way."""
        for step in pending:
            if step.warm_up and step.name not in self.warmed and set(step.after) <= started:
                self.warmed.add(step.name)
                step.warm_up()
                return

    def start(self, step: Step, pool: ThreadPoolExecutor) -> tuple[Future, dict] | None:
        """Reuse the parts of ``step`` whose key is unchanged; submit the others."""
        options, folder = self.context.options, self.context.folder
        keys = {part: step_key(step, self.context, part) for part in step.parts(options)}
        reused = []
        for part, key in keys.items():
            record = previous_record(self.previous, step.unit(part), key, options.out)
            if record is None:
                continue
            for relative in record["outputs"]:
                carry_over(options.out, folder, relative)
            self.record(step, part, key, reused=True, outputs=record["outputs"])
            reused.append(part)
        todo = tuple(part for part in keys if part not in reused)
        self.reused[step.name] = tuple(reused)
        if not todo:
            self.report(StepDone(step.name, 0.0, (), tuple(reused)))
            return None
        if self.previous is not None:
            for relative in step.seed:  # earlier results the step may keep (see memo.py)
                if (options.out / relative).exists():
                    carry_over(options.out, folder, relative)
        if step.reads_manifest:
            write_manifest(folder, public(self.manifest))
        return pool.submit(timed_run, step, self.context, todo), {p: keys[p] for p in todo}

    def finish(self, step: Step, keys: dict[str, str], seconds: float) -> None:
        """Record the parts that ran, with the outputs they wrote."""
        folder = self.context.folder
        for part, key in keys.items():
            outputs = [o for o in step.outputs(part) if (folder / o).exists()]
            self.record(step, part, key, reused=False, outputs=outputs)
        self.report(StepDone(step.name, seconds, tuple(keys), self.reused.get(step.name, ())))

    def record(self, step: Step, part: str, key: str, *, reused: bool, outputs: list) -> None:
        """One entry of the manifest's ``step_keys``."""
        self.manifest["step_keys"][step.unit(part)] = {
            "key": key,
            "reused": reused,
            "outputs": list(outputs),
        }

    def report(self, done: StepDone) -> None:
        """Note a finished step in the manifest and tell the caller."""
        self.manifest["steps"][done.step] = done.seconds
        self.done.append(done)
        self.progress(done)


def public(manifest: dict) -> dict:
    """The manifest with steps and step keys in build order (steps finish in any order)."""

    def order(unit: str) -> tuple[int, str]:
        return STEP_NAMES.index(unit.split(".")[0]), unit

    ordered = dict(manifest)
    ordered["steps"] = {s: manifest["steps"][s] for s in STEP_NAMES if s in manifest["steps"]}
    ordered["step_keys"] = {
        u: manifest["step_keys"][u] for u in sorted(manifest["step_keys"], key=order)
    }
    return ordered


def refuse_placeholders_when_published(options: BuildOptions) -> None:
    """A build with ``--published`` stops on placeholder prose in the text folder (the
    template's sentences, CHANGE ME, CHECK), naming each file and line; without it the
    build goes through as a draft (see :mod:`pipeline.inputs.placeholders`)."""
    from pipeline.inputs.placeholders import published_refusal, text_placeholders

    if options.published is None:
        return
    hits = text_placeholders(options.text)
    if hits:
        raise InputError(display_path(options.text), published_refusal(hits, PROJECT_ROOT))


@holding_build_lock
def run_build(options: BuildOptions, progress: Callable[[StepDone], None]) -> BuildOutcome:
    """Build the report for ``options``, reusing every step whose inputs are unchanged.

    ``progress(done)`` is called after each step (run or reused). Raises
    :class:`BuildFailed` when a step fails and :class:`InputError` when the extract
    folder or the reference file is missing.
    """
    check_inputs_exist(options)
    refuse_placeholders_when_published(options)
    # the cover's date: --published, else the day of the build (a parameter of the build)
    options = replace(options, published=options.published or date.today())
    check_output_formats(options)
    forget_hashes()
    work = options.absolute()
    inputs = hash_files(input_files(options), (options.raw, options.history, options.text))
    previous = None if options.force else read_manifest(work.out)
    warmed = warm_up_early(options, work, inputs, previous)
    renderer = planned_renderer()
    provenance = provenance_material(options, inputs, renderer)

    plan = reuse_plan(StepContext(work, work.out, renderer, provenance), previous)
    if nothing_to_do(plan, previous, options):
        if warmed:  # cannot happen with the same renderer; never leave a kernel behind
            from pipeline.run.runner import discard_warm_kernels

            discard_warm_kernels()
        remove_leftovers(work.out)
        outputs = {fmt: options.out / p for fmt, p in previous["outputs"].items()}
        done = [StepDone(s.name, 0.0, (), tuple(s.parts(work))) for s in STEPS if s.parts(work)]
        return BuildOutcome(options.out, True, outputs, previous["renderer"]["name"], steps=done)

    folder = temp_folder(work.out)
    manifest = base_manifest(options, inputs, renderer)
    runner = StepRunner(
        StepContext(work, folder, renderer, provenance), previous, manifest, progress, warmed
    )
    runner.run()
    from pipeline.publish.render import OUTPUT_NAMES, check_formats

    outputs = {fmt: Path(OUTPUT_NAMES[fmt]) for fmt in check_formats(options.formats)}
    manifest["outputs"] = {fmt: str(p) for fmt, p in outputs.items()}
    manifest["build_key"] = combined_key(manifest["step_keys"], options.formats)
    write_manifest(folder, public(manifest))
    from pipeline.run.qa import write_qa_record

    write_qa_record(folder, options.year, manifest["build_key"])
    replace_folder(folder, work.out)
    remove_leftovers(work.out)
    final = {fmt: options.out / p for fmt, p in outputs.items()}
    return BuildOutcome(
        options.out, False, final, renderer, dict(manifest["steps"]), list(runner.done)
    )


# ---------------------------------------------------------------- archive


def archive_year(year: str, figures_path: Path, history_dir: Path, *, force: bool = False) -> Path:
    """Copy ``year``'s rows of a figures file into ``history_dir/<year>.csv``."""
    import polars as pl

    from pipeline.metrics.figures import read_figures

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
