"""The QA record of a build (the Aqua Book's QA log): what was checked, and who signed off.

Every build writes ``qa.json`` into its output folder: the year, the build key (the same
as the manifest's), the validation result, the reconciliation with the figures the
council published for the year when ``data/published/<year>.csv`` exists (counts of each
status, every difference with the note that explains it), where the assumptions behind
the numbers are logged (``docs/aqa/assumptions.md``), and a ``review`` with ``reviewer``
and ``signed_off`` left empty. ``complaints-report archive`` keeps the record beside the
year's figures in the history folder (``<year>-qa.json``) and fills the review from its
``--reviewer`` and ``--signed-off`` options; without them the fields stay empty for the
reviewer to fill in, and the archive says so.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from pipeline import PROJECT_ROOT
from pipeline.errors import InputError
from pipeline.files import atomic_write_text

QA_FILE = "qa.json"
PUBLISHED_DIR = PROJECT_ROOT / "data" / "published"
ASSUMPTIONS = "docs/aqa/assumptions.md"
DIFFERENCE_COLUMNS = ("table", "procedure", "service_area", "team", "category", "quarter")


def validation_result(folder: Path) -> dict:
    """The validation step's verdict, from ``validation/result.json``."""
    path = folder / "validation" / "result.json"
    if not path.is_file():
        return {"passed": None, "checks": None, "failures": None}
    result = json.loads(path.read_text(encoding="utf-8"))
    return {
        "passed": bool(result.get("success")),
        "checks": result.get("checks"),
        "failures": len(result.get("failures") or []),
    }


def reconciliation(figures: Path, published: Path) -> dict | None:
    """Counts of each reconciliation status and every difference with its note (None when
    the council published no figures for the year)."""
    if not published.is_file():
        return None
    import polars as pl

    from pipeline.metrics.reconcile import run_reconcile, unexplained

    result = run_reconcile(figures, published)
    differences = result.filter(pl.col("status") == "differs")
    return {
        "published_file": project_path(published),
        "match": result.filter(pl.col("status") == "match").height,
        "rounding": result.filter(pl.col("status") == "rounding").height,
        "differ": differences.height,
        "unexplained": unexplained(result).height,
        "differences": [
            {
                **{c: row[c] for c in DIFFERENCE_COLUMNS if row[c] is not None},
                "year": row["year"],
                "measure": row["measure"],
                "published": row["published"],
                "computed": row["computed"],
                "note": row["note"],
            }
            for row in differences.iter_rows(named=True)
        ],
    }


def project_path(path: Path) -> str:
    """A path relative to the project when inside it, else its name alone (a QA record
    never holds an absolute path: it may name an analyst's home folder)."""
    resolved = path.resolve()
    if resolved.is_relative_to(PROJECT_ROOT):
        return resolved.relative_to(PROJECT_ROOT).as_posix()
    return path.name


def qa_record(folder: Path, year: str, build_key: str, published_dir: Path = PUBLISHED_DIR) -> dict:
    """The QA record of the build in ``folder``, review fields empty."""
    return {
        "year": year,
        "build_key": build_key,
        "validation": validation_result(folder),
        "reconciliation": reconciliation(folder / "figures.csv", published_dir / f"{year}.csv"),
        "assumptions": ASSUMPTIONS,
        "review": {"reviewer": None, "signed_off": None},
    }


def write_qa_record(
    folder: Path, year: str, build_key: str, published_dir: Path = PUBLISHED_DIR
) -> Path:
    """Write ``qa.json`` into the build's folder (atomically) and return its path."""
    target = folder / QA_FILE
    record = qa_record(folder, year, build_key, published_dir)
    atomic_write_text(target, json.dumps(record, indent=2) + "\n")
    return target


def archive_qa_record(
    source: Path,
    target: Path,
    reviewer: str | None = None,
    signed_off: date | None = None,
) -> tuple[Path, bool]:
    """Copy a build's QA record to ``target`` with the review filled in as far as given;
    returns the path and whether the review is complete (reviewer and date both set)."""
    if not source.is_file():
        raise InputError(str(source), "no QA record: build the year before archiving it")
    record = json.loads(source.read_text(encoding="utf-8"))
    review = record.setdefault("review", {"reviewer": None, "signed_off": None})
    if reviewer:
        review["reviewer"] = reviewer.strip()
    if signed_off:
        review["signed_off"] = signed_off.isoformat()
    atomic_write_text(target, json.dumps(record, indent=2) + "\n")
    return target, bool(review.get("reviewer") and review.get("signed_off"))
