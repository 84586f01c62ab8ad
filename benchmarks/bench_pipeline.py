"""Time and peak memory of the pipeline: the sample build, figures and validation at scale.

Usage (from the project root, with the virtual environment active):

    python benchmarks/bench_pipeline.py [--sizes 10000,100000,1000000]
        [--skip-build] [--skip-validate] [--out FOLDER]

Every measurement runs in its own subprocess, so its peak memory is its own. Peak MB is
the largest resident set of any single process in the measured tree (with Papermill that
is usually the notebook kernel), from ``/usr/bin/time -v`` when it exists, else from
``getrusage(RUSAGE_CHILDREN)`` in a fresh wrapper process. Prints a table; asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from pipeline.run.build import STEP_NAMES, leftovers

ROOT = Path(__file__).resolve().parent.parent
YEAR = "2016-17"
DEFAULT_SIZES = (10_000, 100_000, 1_000_000)
GNU_TIME = Path("/usr/bin/time")

# Runs a command and prints the peak RSS (KiB on Linux) of its children, then exits with
# the command's status: a fresh wrapper per measurement keeps each peak separate.
RUSAGE_WRAPPER = """
import resource, subprocess, sys
status = subprocess.run(sys.argv[2:]).returncode
peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
open(sys.argv[1], "w").write(f"Maximum resident set size (kbytes): {peak}\\n")
sys.exit(status)
"""

# Loads, computes and writes the figures in one process (no notebook) and prints seconds.
IN_PROCESS_FIGURES = """
import json, sys, time
from pipeline.metrics.figures import build_figures
started = time.perf_counter()
build_figures(sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5])
print(json.dumps({"seconds": time.perf_counter() - started}))
"""


@dataclass
class Row:
    """One line of the result table."""

    step: str
    size: str
    seconds: float | None
    peak_mb: float | None = None
    note: str = ""


@dataclass
class Run:
    """What one measured subprocess did."""

    status: int
    seconds: float
    peak_mb: float | None
    stdout: str
    stderr: str


# ---------------------------------------------------------------- running and measuring


def cli() -> list[str]:
    """The ``complaints-report`` command of this environment."""
    script = Path(sys.executable).with_name("complaints-report")
    return [str(script)] if script.exists() else [sys.executable, "-m", "pipeline.run.cli"]


def peak_from(report: Path) -> float | None:
    """Peak RSS in MB from a ``time -v`` style report file."""
    if not report.is_file():
        return None
    for line in report.read_text(encoding="utf-8", errors="replace").splitlines():
        if "Maximum resident set size" in line:
            return int(line.rsplit(":", 1)[1]) / 1024
    return None


def measured(command: list[str]) -> Run:
    """Run ``command`` from the project root; return its status, wall time and peak memory."""
    with tempfile.TemporaryDirectory() as scratch:
        report = Path(scratch) / "rusage.txt"
        if GNU_TIME.exists():
            wrapped = [str(GNU_TIME), "-v", "-o", str(report), *command]
        else:
            wrapped = [sys.executable, "-c", RUSAGE_WRAPPER, str(report), *command]
        started = time.perf_counter()
        done = subprocess.run(wrapped, cwd=ROOT, capture_output=True, text=True)
        seconds = time.perf_counter() - started
        peak = peak_from(report)
    return Run(done.returncode, seconds, peak, done.stdout, done.stderr)


def last_error(run: Run) -> str:
    """The last ``error:`` line a failed command printed, shortened."""
    lines = [line for line in run.stderr.splitlines() if line.startswith("error:")]
    message = lines[0] if lines else (run.stderr.strip().splitlines() or ["no message"])[-1]
    return f"exit {run.status}: {message[:140]}"


def progress(message: str) -> None:
    """Say what is being measured (on stderr, so the table stays clean)."""
    print(f"... {message}", file=sys.stderr, flush=True)


# ---------------------------------------------------------------- the sample build


def step_seconds(out: Path) -> dict[str, float]:
    """Step times recorded in ``<out>/manifest.json`` (empty if there is none)."""
    try:
        manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return {step: float(s) for step, s in manifest.get("steps", {}).items()}


def unfinished_steps(out: Path) -> dict[str, float]:
    """Step times a failed build recorded in the work-in-progress folder it left."""
    kept = leftovers(out)
    return step_seconds(kept[-1]) if kept else {}


def step_rows(steps: dict[str, float]) -> list[Row]:
    """One row per build step that has a recorded time."""
    return [
        Row(f"build cold: {s}", "sample", steps[s], None, "manifest.json")
        for s in STEP_NAMES
        if s in steps
    ]


def bench_build(work: Path) -> list[Row]:
    """The shipped sample built cold (``--force``), then again with nothing changed."""
    out = work / "build" / YEAR
    progress("sample build, cold")
    cold = measured([*cli(), "build", "--force", "--out", str(out)])
    if cold.status != 0:
        rows = step_rows(unfinished_steps(out))
        return [
            *rows,
            Row("build cold: total", "sample", cold.seconds, cold.peak_mb, last_error(cold)),
        ]
    rows = step_rows(step_seconds(out))
    rows.append(Row("build cold: total", "sample", cold.seconds, cold.peak_mb, "wall time"))
    progress("sample build, warm (nothing changed)")
    warm = measured([*cli(), "build", "--out", str(out)])
    note = "reused" if "reusing" in warm.stdout else "NOT reused"
    if warm.status != 0:
        note = last_error(warm)
    rows.append(Row("build warm: total", "sample", warm.seconds, warm.peak_mb, note))
    return rows


# ---------------------------------------------------------------- generated extracts


def generated_extracts(work: Path, cases: int) -> tuple[Path, Row]:
    """Random extracts of ``cases`` complaints, written once and reused."""
    from pipeline.inputs.synth import write_random

    raw = work / f"raw-{cases}"
    if (raw / "complaints.csv").is_file():
        return raw, Row("generate extracts", f"{cases:,}", None, None, "kept from an earlier run")
    progress(f"generating {cases:,} complaints")
    started = time.perf_counter()
    write_random(raw, cases, year=YEAR, seed=1)
    megabytes = sum(p.stat().st_size for p in raw.iterdir()) / 1e6
    seconds = time.perf_counter() - started
    return raw, Row("generate extracts", f"{cases:,}", seconds, None, f"{megabytes:.0f} MB CSV")


def bench_figures_cli(raw: Path, out: Path, size: str) -> Row:
    """``complaints-report figures --skip-validation`` (Papermill notebook)."""
    progress(f"figures (notebook), {size}")
    run = measured([*cli(), "figures", "--skip-validation", "--raw", str(raw), "--out", str(out)])
    note = "notebook via papermill" if run.status == 0 else last_error(run)
    return Row("figures (CLI)", size, run.seconds, run.peak_mb, note)


def bench_figures_in_process(raw: Path, out: Path, size: str) -> Row:
    """``pipeline.metrics.figures.build_figures`` in a plain Python process (no notebook)."""
    progress(f"figures (in-process), {size}")
    arguments = [
        YEAR,
        str(raw),
        str(ROOT / "data" / "reference" / "authority.yml"),
        str(ROOT / "data" / "history"),
        str(out),
    ]
    run = measured([sys.executable, "-c", IN_PROCESS_FIGURES, *arguments])
    if run.status != 0:
        return Row("figures (in-process)", size, run.seconds, run.peak_mb, last_error(run))
    seconds = json.loads(run.stdout.strip().splitlines()[-1])["seconds"]
    note = f"load + compute + write; process wall {run.seconds:.1f} s"
    return Row("figures (in-process)", size, seconds, run.peak_mb, note)


def bench_validate(raw: Path, out: Path, size: str) -> Row:
    """``complaints-report validate`` (Great Expectations in a Papermill notebook)."""
    progress(f"validate, {size}")
    run = measured([*cli(), "validate", "--raw", str(raw), "--out", str(out)])
    notes = {0: "all checks passed", 2: "ran; some checks failed"}
    note = notes.get(run.status) or last_error(run)
    return Row("validate (CLI)", size, run.seconds, run.peak_mb, note)


def bench_size(work: Path, cases: int, *, validate: bool) -> list[Row]:
    """Figures (both ways) and validation on one generated extract, once each."""
    raw, generated = generated_extracts(work, cases)
    size = f"{cases:,}"
    rows = [
        generated,
        bench_figures_cli(raw, work / f"out-{cases}" / "figures-cli", size),
        bench_figures_in_process(raw, work / f"out-{cases}" / "figures-lib", size),
    ]
    if validate:
        rows.append(bench_validate(raw, work / f"out-{cases}" / "validate", size))
    return rows


# ---------------------------------------------------------------- output


def table(rows: list[Row]) -> str:
    """The rows as a markdown table."""

    def number(value: float | None, digits: int) -> str:
        return "-" if value is None else f"{value:.{digits}f}"

    lines = [
        "| step | size | seconds | peak MB | note |",
        "|---|---:|---:|---:|---|",
    ]
    for row in rows:
        cells = (row.step, row.size, number(row.seconds, 1), number(row.peak_mb, 0), row.note)
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def validation_table(rows: list[Row]) -> str:
    """Validation beside the figures step (in-process) at each size: the ratio of their
    times is the number to watch (the time both take grows with the data)."""

    def cell(value: float | None, digits: int, scale: float = 1) -> str:
        return "-" if value is None else f"{value / scale:.{digits}f}"

    found: dict[str, dict[str, Row]] = {}
    for row in rows:
        if row.step in ("validate (CLI)", "figures (in-process)"):
            found.setdefault(row.size, {})[row.step] = row
    lines = [
        "| size | validate s | validate GB | figures s | figures GB | validate / figures |",
        "|---:|---:|---:|---:|---:|---:|",
    ]
    for size, steps in found.items():
        validate, figures = steps.get("validate (CLI)"), steps.get("figures (in-process)")
        if validate is None or figures is None:
            continue
        ratio = validate.seconds / figures.seconds if validate.seconds and figures.seconds else None
        cells = (
            size,
            cell(validate.seconds, 1),
            cell(validate.peak_mb, 2, 1024),
            cell(figures.seconds, 1),
            cell(figures.peak_mb, 2, 1024),
            cell(ratio, 1),
        )
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines) if len(lines) > 2 else ""


def parse_sizes(text: str) -> list[int]:
    """``10000,100000`` -> [10000, 100000]."""
    return [int(part.replace("_", "")) for part in text.split(",") if part.strip()]


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    """Command-line options."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--sizes",
        type=parse_sizes,
        default=list(DEFAULT_SIZES),
        help="complaint rows of the generated extracts (default 10000,100000,1000000)",
    )
    parser.add_argument("--skip-build", action="store_true", help="do not time the sample build")
    parser.add_argument("--skip-validate", action="store_true", help="do not time validation")
    parser.add_argument(
        "--out", type=Path, help="keep generated data and outputs here (default: a temp dir)"
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    """Run the chosen measurements and print the table."""
    args = parse_args(argv)
    work = args.out.resolve() if args.out else Path(tempfile.mkdtemp(prefix="bench-pipeline-"))
    work.mkdir(parents=True, exist_ok=True)
    rows: list[Row] = []
    try:
        if not args.skip_build:
            rows += bench_build(work)
        for cases in args.sizes:
            rows += bench_size(work, cases, validate=not args.skip_validate)
    finally:
        if args.out is None:
            shutil.rmtree(work, ignore_errors=True)
    memory = "/usr/bin/time -v" if GNU_TIME.exists() else "getrusage(RUSAGE_CHILDREN)"
    print(f"Pipeline benchmark, year {YEAR}; peak MB = largest single process ({memory})")
    print(table(rows))
    summary = validation_table(rows)
    if summary:
        print("\nValidation beside the figures (in-process), same run")
        print(summary)
    return 0


if __name__ == "__main__":
    sys.exit(main())
