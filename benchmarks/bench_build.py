"""Cold build, unchanged rerun, and rebuild after a prose edit, on the shipped sample.

Usage (from the project root, with the virtual environment active):

    python benchmarks/bench_build.py [--runs 5] [--to html,pdf,docx,xlsx] [--out FOLDER]

Each figure is the wall time of one whole ``complaints-report build`` process, from start
to exit, measured ``--runs`` times; the table gives the median, with the fastest and
slowest run. The three kinds of run take turns (cold, unchanged, prose edit, cold, ...)
so that a machine slowing down or speeding up affects them alike.

- cold: ``build --force`` (every step runs);
- unchanged: ``build`` again with nothing changed (the whole build is reused);
- prose edit: a new sentence appended to ``commentary.md`` in a copy of ``report/text``
  (the project's own prose is never touched), then ``build``: only report and render
  should run.

The output folder and the copy of the prose are in a temporary folder. Prints a table
and the prose-edit rebuild as a share of the cold build (target: 40% or less); asserts
nothing.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET_SHARE = 0.40


@dataclass
class Timings:
    """Wall seconds of the runs of one kind, and what the builds said about their steps."""

    kind: str
    seconds: list[float] = field(default_factory=list)
    notes: set[str] = field(default_factory=set)

    @property
    def median(self) -> float:
        return statistics.median(self.seconds)


def cli() -> list[str]:
    """The ``complaints-report`` command of this environment."""
    script = Path(sys.executable).with_name("complaints-report")
    return [str(script)] if script.exists() else [sys.executable, "-m", "pipeline.run.cli"]


def timed_build(arguments: list[str]) -> tuple[float, str]:
    """Run one build; its wall time and what it printed. Stops on a failed build."""
    started = time.perf_counter()
    done = subprocess.run([*cli(), "build", *arguments], cwd=ROOT, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        sys.exit(f"build failed (exit {done.returncode}):\n{done.stdout}\n{done.stderr}")
    return seconds, done.stdout


def steps_that_ran(out: Path) -> str:
    """``report, render.html, render.pdf``: the steps the last build ran (from its manifest)."""
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    ran = [unit for unit, record in manifest["step_keys"].items() if not record["reused"]]
    return ", ".join(ran) or "none"


def cold_step_seconds(out: Path) -> dict[str, float]:
    """Step times of the last (cold) build, from its manifest."""
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    return manifest["steps"]


def measure(runs: int, formats: str, work: Path) -> tuple[list[Timings], list[dict[str, float]]]:
    """Take turns at the three kinds of build, ``runs`` times each."""
    text = work / "text"
    shutil.copytree(ROOT / "report" / "text", text)
    out = work / "build" / "2016-17"
    common = ["--out", str(out), "--text", str(text), "--to", formats]
    cold, unchanged, prose = Timings("cold"), Timings("unchanged"), Timings("prose edit")
    step_times: list[dict[str, float]] = []
    timed_build(common)  # warm-up, not counted: fills the operating system's file cache
    for run in range(1, runs + 1):
        print(f"... run {run} of {runs}", file=sys.stderr, flush=True)
        seconds, _ = timed_build([*common, "--force"])
        cold.seconds.append(seconds)
        step_times.append(cold_step_seconds(out))

        seconds, printed = timed_build(common)
        unchanged.seconds.append(seconds)
        unchanged.notes.add("reused" if "reusing" in printed else "NOT reused")

        commentary = text / "commentary.md"
        commentary.write_text(
            commentary.read_text(encoding="utf-8") + f"\nA sentence added by run {run}.\n",
            encoding="utf-8",
        )
        seconds, _ = timed_build(common)
        prose.seconds.append(seconds)
        prose.notes.add(f"ran {steps_that_ran(out)}")
    return [cold, unchanged, prose], step_times


def table(results: list[Timings], step_times: list[dict[str, float]]) -> str:
    """The medians as a Markdown table, then the cold build's step medians."""
    lines = ["| build | median s | min s | max s | note |", "|---|---:|---:|---:|---|"]
    for result in results:
        lines.append(
            f"| {result.kind} | {result.median:.2f} | {min(result.seconds):.2f} | "
            f"{max(result.seconds):.2f} | {'; '.join(sorted(result.notes))} |"
        )
    lines += ["", "| cold build step (from manifest.json) | median s |", "|---|---:|"]
    for step in step_times[0]:
        values = [times[step] for times in step_times if step in times]
        lines.append(f"| {step} | {statistics.median(values):.2f} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="runs of each kind (default 5)")
    parser.add_argument(
        "--to", default="html,pdf,docx,xlsx", help="formats (default html,pdf,docx,xlsx)"
    )
    parser.add_argument("--out", type=Path, help="work folder to keep (default: a temp folder)")
    args = parser.parse_args(argv)
    work = args.out.resolve() if args.out else Path(tempfile.mkdtemp(prefix="bench-build-"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        results, step_times = measure(args.runs, args.to, work)
    finally:
        if args.out is None:
            shutil.rmtree(work, ignore_errors=True)
    cold, _, prose = results
    print(f"Sample build (2016/17, --to {args.to}), {args.runs} runs of each kind")
    print(table(results, step_times))
    share = prose.median / cold.median
    verdict = "within" if share <= TARGET_SHARE else "over"
    print(f"\nprose edit / cold = {share:.0%} ({verdict} the {TARGET_SHARE:.0%} target)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
