"""Validate a year's extracts with the Great Expectations suites in `expectations/`.

One run checks every extract and the frames derived from them (orphan references,
team within its service area) and writes `<out>/validation/`: the GE results
(`ge_results.json`), GE Data Docs (`data_docs/index.html`), `summary.md` and
`result.json`. Load-level problems (missing file, unreadable dates, a file that is
not what its name says, ...) of every file are reported in the same summary, beside
the rule failures of the extracts that could be read, grouped by file. The folder is
written beside the old one and swapped in only when complete, so a crashed run leaves
earlier outputs untouched.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import re
import shutil
import sys
import tempfile
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

import polars as pl

from pipeline import PROJECT_ROOT
from pipeline.checks.datadocs import make_offline
from pipeline.checks.publication import personal_data_hits
from pipeline.errors import InputError, rows_text
from pipeline.files import replace_folder
from pipeline.inputs.contract import FREE_TEXT_COLUMNS
from pipeline.inputs.load import EXTRACT_STEMS, ROW, Extracts, read_extracts
from pipeline.inputs.placeholders import reference_message, reference_placeholders
from pipeline.inputs.reference import Reference, load_reference
from pipeline.publish.safe import CONTROL_CHARACTERS, markdown_code
from pipeline.years import display_year, year_end, year_start

os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
os.environ.setdefault("TQDM_DISABLE", "1")

SUITES_DIR = PROJECT_ROOT / "expectations"
NOTEBOOK = PROJECT_ROOT / "notebooks" / "validate.ipynb"
FILE = "_file"
MAX_VALUES = 10
LOAD_RULE = "load"
FIRST_CONTROL = f"({CONTROL_CHARACTERS.pattern})"
# derived frame -> the extracts it is built from: left out when one could not be read
# (every remedy would otherwise be reported as an orphan of an unreadable complaints file)
DERIVED_INPUTS: dict[str, tuple[str, ...]] = {
    "remedy_links": ("remedies", "complaints"),
    "finding_links": ("findings", "escalations"),
    "recommendation_links": ("recommendations", "escalations"),
    "recommendation_dates": ("recommendations", "escalations"),
}


@dataclass(frozen=True)
class Failure:
    """One failed check: where it is (file, column, rows) and what was found."""

    file: str
    column: str | None
    rows: list[int]
    values: list[str]
    rule: str
    message: str

    def describe(self) -> str:
        """One Markdown line naming file, column, rows and values."""
        where = f"**{self.file}**"
        if self.column:
            where += f", column `{self.column}`"
        if self.rows:
            where += f", {rows_text(self.rows)}"
        text = f"- {where}: {self.message}"
        if self.values and not shows_free_text(self.file, self.column):
            label = "value" if len(self.values) == 1 else "values"
            shown = ", ".join(markdown_code(repr(v)) for v in self.values)
            text += f" ({label}: {shown})"
        return text


@dataclass
class ValidationReport:
    """The outcome of validating one year's extracts."""

    year: str
    failures: list[Failure] = field(default_factory=list)
    checked_at: str = field(
        default_factory=lambda: dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    )
    checks: int = 0
    notes: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)  # may be wrong; do not stop the build

    @property
    def success(self) -> bool:
        return not self.failures

    def by_file(self) -> dict[str, list[Failure]]:
        """The failures grouped by file, files in extract order, each file's in rule order."""
        groups: dict[str, list[Failure]] = {}
        for failure in sorted(self.failures, key=lambda f: _extract_order(f.file)):
            groups.setdefault(failure.file, []).append(failure)
        return groups

    def summary_markdown(self) -> str:
        """The analyst's summary: every problem grouped by file, or a line saying all passed."""
        title = f"# Validation of the {display_year(self.year)} extracts"
        notes = [f"Warning: {warning}." for warning in self.warnings]
        notes += [f"Note: {note}." for note in self.notes]
        if self.success:
            return "\n\n".join([title, f"PASSED: all {self.checks} checks passed.", *notes]) + "\n"
        groups = self.by_file()
        lines = [
            title,
            "",
            f"FAILED: {len(self.failures)} problem(s) in {len(groups)} file(s). "
            "Rows are data rows counted from 1 (the header is not counted).",
            "",
        ]
        for file, failures in groups.items():
            lines += [f"## {file}", "", *(f.describe() for f in failures), ""]
        lines += [line for note in notes for line in (note, "")]
        return "\n".join(lines).rstrip("\n") + "\n"

    def to_json_dict(self) -> dict[str, Any]:
        return {
            "success": self.success,
            "year": self.year,
            "checked_at": self.checked_at,
            "checks": self.checks,
            "failures": [asdict(f) for f in self.failures],
            "notes": self.notes,
            "warnings": self.warnings,
        }


def shows_free_text(file: str, column: str | None) -> bool:
    """Whether a column is one of the free-text columns (compliment texts, Ombudsman
    summaries, recommended actions), named as the contract or the mapping names it: the
    summary never shows their values."""
    columns = FREE_TEXT_COLUMNS.get(Path(file).stem.lower(), ())
    if not column:
        return False
    return any(column == c or column.endswith(f"({c})") for c in columns)


def _extract_order(file: str) -> int:
    """Position of a file's extract in the contract's order (other files last)."""
    stem = Path(file).stem.lower()
    return EXTRACT_STEMS.index(stem) if stem in EXTRACT_STEMS else len(EXTRACT_STEMS)


# --------------------------------------------------------------------------- inputs


def year_bounds(year: str) -> tuple[dt.date, dt.date]:
    """First and last day of a reporting year written `YYYY-YY` (1 April to 31 March)."""
    return year_start(year), year_end(year)


def suite_parameters(reference: Reference, year: str) -> dict[str, Any]:
    """The values the suites' `$PARAMETER`s stand for, from the reference data and year."""
    start, end = year_bounds(year)
    return {
        "service_areas": reference.service_area_names,
        "teams": reference.team_names,
        "natures": list(reference.natures),
        "remedies": list(reference.remedies),
        "duty_categories": list(reference.duty_categories),
        "outcomes": reference.outcome_names,
        "escalation_findings": reference.escalation_finding_names,
        "lgo_statuses": reference.lgo_status_names,
        "lgo_findings": reference.lgo_finding_names,
        "complainant_types": reference.complainant_type_names,
        **{
            f"equalities_{key}": reference.equalities.names(key)
            for key in ("gender", "ethnicity", "disability")
        },
        # date columns reach GE as pandas datetimes, which compare with datetimes
        "year_start": f"{start.isoformat()}T00:00:00",
        "year_end": f"{end.isoformat()}T00:00:00",
    }


def _orphans(child: pl.DataFrame, column: str, parents: pl.Series, alias: str) -> pl.DataFrame:
    found = pl.col(column).is_in(parents.drop_nulls().implode())
    return child.select(
        ROW,
        column,
        pl.when(pl.col(column).is_not_null() & ~found).then(pl.col(column)).alias(alias),
    )


def _team_areas(extracts: Extracts, reference: Reference) -> pl.DataFrame:
    """Every row that names a team (by file and row), with the team where the reference
    knows both the team and the service area but not the team within that area.

    Only the column checked and the columns naming rows: on a large council these are
    millions of rows, held while every suite runs and copied for GE.
    """
    pairs = pl.DataFrame(
        reference.team_pairs(), schema=["service_area", "team"], orient="row"
    ).with_columns(pl.lit(True).alias("_pair"))
    frames = [
        frame.select(pl.lit(extracts.file_name(stem)).alias(FILE), ROW, "service_area", "team")
        for stem, frame in extracts.frames().items()
        if "team" in frame.columns
    ]
    rows = pl.concat(frames)
    known = pl.col("service_area").is_in(reference.service_area_names) & pl.col("team").is_in(
        reference.team_names
    )
    # the few distinct pairs are looked up, not the rows (millions, on a large council)
    outside = (
        rows.select("service_area", "team")
        .unique()
        .join(pairs, on=["service_area", "team"], how="left")
        .filter(known & pl.col("_pair").is_null())
        .select("service_area", "team", pl.lit(True).alias("_outside"))
    )
    if outside.is_empty():
        return rows.select(FILE, ROW, pl.lit(None, pl.String).alias("team_outside_service_area"))
    return rows.join(
        outside, on=["service_area", "team"], how="left", maintain_order="left"
    ).select(
        FILE,
        ROW,
        pl.when(pl.col("_outside")).then(pl.col("team")).alias("team_outside_service_area"),
    )


def with_meanings(extracts: Extracts, reference: Reference) -> dict[str, pl.DataFrame]:
    """The extracts as the suites see them: each code's meaning from the reference beside it.

    ``complaints.outcome_kind`` (answered, closed, ongoing; empty for an unknown outcome)
    drives the response-date rules, ``lgo.fault_finding`` the summary rule, so the suites
    hold the contract's meanings and never a council's names.
    """
    frames = extracts.frames()
    kinds = reference.outcome_kinds
    outcome = pl.col("outcome")
    frames["complaints"] = frames["complaints"].with_columns(
        outcome.replace_strict(kinds, default=None, return_dtype=pl.String).alias("outcome_kind")
    )
    fault = pl.col("finding").is_in(reference.fault_findings).fill_null(False)
    frames["lgo"] = frames["lgo"].with_columns(fault.alias("fault_finding"))
    return frames


def free_text_as_checked(frame: pl.DataFrame, columns: tuple[str, ...]) -> pl.DataFrame:
    """Each free text as the suites check it: the first control character it holds (empty
    when it holds none), null where there is no text.

    The suites ask two things of a free text, that it is there and that it holds no
    control character, and both answers are the same on what is kept. The texts, most of
    the bytes of the extracts, are then never copied into pandas, hashed or filtered by
    GE, nor shown in its results (they may hold personal data).
    """
    return frame.with_columns(
        pl.when(pl.col(c).is_not_null()).then(pl.col(c).str.extract(FIRST_CONTROL).fill_null(""))
        for c in columns
    )


def without_free_text(extracts: Extracts) -> Extracts:
    """The extracts with each free text as the suites check it (see
    :func:`free_text_as_checked`), once the personal-data checks have read the texts."""
    checked = {
        stem: free_text_as_checked(getattr(extracts, stem), columns)
        for stem, columns in FREE_TEXT_COLUMNS.items()
    }
    return replace(extracts, **checked)


def frames_to_check(extracts: Extracts, reference: Reference) -> dict[str, pl.DataFrame]:
    """Every frame a suite checks, without the extracts that could not be read and the
    derived frames built from them (their problems are reported by loading)."""
    unreadable = set(extracts.unreadable)
    frames = {**with_meanings(extracts, reference), **derived_frames(extracts, reference)}
    return {
        name: frame
        for name, frame in frames.items()
        if name not in unreadable and unreadable.isdisjoint(DERIVED_INPUTS.get(name, ()))
    }


def derived_frames(extracts: Extracts, reference: Reference) -> dict[str, pl.DataFrame]:
    """Frames for the cross-file rules, each checked by the suite of the same name."""
    escalation_refs = extracts.escalations["escalation_ref"]
    return {
        "remedy_links": _orphans(
            extracts.remedies, "case_ref", extracts.complaints["case_ref"], "missing_complaint"
        ),
        "finding_links": _orphans(
            extracts.findings, "escalation_ref", escalation_refs, "missing_escalation"
        ),
        "recommendation_links": _orphans(
            extracts.recommendations, "escalation_ref", escalation_refs, "missing_escalation"
        ),
        "team_areas": _team_areas(extracts, reference),
        "recommendation_dates": _recommendation_dates(extracts),
    }


def _recommendation_dates(extracts: Extracts) -> pl.DataFrame:
    """Each agreed action's completed date beside its escalation's commissioned date."""
    commissioned = extracts.escalations.select("escalation_ref", "commissioned_date").unique(
        "escalation_ref", keep="first"
    )
    return extracts.recommendations.join(
        commissioned, on="escalation_ref", how="left", maintain_order="left"
    ).select(ROW, "completed_date", "commissioned_date")


def benchmark_council_failures(extracts: Extracts, reference: Reference) -> list[Failure]:
    """The Ombudsman's figures must hold one row for this council (contract 1.4): the row
    whose ``authority`` is the reference's ``authority`` (trimmed, any case)."""
    if extracts.files.get("lgo_benchmark") is None or "lgo_benchmark" in extracts.unreadable:
        return []
    own = reference.authority.strip().lower()
    named = extracts.lgo_benchmark.filter(pl.col("authority").str.to_lowercase() == own)
    if named.height:
        return []  # named twice is reported by the suite (authority is unique)
    return [
        Failure(
            file=extracts.file_name("lgo_benchmark"),
            column=extracts.label("lgo_benchmark", "authority"),
            rows=[],
            values=[reference.authority],
            rule="lgo_benchmark: this council",
            message="no row names this council (the reference file's `authority`): add "
            "the council's own figures, or remove the file to leave the comparison out",
        )
    ]


# --------------------------------------------------------------------------- running GE


def to_pandas(frame: pl.DataFrame):
    """The frame as pandas for GE; dates become datetime64[ns], texts pandas 3's `str`.

    GE compares datetime64[ns] columns vectorised but other date types one value at a
    time (a minute per million rows). Text stays text (not categoricals, which GE turns
    back into text, a value at a time, to match a pattern): the copies GE makes for a
    check on some rows are cut to the columns checked (see :class:`SharedDomains`).
    """
    dates = [c for c, t in frame.schema.items() if t == pl.Date]
    return frame.with_columns(pl.col(dates).cast(pl.Datetime("ns"))).to_pandas()


def _quiet_gx() -> None:
    """Keep GE's progress bars and chatter out of the terminal."""
    os.environ["GX_ANALYTICS_ENABLED"] = "false"
    logging.getLogger("great_expectations").setLevel(logging.ERROR)


def _no_batch_fingerprints() -> None:
    """Stop GE hashing every cell of each frame (under 1 GB) for the fingerprint it
    records among a batch's markers: a quarter of its time on a million complaints, for
    a value nothing here reads. No frame is under a threshold of 0 bytes."""
    from great_expectations.execution_engine import pandas_execution_engine

    pandas_execution_engine.HASH_THRESHOLD = 0


DOMAIN_COLUMN_KEYS = ("column", "column_A", "column_B", "column_list")
# GE's `ignore_row_if` of a column pair or list: the rows it leaves out, where "any" or
# "all" of the columns are empty, or none
IGNORED_ROWS = {
    "column_A": {
        "either_value_is_missing": "any",
        "both_values_are_missing": "all",
        "neither": None,
    },
    "column_list": {"any_value_is_missing": "any", "all_values_are_missing": "all", "never": None},
}


def _rows_left_out(domain_kwargs: dict[str, Any]) -> str | None | bool:
    """How GE's pandas engine leaves rows out of a domain's records (after its row
    condition): "any"/"all" (where any/all of its columns are empty), None (no row), or
    False for a domain this does not mirror."""
    if "column" in domain_kwargs:
        return None
    if "column_A" in domain_kwargs and "column_B" in domain_kwargs:
        kind = "column_A"
    elif "column_list" in domain_kwargs:
        kind = "column_list"
    else:
        return False
    rules = IGNORED_ROWS[kind]
    return rules.get(domain_kwargs.get("ignore_row_if"), False)


def _domain_columns(domain_kwargs: dict[str, Any]) -> list[str]:
    """The columns a column, column-pair or multi-column domain reads (none for a table)."""
    named = [domain_kwargs[k] for k in DOMAIN_COLUMN_KEYS[:3] if k in domain_kwargs]
    return [*named, *domain_kwargs.get("column_list", [])]


class SharedDomains:
    """Each domain's records computed once per batch, holding only the columns read.

    GE's pandas engine gives every metric of an expectation the whole frame, filtered by
    the expectation's row condition anew each time, and a metric then copies all of it
    again to leave out the rows where the checked column is empty: a dozen copies of
    every column per expectation that checks some rows only. Installed on the engine,
    this computes the records of a domain (row condition, columns, rows to ignore) once
    per batch and cuts those of a column domain to its columns and the index columns the
    results name: the metrics read nothing else, so the results are the same.
    """

    def __init__(self, engine) -> None:
        self.records = engine.get_domain_records
        self.index_columns: list[str] = []
        self.cache: dict[str, Any] = {}
        engine.get_domain_records = self.domain_records

    def start(self, index_columns: list[str]) -> None:
        """A new batch, whose results name rows by ``index_columns``."""
        self.cache.clear()
        self.index_columns = index_columns

    def domain_records(self, domain_kwargs: dict) -> Any:
        """What GE's own method returns, with only the columns a column domain reads."""
        key = json.dumps(domain_kwargs, sort_keys=True, default=repr)
        if key not in self.cache:
            self.cache[key] = self._records(domain_kwargs)
        return self.cache[key]

    def _records(self, domain_kwargs: dict) -> Any:
        columns = _domain_columns(domain_kwargs)
        if not columns:
            return self.records(domain_kwargs)
        kept = list(dict.fromkeys([*self.index_columns, *columns]))
        how = _rows_left_out(domain_kwargs)
        if how is False:
            return self.records(domain_kwargs)[kept]
        table = {
            k: v
            for k, v in domain_kwargs.items()
            if k not in DOMAIN_COLUMN_KEYS and k != "ignore_row_if"
        }
        data = self.domain_records(table)[kept]  # the row condition applied once
        return data if how is None else data.dropna(axis=0, how=how, subset=columns)


def _forget_batches(source) -> None:
    """Drop the frames GE keeps of the batches validated so far (the data source's
    execution engine holds every one until the end): one frame in memory at a time."""
    manager = source.get_execution_engine().batch_manager
    manager.batch_data_cache.clear()
    manager.reset_batch_cache()


def _context(docs_dir: Path):
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig

    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    for site in context.get_site_names():  # the ephemeral context's own temp site
        backend = context.variables.data_docs_sites[site].get("store_backend", {})
        context.delete_data_docs_site(site)
        if backend.get("base_directory"):
            shutil.rmtree(backend["base_directory"], ignore_errors=True)
    context.add_data_docs_site(
        "validation",
        {
            "class_name": "SiteBuilder",
            "show_how_to_buttons": False,
            "store_backend": {
                "class_name": "TupleFilesystemStoreBackend",
                "base_directory": str(docs_dir),
            },
            "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
        },
    )
    return context


def load_suite(name: str, suites_dir: Path = SUITES_DIR):
    """One committed suite JSON as a GE ExpectationSuite."""
    import great_expectations as gx

    data = json.loads((suites_dir / f"{name}.json").read_text(encoding="utf-8"))
    return gx.ExpectationSuite(**data)


def run_suites(frames: dict[str, pl.DataFrame], parameters: dict[str, Any], docs_dir: Path):
    """Validate every frame with its suite in one GE run; build Data Docs into docs_dir.

    Returns GE's CheckpointResult holding one validation result per frame.
    """
    import great_expectations as gx
    from great_expectations.checkpoint.checkpoint import CheckpointResult
    from great_expectations.core.run_identifier import RunIdentifier
    from great_expectations.data_context.types.resource_identifiers import (
        ExpectationSuiteIdentifier,
        ValidationResultIdentifier,
    )

    _quiet_gx()
    _no_batch_fingerprints()
    context = _context(docs_dir)
    source = context.data_sources.add_pandas("extracts")
    shared = SharedDomains(source.get_execution_engine())
    definitions = []
    for name in frames:
        batch = source.add_dataframe_asset(name).add_batch_definition_whole_dataframe(name)
        suite = context.suites.add(load_suite(name))
        definitions.append(
            context.validation_definitions.add(
                gx.ValidationDefinition(name=name, data=batch, suite=suite)
            )
        )
    checkpoint = context.checkpoints.add(
        gx.Checkpoint(name="validate", validation_definitions=definitions)
    )
    run_id = RunIdentifier(run_name="validate", run_time=dt.datetime.now(dt.UTC))
    results = {}
    for definition in definitions:
        frame = frames[definition.name]
        index_columns = [c for c in (FILE, ROW) if c in frame.columns]
        shared.start(index_columns)
        result = definition.run(
            batch_parameters={"dataframe": to_pandas(frame)},
            expectation_parameters=parameters,
            result_format={
                "result_format": "COMPLETE",
                "unexpected_index_column_names": index_columns,
            },
            run_id=run_id,
        )
        shared.start([])
        _forget_batches(source)
        key = ValidationResultIdentifier(
            expectation_suite_identifier=ExpectationSuiteIdentifier(name=definition.suite.name),
            run_id=run_id,
            batch_identifier=result.batch_id,
        )
        results[key] = result
    context.build_data_docs(site_names=["validation"])
    make_offline(docs_dir)  # local copies of the CDN assets, no tracking link
    return CheckpointResult(run_id=run_id, run_results=results, checkpoint_config=checkpoint)


# --------------------------------------------------------------------------- failures


def _show(value: Any) -> str:
    if value is None or value != value:  # None, NaN, NaT
        return "(empty)"
    if hasattr(value, "strftime"):
        return value.strftime("%Y-%m-%d")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _raised(result) -> bool:
    """Whether GE could not evaluate the expectation (a defect of the suites, not the data)."""
    info = result.exception_info or {}
    nested = [v for v in info.values() if isinstance(v, dict)]
    return bool(info.get("raised_exception")) or any(v.get("raised_exception") for v in nested)


PLACEHOLDER = re.compile(r"\{([a-z0-9_]+)\}")


def labelled(rule: str, labels: dict[str, str]) -> str:
    """A rule's ``{column}`` placeholders as messages name the columns (see load.py)."""
    return PLACEHOLDER.sub(lambda m: labels.get(m.group(1), m.group(1)), rule)


def _failure(
    result, extracts_files: dict[str, str], labels: dict[str, dict[str, str]] | None = None
) -> list[Failure]:
    """Failures of one expectation result (several when a derived frame spans files).

    ``labels``: file name -> contract column -> its label when the reference maps it.
    """
    config = result.expectation_config
    info = config.meta or {}
    column = info.get("column") or config.kwargs.get("column")
    index_list = result.result.get("unexpected_index_list") or []
    checked = config.kwargs.get("column") or column
    by_file: dict[str, tuple[list[int], list[str]]] = {}
    for entry in index_list:
        file = entry.get(FILE) or extracts_files.get(info.get("file", ""), info.get("file", ""))
        rows, values = by_file.setdefault(file, ([], []))
        rows.append(int(entry[ROW]))
        shown = _show(entry.get(checked, entry.get(column)))
        if info.get("hide_values"):  # free text: the rows say where, the text is not repeated
            continue
        if shown not in values and len(values) < MAX_VALUES:
            values.append(shown)
    if not by_file:  # a table-level expectation without row indices
        file = extracts_files.get(info.get("file", ""), info.get("file", ""))
        by_file[file] = ([], [])
    labels = labels or {}
    return [
        Failure(
            file=file,
            column=labels.get(file, {}).get(column, column) if column else column,
            rows=sorted(set(rows)),
            values=values,
            rule=config.type,
            message=labelled(info.get("rule", config.type), labels.get(file, {})),
        )
        for file, (rows, values) in by_file.items()
    ]


def failures_from_result(
    checkpoint_result, files: dict[str, str], labels: dict[str, dict[str, str]] | None = None
) -> list[Failure]:
    """Every failed expectation as a Failure, in suite order (``labels`` as in ``_failure``)."""
    failures: list[Failure] = []
    for validation in checkpoint_result.run_results.values():
        for result in validation.results:
            if _raised(result):
                config = result.expectation_config
                raise RuntimeError(f"check {config.type} {config.meta} could not run")
            if not result.success:
                failures.extend(_failure(result, files, labels))
    return failures


def publication_failures(extracts: Extracts, reference: Reference) -> list[Failure]:
    """Personal data in texts due for publication: file, column, rows and the kind found.

    The text itself is never shown (it would put the personal data in the summary).
    """
    return [
        Failure(
            file=hit.file,
            column=hit.column,
            rows=list(hit.rows),
            values=[],
            rule=f"publication: {hit.kind}",
            message=hit.message(),
        )
        for hit in personal_data_hits(extracts, reference.publication_allow)
    ]


def placeholder_failures(reference_path: Path) -> list[Failure]:
    """Every line of the reference file still marked CHANGE ME or CHECK (left by ``init``):
    an unreviewed draft does not pass."""
    return [
        Failure(
            file=reference_path.name,
            column=None,
            rows=[],
            values=[],
            rule="placeholder",
            message=reference_message(hit),
        )
        for hit in reference_placeholders(reference_path)
    ]


def failure_from_input_error(error: InputError) -> Failure:
    """A load-level problem in the same shape as a failed check."""
    return Failure(
        file=Path(error.file).name,
        column=error.column,
        rows=list(error.rows),
        values=[str(v) for v in error.values],
        rule=LOAD_RULE,
        message=error.message,
    )


def failures_from_input_errors(errors: list[InputError]) -> list[Failure]:
    """Every load-level problem (an error collecting several gives one failure each)."""
    return [failure_from_input_error(p) for e in errors for p in (e.problems or [e])]


def without_unreadable_cells(failures: list[Failure], load: list[Failure]) -> list[Failure]:
    """Leave out what the suites report on cells loading could not read.

    Such a cell reaches the suites empty, so a rule like "the response date is required"
    would report it a second time; the load failure already names it with its value.
    """
    unread: dict[tuple[str, str | None], set[int]] = {}
    for failure in load:
        if failure.rows and failure.column:
            unread.setdefault((failure.file, failure.column), set()).update(failure.rows)
    kept = []
    for failure in failures:
        skip = unread.get((failure.file, failure.column))
        if skip and failure.rows:
            rows = [r for r in failure.rows if r not in skip]
            if not rows:
                continue
            failure = replace(failure, rows=rows)
        kept.append(failure)
    return kept


# --------------------------------------------------------------------------- outputs


def _write_json(path: Path, data: Any) -> None:
    path.write_text(json.dumps(data, indent=2, default=str) + "\n", encoding="utf-8")


def _ge_results_json(checkpoint_result) -> dict[str, Any]:
    return {
        "run_id": checkpoint_result.run_id.to_json_dict(),
        "success": checkpoint_result.success,
        "validation_results": [r.to_json_dict() for r in checkpoint_result.run_results.values()],
    }


def validate_extracts(
    raw_dir: str | Path, reference_path: str | Path, year: str, out_dir: str | Path
) -> ValidationReport:
    """Load and validate one year's extracts; write `<out_dir>/validation/`."""
    out_dir = Path(out_dir).resolve()  # GE wants an absolute Data Docs folder
    out_dir.mkdir(parents=True, exist_ok=True)
    report = ValidationReport(year=year)
    work = Path(tempfile.mkdtemp(dir=out_dir, prefix=".validation-new-"))
    work.chmod(0o755)
    try:
        report.failures.extend(placeholder_failures(Path(reference_path)))
        try:
            reference = load_reference(reference_path)
            parameters = suite_parameters(reference, year)
            extracts, problems = read_extracts(raw_dir, reference)
        except InputError as error:
            report.failures.extend(failures_from_input_errors([error]))
        else:
            load = failures_from_input_errors(problems)
            report.failures.extend(load)
            report.notes.extend(extracts.notes)
            report.warnings.extend(extracts.warnings)
            files = {stem: extracts.file_name(stem) for stem in EXTRACT_STEMS}
            labels = {files[stem]: extracts.labels.get(stem, {}) for stem in EXTRACT_STEMS}
            published = publication_failures(extracts, reference)
            benchmark = benchmark_council_failures(extracts, reference)
            extracts = without_free_text(extracts)  # the texts, most of the memory, are read
            frames = frames_to_check(extracts, reference)
            del extracts  # GE holds one frame at a time (see _forget_batches)
            result = run_suites(frames, parameters, work / "data_docs")
            report.checks = sum(len(v.results) for v in result.run_results.values())
            checked = failures_from_result(result, files, labels)
            report.failures.extend(without_unreadable_cells(checked, load))
            report.failures.extend(published)
            report.failures.extend(benchmark)
            _write_json(work / "ge_results.json", _ge_results_json(result))
        (work / "summary.md").write_text(report.summary_markdown(), encoding="utf-8")
        _write_json(work / "result.json", report.to_json_dict())
        replace_folder(work, out_dir / "validation")
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    return report


def validation_passed(out_dir: str | Path) -> bool | None:
    """True/False from the last validation of `out_dir`, None when there is none."""
    path = Path(out_dir) / "validation" / "result.json"
    try:
        return bool(json.loads(path.read_text(encoding="utf-8"))["success"])
    except (OSError, ValueError, KeyError, TypeError):
        return None


def warm_validate_kernel() -> None:
    """Start the notebook's kernel in the background, with Great Expectations imported
    (about two seconds of every validation); :func:`run_validate_cli` takes it."""
    from pipeline.run.runner import warm_kernel

    warm_kernel(NOTEBOOK, ("pipeline.checks.validate", "great_expectations"))


def run_validate_cli(year: str, raw: str | Path, reference: str | Path, out: str | Path) -> int:
    """Run notebooks/validate.ipynb with Papermill and print the summary.

    Returns the exit status: 0 every check passed, 2 a check failed, 1 crash.
    """
    from pipeline.run.runner import NotebookFailed, discard_warm_kernels, execute_notebook

    warm_validate_kernel()  # a no-op when the build started it; GE loads as Papermill does
    out = Path(out)
    parameters = {
        "year": year,
        "raw_dir": str(Path(raw).resolve()),
        "reference": str(Path(reference).resolve()),
        "out_dir": str(out.resolve()),
    }
    try:
        execute_notebook(NOTEBOOK, out / "notebooks" / "validate.ipynb", parameters)
    except NotebookFailed as error:
        print(f"validation crashed: {error.ename}: {error.evalue}", file=sys.stderr)
        print(f"executed notebook kept at {error.kept}", file=sys.stderr)
        return 1
    except Exception as error:  # papermill/kernel failure
        print(f"validation crashed: {type(error).__name__}: {error}", file=sys.stderr)
        return 1
    finally:
        discard_warm_kernels(NOTEBOOK)  # the early kernel, when it was not taken (Ctrl-C)
    summary = out / "validation" / "summary.md"
    print(summary.read_text(encoding="utf-8"), end="")
    return 0 if validation_passed(out) else 2
