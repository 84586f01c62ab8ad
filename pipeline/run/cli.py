"""The ``complaints-report`` command: one subcommand per step of the yearly cycle.

Exit status: 0 success, 2 the data has a problem to fix (the message says where),
1 anything else.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from pipeline.errors import InputError

if TYPE_CHECKING:
    from pipeline.run.build import BuildOptions, StepDone

DEFAULT_YEAR = "2016-17"
DEFAULT_REFERENCE = "data/reference/authority.yml"
DEFAULT_HISTORY = "data/history"
EXIT_OK, EXIT_CRASH, EXIT_DATA = 0, 1, 2
DEFAULT_TO = "html,pdf,docx,xlsx"
TO_HELP = "comma-separated formats out of html, pdf, docx, xlsx (default all four)"
PUBLISHED_HELP = "date of publication on the cover, YYYY-MM-DD (default: the day of the build)"


def default_raw(year: str) -> Path:
    """``data/raw/<year>``."""
    return Path("data/raw") / year


def default_out(year: str) -> Path:
    """``build/<year>``."""
    return Path("build") / year


def year_argument(text: str) -> str:
    """Check a ``--year`` value (``2016-17``) while parsing the command line."""
    from pipeline.years import check_year

    try:
        return check_year(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def date_argument(text: str) -> dt.date:
    """Check a ``--published`` value (an ISO date, ``2017-09-28``) while parsing."""
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a date: write it as YYYY-MM-DD, e.g. 2017-09-28"
        ) from None


def say(message: str) -> None:
    """Print a progress or result line to the terminal."""
    print(message, flush=True)


def fail(message: str) -> None:
    """Print an error line to standard error."""
    print(f"error: {message}", file=sys.stderr, flush=True)


# ---------------------------------------------------------------- commands


def cmd_figures(args: argparse.Namespace) -> int:
    """Compute figures.csv by executing notebooks/figures.ipynb with Papermill."""
    from pipeline.run.runner import NotebookFailed, execute_notebook, project_path

    year, out = args.year, Path(args.out or default_out(args.year))
    raw = Path(args.raw or default_raw(year))
    if not args.skip_validation:
        status = validate_before(year, raw, Path(args.reference), out)
        if status != EXIT_OK:
            return status
    parameters = {
        "year": year,
        "raw_dir": str(raw.resolve()),
        "reference": str(Path(args.reference).resolve()),
        "history_dir": str(Path(args.history).resolve()),
        "out_dir": str(out.resolve()),
    }
    try:
        execute_notebook(
            project_path("notebooks/figures.ipynb"), out / "notebooks" / "figures.ipynb", parameters
        )
    except NotebookFailed as exc:
        fail(f"figures: {exc.evalue}")
        fail(f"the executed notebook is kept at {exc.kept}")
        return EXIT_DATA if exc.ename == "InputError" else EXIT_CRASH
    written = ", ".join(str(out / n) for n in ("figures.csv", "figures.parquet"))
    say(f"figures: wrote {written} and {out / 'figures-published.csv'}")
    return EXIT_OK


def validate_before(year: str, raw: Path, reference: Path, out: Path) -> int:
    """Validate the extracts first; refuse (exit 2) when any check fails."""
    from pipeline.checks.validate import validate_extracts

    report = validate_extracts(raw, reference, year, out)
    if report.success:
        return EXIT_OK
    say(report.summary_markdown())
    fail(
        "the extracts failed validation (summary above, also in "
        f"{out / 'validation' / 'summary.md'}); fix them, or rerun with --skip-validation"
    )
    return EXIT_DATA


def cmd_reconcile(args: argparse.Namespace) -> int:
    """Compare computed figures with the published ones."""
    from pipeline.metrics.reconcile import run_reconcile, summary_line, unexplained

    figures = Path(args.figures or default_out(DEFAULT_YEAR) / "figures.csv")
    result = run_reconcile(figures, args.published)
    out = Path(args.out) if args.out else figures.with_name("reconciliation.csv")
    result.write_csv(out)
    if args.verbose:
        say(result.to_pandas().to_string(index=False))
    say(f"reconciliation written to {out}")
    say(summary_line(result))
    missing = unexplained(result)
    if missing.height:
        fail(f"{missing.height} difference(s) without a note:")
        for row in missing.iter_rows(named=True):
            where = ", ".join(
                str(row[c])
                for c in ("table", "procedure", "service_area", "team", "category")
                if row[c]
            )
            fail(
                f"  {where} [{row['measure']}]: published {row['published']}, "
                f"computed {row['computed']}"
            )
        return EXIT_CRASH
    return EXIT_OK


def cmd_synth(args: argparse.Namespace) -> int:
    """Write the calibrated sample or a large random extract."""
    from pipeline.inputs.synth import synthesise

    try:
        paths = synthesise(
            Path(args.out),
            year=args.year,
            cases=args.cases,
            seed=args.seed,
            reference_path=Path(args.reference),
        )
    except ValueError as exc:
        fail(f"synth: {exc}")
        return EXIT_CRASH
    say(f"synth: wrote {len(paths)} files into {args.out}")
    return EXIT_OK


def cmd_validate(args: argparse.Namespace) -> int:
    """Validate the extracts with Great Expectations (notebooks/validate.ipynb)."""
    from pipeline.checks.validate import run_validate_cli
    from pipeline.run.options import DEFAULT_TEXT

    status = run_validate_cli(
        args.year,
        Path(args.raw or default_raw(args.year)),
        Path(args.reference),
        Path(args.out or default_out(args.year)),
    )
    say_draft(Path(args.text) if args.text else DEFAULT_TEXT)
    return status


def say_draft(text_dir: Path) -> None:
    """Say so when the report's text still holds placeholder prose (the build is a draft)."""
    from pipeline import PROJECT_ROOT
    from pipeline.inputs.placeholders import draft_warning, text_placeholders

    hits = text_placeholders(text_dir)
    if hits:
        say(draft_warning(hits, PROJECT_ROOT) + "; a build with --published refuses it")


def validation_warnings(out: Path) -> list[str]:
    """The warnings of the last validation in ``out`` (headers that look like optional
    columns, ...)."""
    import json

    try:
        result = json.loads((out / "validation" / "result.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    return [str(w) for w in result.get("warnings", [])]


def cmd_render(args: argparse.Namespace) -> int:
    """Execute the report notebook and render HTML and PDF."""
    from pipeline.publish.render import RenderError, render_report
    from pipeline.report.narrative import key_messages_of

    out = Path(args.out or default_out(args.year))
    figures = Path(args.figures or out / "figures.csv")
    try:
        result = render_report(
            year=args.year,
            figures=figures,
            validation_summary=Path(args.validation or out / "validation" / "summary.md"),
            reference=Path(args.reference),
            raw_dir=Path(args.raw or default_raw(args.year)),
            out_dir=out,
            formats=tuple(f.strip() for f in args.to.split(",") if f.strip()),
            published=args.published,
            key_messages=(
                key_messages_of(figures, Path(args.reference), args.year)
                if figures.is_file()
                else ()
            ),
        )
    except RenderError as exc:
        fail(f"render: {exc}")
        return EXIT_DATA if exc.data_problem else EXIT_CRASH
    say(f"render: rendered with {result.renderer}")
    for path in result.outputs.values():
        say(f"  {path}")
    return EXIT_OK


def build_options(args: argparse.Namespace, formats: tuple[str, ...]) -> BuildOptions:
    """The build options of ``build`` and ``preview`` from the command line."""
    from pipeline.run.options import DEFAULT_TEXT, BuildOptions

    return BuildOptions(
        year=args.year,
        raw=Path(args.raw or default_raw(args.year)),
        reference=Path(args.reference),
        history=Path(args.history),
        out=Path(args.out or default_out(args.year)),
        formats=formats,
        force=getattr(args, "force", False),
        wait=getattr(args, "wait", False),
        text=Path(args.text) if args.text else DEFAULT_TEXT,
        published=getattr(args, "published", None),
    )


def step_line(done: StepDone) -> str:
    """One progress line: ``  done   validate    4.9 s`` or ``  reused figures``."""
    if not done.ran:
        return f"  [cyan]reused[/] {done.step:<11}          (inputs unchanged)"
    note = "" if done.describe() == "ran" else f" ({done.describe()})"
    return f"  [green]done[/]   {done.step:<11} {done.seconds:6.1f} s{note}"


def cmd_build(args: argparse.Namespace) -> int:
    """Validate, compute, report and render, reusing every step whose inputs are unchanged."""
    from rich.console import Console

    from pipeline.run.build import BuildFailed, leftovers, run_build
    from pipeline.run.lock import BuildLocked

    console = Console(highlight=False)
    options = build_options(args, tuple(f.strip() for f in args.to.split(",") if f.strip()))
    console.print(f"[bold]Building the {args.year} report[/] into {options.out}")

    try:
        with console.status("working: validate, figures -> report -> render"):
            outcome = run_build(options, lambda done: console.print(step_line(done)))
    except BuildLocked as exc:
        fail(f"{exc}; try again when it has finished, or use --wait")
        return EXIT_CRASH
    except BuildFailed as exc:
        fail(f"build stopped at {exc}")
        kept = leftovers(options.out)
        if kept:
            fail(f"work in progress kept for inspection in {kept[-1]}")
        fail(f"the previous report in {options.out} (if any) is untouched")
        return exc.status
    if outcome.reused:
        console.print(
            "Nothing has changed since the last build (same inputs, code and "
            "parameters): reusing it. Use --force to rebuild."
        )
    else:
        reused = [done.step for done in outcome.steps if not done.ran]
        if reused:
            console.print(f"Reused (inputs unchanged): {', '.join(reused)}.")
        console.print(f"Rendered with {outcome.renderer}.")
    for fmt, path in outcome.outputs.items():
        console.print(f"  {fmt.upper():<4} {path}")
    for warning in validation_warnings(options.out):
        console.print(f"Warning: {warning}.", markup=False)
    say_draft(options.text)
    return EXIT_OK


def cmd_preview(args: argparse.Namespace) -> int:
    """Build the HTML, serve it on localhost and rebuild it when an input changes."""
    from rich.console import Console

    from pipeline.run.preview import run_preview

    console = Console(highlight=False)
    options = build_options(args, ("html",))
    console.print(f"[bold]Previewing the {args.year} report[/] (HTML only, into {options.out})")
    return run_preview(
        options,
        args.port,
        say=lambda text: console.print(text, markup=False),
        progress=lambda done: console.print(step_line(done)),
    )


def cmd_archive(args: argparse.Namespace) -> int:
    """Copy a year's figures into the history folder for next year's comparisons."""
    from pipeline.run.build import archive_year

    figures = Path(args.figures or default_out(args.year) / "figures.csv")
    try:
        target = archive_year(args.year, figures, Path(args.history), force=args.force)
    except FileExistsError as exc:
        fail(str(exc))
        return EXIT_CRASH
    say(f"archive: {args.year} figures copied to {target}")
    return archive_qa(args, figures)


def archive_qa(args: argparse.Namespace, figures: Path) -> int:
    """Keep the build's QA record beside the archived figures, with the sign-off."""
    from pipeline.run.qa import QA_FILE, archive_qa_record

    source = figures.with_name(QA_FILE)
    if not source.is_file():
        say(f"archive: no {QA_FILE} beside {figures}: no QA record kept")
        return EXIT_OK
    target = Path(args.history) / f"{args.year}-qa.json"
    target, signed = archive_qa_record(source, target, args.reviewer, args.signed_off)
    say(f"archive: QA record kept in {target}")
    if not signed:
        say(
            f"archive: fill in review.reviewer and review.signed_off in {target} "
            "(or archive again with --reviewer NAME --signed-off YYYY-MM-DD --force)"
        )
    return EXIT_OK


def cmd_init(args: argparse.Namespace) -> int:
    """Draft a reference file from a year's extracts (never over an existing file)."""
    from pipeline.files import write_new_text
    from pipeline.inputs.draft import draft_reference

    out, raw = Path(args.out), Path(args.raw)
    refused = f"{out.resolve()} already exists: init never overwrites a file; choose another --out"
    if out.exists():
        fail(refused)
        return EXIT_CRASH
    text = draft_reference(raw)
    try:
        write_new_text(out, text)
    except FileExistsError:
        fail(refused)
        return EXIT_CRASH
    say(f"init: drafted {out} from the extracts in {raw}")
    say(f"  {text.count('CHECK')} lines are marked CHECK: confirm or correct each, then run")
    say(f"  complaints-report validate --raw {raw} --reference {out}")
    return EXIT_OK


def cmd_template(args: argparse.Namespace) -> int:
    """Write one blank XLSX per extract with headers, date formats and drop-downs."""
    from pipeline.inputs.reference import load_reference
    from pipeline.inputs.template import write_templates

    reference = load_reference(args.reference)
    try:
        paths = write_templates(args.out, reference, year=args.year, force=args.force)
    except FileExistsError as exc:
        fail(str(exc))
        return EXIT_CRASH
    say(f"template: wrote {len(paths)} workbooks into {args.out} (lists from {args.reference})")
    return EXIT_OK


# ---------------------------------------------------------------- parser


def add_year_options(parser: argparse.ArgumentParser, *, history: bool = False) -> None:
    """The options every step shares."""
    parser.add_argument(
        "--year", default=DEFAULT_YEAR, type=year_argument, help="reporting year, e.g. 2016-17"
    )
    parser.add_argument("--raw", help="extract folder (default data/raw/<year>)")
    parser.add_argument("--reference", default=DEFAULT_REFERENCE, help="authority YAML file")
    if history:
        parser.add_argument("--history", default=DEFAULT_HISTORY, help="earlier years' figures")
    parser.add_argument("--out", help="output folder (default build/<year>)")


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of every subcommand."""
    parser = argparse.ArgumentParser(
        prog="complaints-report",
        description="Statutory annual report on children's services complaints.",
    )
    sub = parser.add_subparsers(dest="command", required=True)

    figures = sub.add_parser("figures", help="compute figures.csv from the extracts")
    add_year_options(figures, history=True)
    figures.add_argument(
        "--skip-validation", action="store_true", help="compute even if validation fails"
    )
    figures.set_defaults(run=cmd_figures)

    validate = sub.add_parser("validate", help="check the extracts (Great Expectations)")
    add_year_options(validate)
    validate.add_argument(
        "--text", help="folder of the report's prose, checked for placeholders (report/text)"
    )
    validate.set_defaults(run=cmd_validate)

    render = sub.add_parser("render", help="write the report as HTML and PDF")
    add_year_options(render)
    render.add_argument("--figures", help="figures.csv (default <out>/figures.csv)")
    render.add_argument("--validation", help="validation summary.md")
    render.add_argument("--to", default=DEFAULT_TO, help=TO_HELP)
    render.add_argument("--published", type=date_argument, help=PUBLISHED_HELP)
    render.set_defaults(run=cmd_render)

    reconcile = sub.add_parser("reconcile", help="compare figures with a published report")
    reconcile.add_argument("--figures", help="figures.csv (default build/2016-17/figures.csv)")
    reconcile.add_argument("--published", default="data/published/2016-17.csv")
    reconcile.add_argument("--out", help="where to write the comparison CSV")
    reconcile.add_argument("--verbose", action="store_true", help="print every row")
    reconcile.set_defaults(run=cmd_reconcile)

    synth = sub.add_parser("synth", help="write the sample extract or a large random one")
    synth.add_argument("--year", default=DEFAULT_YEAR, type=year_argument)
    synth.add_argument("--out", required=True, help="folder to write the extract into")
    synth.add_argument("--cases", type=int, help="random extract with this many complaints")
    synth.add_argument("--seed", type=int, default=1, help="random seed (with --cases)")
    synth.add_argument(
        "--reference",
        default=DEFAULT_REFERENCE,
        help="authority YAML file whose code lists and column names to write",
    )
    synth.set_defaults(run=cmd_synth)
    build = sub.add_parser("build", help="validate, compute, report and render in one go")
    add_year_options(build, history=True)
    build.add_argument("--text", help="folder of the report's prose (default report/text)")
    build.add_argument("--to", default=DEFAULT_TO, help=TO_HELP)
    build.add_argument("--published", type=date_argument, help=PUBLISHED_HELP)
    build.add_argument("--force", action="store_true", help="rebuild every step")
    build.add_argument(
        "--wait", action="store_true", help="wait for another build of the same output to finish"
    )
    build.set_defaults(run=cmd_build)

    preview = sub.add_parser(
        "preview", help="serve the HTML report on localhost, rebuilt when the inputs change"
    )
    add_year_options(preview, history=True)
    preview.add_argument("--text", help="folder of the report's prose (default report/text)")
    preview.add_argument(
        "--port", type=int, default=0, help="port on 127.0.0.1 (default: a free one)"
    )
    preview.set_defaults(run=cmd_preview)

    archive = sub.add_parser("archive", help="keep a year's figures for next year's report")
    archive.add_argument(
        "--year", required=True, type=year_argument, help="the year to archive, e.g. 2016-17"
    )
    archive.add_argument("--figures", help="figures.csv (default build/<year>/figures.csv)")
    archive.add_argument("--history", default=DEFAULT_HISTORY, help="history folder")
    archive.add_argument("--force", action="store_true", help="replace an archived year")
    archive.add_argument("--reviewer", help="who reviewed the year's figures (the QA record)")
    archive.add_argument(
        "--signed-off", type=date_argument, help="the day the reviewer signed off, YYYY-MM-DD"
    )
    archive.set_defaults(run=cmd_archive)
    add_adoption_commands(sub)
    return parser


def add_adoption_commands(sub: argparse._SubParsersAction) -> None:
    """``init`` and ``template``: for a council starting with the project."""
    init = sub.add_parser("init", help="draft a reference file from a year's extracts")
    init.add_argument("--raw", required=True, help="folder holding one year's extracts")
    init.add_argument("--out", required=True, help="the reference file to write (must not exist)")
    init.set_defaults(run=cmd_init)

    template = sub.add_parser(
        "template", help="blank XLSX extracts with headers and drop-down lists"
    )
    template.add_argument("--out", required=True, help="folder to write the eight workbooks into")
    template.add_argument("--reference", default=DEFAULT_REFERENCE, help="authority YAML file")
    template.add_argument(
        "--year", type=year_argument, help="limit received/commissioned/decision dates to a year"
    )
    template.add_argument("--force", action="store_true", help="replace existing workbooks")
    template.set_defaults(run=cmd_template)


def main(argv: list[str] | None = None) -> int:
    """Entry point of ``complaints-report``."""
    args = build_parser().parse_args(argv)
    command: Callable[[argparse.Namespace], int] = args.run
    try:
        return command(args)
    except InputError as exc:
        fail(exc.describe())
        return EXIT_DATA
    except KeyboardInterrupt:
        fail("interrupted; outputs of earlier runs are untouched")
        return 130


if __name__ == "__main__":
    sys.exit(main())
