"""Read the year's extracts (CSV or XLSX) into typed Polars frames.

Every frame gets a ``_row`` column: the data row number in the file, counted from 1
with the header not counted, so that later checks can point at the exact row.
Headers are matched trimmed and in any case, through the reference file's ``columns``
mapping where it has one. Text is trimmed, empty cells become nulls, code lists and
team aliases are mapped to their canonical spellings. Unknown values are kept (trimmed)
for validation to report; only problems that make a file unreadable raise
:class:`InputError`. A message about a mapped column names it as the file spells it,
with the contract name in brackets.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from pipeline.errors import InputError
from pipeline.reference import PROCEDURES, Reference

ROW = "_row"
EXTRACT_STEMS: tuple[str, ...] = (
    "complaints",
    "remedies",
    "escalations",
    "findings",
    "recommendations",
    "lgo",
    "duty",
    "compliments",
)
OPTIONAL_FILES: tuple[str, ...] = ("remedies", "recommendations")
FREE_TEXT_COLUMNS: dict[str, tuple[str, ...]] = {
    "compliments": ("text",),
    "lgo": ("summary",),
    "recommendations": ("action",),
}
HEADER_ONLY_NOT_ALLOWED: tuple[str, ...] = ("complaints",)


@dataclass(frozen=True)
class ExtractSpec:
    """The columns of one extract and the type each is read as."""

    columns: dict[str, str]  # column -> kind: text, date, int, bool
    optional: tuple[str, ...] = ()


SPECS: dict[str, ExtractSpec] = {
    "complaints": ExtractSpec(
        {
            "case_ref": "text",
            "procedure": "text",
            "received_date": "date",
            "service_area": "text",
            "team": "text",
            "nature": "text",
            "outcome": "text",
            "response_date": "date",
        }
    ),
    "remedies": ExtractSpec({"case_ref": "text", "remedy": "text"}),
    "escalations": ExtractSpec(
        {
            "escalation_ref": "text",
            "case_ref": "text",
            "procedure": "text",
            "stage": "int",
            "service_area": "text",
            "team": "text",
            "commissioned_date": "date",
            "stage1_received_date": "date",
            "completed_date": "date",
        },
        optional=("completed_date",),
    ),
    "findings": ExtractSpec({"escalation_ref": "text", "point_no": "int", "finding": "text"}),
    "recommendations": ExtractSpec({"escalation_ref": "text", "action": "text", "publish": "bool"}),
    "lgo": ExtractSpec(
        {
            "lgo_ref": "text",
            "service_area": "text",
            "team": "text",
            "status": "text",
            "finding": "text",
            "decision_date": "date",
            "summary": "text",
        }
    ),
    "duty": ExtractSpec({"duty_ref": "text", "received_date": "date", "category": "text"}),
    "compliments": ExtractSpec(
        {
            "compliment_ref": "text",
            "received_date": "date",
            "service_area": "text",
            "team": "text",
            "text": "text",
            "publish": "bool",
        }
    ),
}

POLARS_TYPES: dict[str, pl.DataType] = {
    "text": pl.String(),
    "date": pl.Date(),
    "int": pl.Int64(),
    "bool": pl.Boolean(),
}
DATE_SHAPE = r"^(?:\d{4}-\d{1,2}-\d{1,2}|\d{1,2}/\d{1,2}/\d{4})$"
TRUE_WORDS = ("true", "yes", "y", "1")
FALSE_WORDS = ("false", "no", "n", "0")


@dataclass
class Extracts:
    """The eight extracts of one year, typed, plus the files they came from."""

    complaints: pl.DataFrame
    remedies: pl.DataFrame
    escalations: pl.DataFrame
    findings: pl.DataFrame
    recommendations: pl.DataFrame
    lgo: pl.DataFrame
    duty: pl.DataFrame
    compliments: pl.DataFrame
    files: dict[str, Path | None] = field(default_factory=dict)
    # stem -> contract column -> how messages name it, for columns the reference maps
    labels: dict[str, dict[str, str]] = field(default_factory=dict)

    def frames(self) -> dict[str, pl.DataFrame]:
        """Stem -> frame, in contract order."""
        return {stem: getattr(self, stem) for stem in EXTRACT_STEMS}

    def label(self, stem: str, column: str) -> str:
        """A column as messages name it: ``Date Received (received_date)`` when mapped."""
        return self.labels.get(stem, {}).get(column, column)


def find_extract(raw_dir: Path, stem: str) -> Path | None:
    """The file holding one extract (``stem.csv`` or ``stem.xlsx``), or None."""
    found = [
        p
        for p in sorted(raw_dir.iterdir())
        if p.is_file() and p.stem.lower() == stem and p.suffix.lower() in (".csv", ".xlsx")
    ]
    if len(found) > 1:
        names = " and ".join(p.name for p in found)
        raise InputError(str(raw_dir / stem), f"two files for one extract: {names}; keep one")
    return found[0] if found else None


def _not_utf8_error(path: Path, raw: bytes) -> InputError:
    """Locate the first byte that is not UTF-8 and describe it."""
    try:
        raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n")  # 0 = header line
        return InputError(
            str(path),
            "text is not UTF-8 (save the file as 'CSV UTF-8')",
            row=line if line > 0 else None,
            value=raw[exc.start : exc.end + 8].decode("latin-1"),
        )
    return InputError(str(path), "text is not UTF-8 (save the file as 'CSV UTF-8')")


def _header_name(column: str) -> str:
    return column.strip().lower().lstrip("\ufeff")


def _read_csv_text(path: Path, skip: tuple[str, ...] = ()) -> pl.DataFrame:
    """Read a CSV file as text columns, leaving out the columns named in ``skip``."""
    with path.open("rb") as handle:
        start = handle.read(4096)
    if not start.strip():
        raise InputError(str(path), "the file is empty (no header row)")
    try:
        columns = None
        if skip:
            header = pl.read_csv(path, n_rows=0, infer_schema=False).columns
            columns = [c for c in header if _header_name(c) not in skip]
        frame = pl.read_csv(
            path,
            columns=columns,
            infer_schema=False,
            raise_if_empty=True,
            truncate_ragged_lines=False,
        )
    except pl.exceptions.ComputeError as exc:
        if "utf-8" in str(exc).lower():
            raise _not_utf8_error(path, path.read_bytes()) from None
        raise InputError(str(path), f"not a readable CSV file: {exc}".splitlines()[0]) from None
    except pl.exceptions.PolarsError as exc:
        raise InputError(str(path), f"not a readable CSV file: {exc}".splitlines()[0]) from None
    return frame.with_row_index(ROW, offset=1)


def _read_xlsx_text(path: Path, skip: tuple[str, ...] = ()) -> pl.DataFrame:
    """Read the first sheet of an XLSX file as text columns (``skip`` is not used)."""
    try:
        frame = pl.read_excel(path, sheet_id=1, engine="calamine", infer_schema_length=0)
    except Exception as exc:  # fastexcel raises its own error types
        raise InputError(str(path), f"not a readable XLSX file: {exc}".splitlines()[0]) from None
    # Date cells arrive as "YYYY-MM-DD 00:00:00": keep the date.
    frame = frame.with_columns(
        pl.col(c).cast(pl.String).str.replace(r"^(\d{4}-\d{2}-\d{2}) 00:00:00$", "$1")
        for c in frame.columns
    )
    return frame.with_row_index(ROW, offset=1)


def mapped_label(header: str, column: str) -> str:
    """How a message names a mapped column: the header, the contract name in brackets."""
    return f"{header} ({column})"


def _contract_header(
    frame: pl.DataFrame, mapping: Mapping[str, str]
) -> tuple[pl.DataFrame, dict[str, str]]:
    """Rename the file's headers to contract columns: trimmed, any case, through ``mapping``.

    ``mapping`` is the reference's contract column -> header for this extract. A contract
    name the reference maps to another header is not read (no silent fallback). Returns
    the frame and the label of each mapped column found, as the file spells its header.
    """
    wanted = {header.lower(): column for column, header in mapping.items()}
    renamed: dict[str, str] = {}
    labels: dict[str, str] = {}
    unread = []
    for original in frame.columns:
        if original == ROW:
            continue
        name = _header_name(original)
        if name in wanted:
            renamed[original] = wanted[name]
            labels[wanted[name]] = mapped_label(original.lstrip("\ufeff").strip(), wanted[name])
        elif name in mapping:
            unread.append(original)
        else:
            renamed[original] = name
    return frame.drop(unread).rename(renamed), labels


def _check_columns(
    frame: pl.DataFrame,
    spec: ExtractSpec,
    file: str,
    skipped: tuple[str, ...] = (),
    mapping: Mapping[str, str] | None = None,
) -> None:
    absent_allowed = (*spec.optional, *skipped)
    missing = [c for c in spec.columns if c not in frame.columns and c not in absent_allowed]
    if missing:
        mapping = mapping or {}
        named = [mapped_label(mapping[c], c) if c in mapping else c for c in missing]
        message = "required column missing from the header row"
        if any(c in mapping for c in missing):
            message += " (the header the reference file names under `columns`)"
        raise InputError(file, message, column=", ".join(named))


def _trimmed(frame: pl.DataFrame, spec: ExtractSpec) -> pl.DataFrame:
    """Keep the contract columns as trimmed text, nulls for empty cells; drop blank rows."""
    columns = [
        (
            pl.col(c).str.strip_chars().replace("", None)
            if c in frame.columns
            else pl.lit(None, pl.String)
        ).alias(c)
        for c in spec.columns
    ]
    frame = frame.select(pl.col(ROW).cast(pl.UInt32), *columns)
    return frame.filter(~pl.all_horizontal(pl.col(c).is_null() for c in spec.columns))


def _date_expr(column: str) -> pl.Expr:
    """ISO ``YYYY-MM-DD`` or UK ``DD/MM/YYYY`` (four-digit years); anything else is null."""
    text = pl.col(column)
    parsed = pl.coalesce(
        text.str.strptime(pl.Date, "%Y-%m-%d", strict=False),
        text.str.strptime(pl.Date, "%d/%m/%Y", strict=False),
    )
    return pl.when(text.str.contains(DATE_SHAPE)).then(parsed)


def _int_expr(column: str) -> pl.Expr:
    return pl.col(column).str.replace(r"\.0+$", "").cast(pl.Int64, strict=False)


def _bool_expr(column: str) -> pl.Expr:
    text = pl.col(column).str.to_lowercase()
    return (
        pl.when(text.is_in(TRUE_WORDS))
        .then(True)
        .when(text.is_in(FALSE_WORDS))
        .then(False)
        .otherwise(None)
    )


TYPE_PARSERS = {"date": _date_expr, "int": _int_expr, "bool": _bool_expr}
TYPE_HINTS = {
    "date": "not a date: write YYYY-MM-DD or DD/MM/YYYY",
    "int": "not a whole number",
    "bool": "not true/false",
}


def _typed(frame: pl.LazyFrame, spec: ExtractSpec) -> pl.LazyFrame:
    """Parse dates, whole numbers and booleans, keeping each text as ``_text_<column>``."""
    kinds = {c: k for c, k in spec.columns.items() if k != "text"}
    return frame.with_columns(pl.col(c).alias(f"_text_{c}") for c in kinds).with_columns(
        TYPE_PARSERS[k](f"_text_{c}").alias(c) for c, k in kinds.items()
    )


def _check_parsed(
    frame: pl.DataFrame, spec: ExtractSpec, file: str, labels: Mapping[str, str]
) -> pl.DataFrame:
    """The first cell that did not parse is an error; then drop the kept texts."""
    kinds = {c: k for c, k in spec.columns.items() if k != "text"}
    if not kinds:
        return frame
    unparsed = {c: pl.col(f"_text_{c}").is_not_null() & pl.col(c).is_null() for c in kinds}
    flags = frame.select(expr.any().alias(c) for c, expr in unparsed.items()).row(0, named=True)
    for column, kind in kinds.items():
        if flags[column]:
            bad = frame.filter(unparsed[column]).row(0, named=True)
            raise InputError(
                file,
                TYPE_HINTS[kind],
                row=bad[ROW],
                column=labels.get(column, column),
                value=bad[f"_text_{column}"],
            )
    return frame.drop(f"_text_{c}" for c in kinds)


def _canonical(column: str, spellings: Mapping[str, str]) -> pl.Expr:
    """Map a text column case-insensitively onto canonical spellings; keep unknowns."""
    lowered = pl.col(column).str.to_lowercase()
    return lowered.replace_strict(spellings, default=pl.col(column), return_dtype=pl.String)


def _vocabularies(stem: str, reference: Reference) -> dict[str, dict[str, str]]:
    def spell(values) -> dict[str, str]:
        return {v.lower(): v for v in values}

    common = {"procedure": spell(PROCEDURES)}
    by_stem = {
        "complaints": {
            **common,
            "nature": spell(reference.natures),
            "outcome": reference.spellings("outcomes"),
        },
        "remedies": {"remedy": spell(reference.remedies)},
        "escalations": common,
        "findings": {"finding": reference.spellings("escalation_findings")},
        "lgo": {
            "status": reference.spellings("lgo_statuses"),
            "finding": reference.spellings("lgo_findings"),
        },
        "duty": {"category": spell(reference.duty_categories)},
    }
    return by_stem.get(stem, {})


def _canonical_teams(frame: pl.LazyFrame, reference: Reference) -> pl.LazyFrame:
    """Apply service-area and team aliases (a team is looked up within its service area)."""
    if "service_area" not in frame.collect_schema().names():
        return frame
    frame = frame.with_columns(_canonical("service_area", reference.service_area_spellings()))
    spellings = reference.team_spellings().items()
    lookup = {f"{area}\x1f{spelling}": team for (area, spelling), team in spellings}
    key = pl.concat_str(pl.col("service_area"), pl.col("team").str.to_lowercase(), separator="\x1f")
    team = key.replace_strict(lookup, default=pl.col("team"), return_dtype=pl.String)
    return frame.with_columns(team.alias("team"))


def read_extract(
    path: str | Path, stem: str, reference: Reference, *, free_text: bool = True
) -> pl.DataFrame:
    """Load one extract file into a typed frame with canonical spellings.

    With ``free_text=False`` the free-text columns (compliment texts, Ombudsman
    summaries, recommended actions) are not read and come back empty: figures do not
    need them, and on large extracts they are most of the bytes.
    """
    return _read_extract(path, stem, reference, free_text=free_text)[0]


def _read_extract(
    path: str | Path, stem: str, reference: Reference, *, free_text: bool = True
) -> tuple[pl.DataFrame, dict[str, str]]:
    """:func:`read_extract`, plus the labels of the columns the reference maps."""
    path = Path(path)
    spec = SPECS[stem]
    file = str(path)
    mapping = reference.columns.get(stem, {})
    skip = () if free_text else FREE_TEXT_COLUMNS.get(stem, ())
    skip_headers = tuple(reference.header_of(stem, c).lower() for c in skip)
    reader = _read_xlsx_text if path.suffix.lower() == ".xlsx" else _read_csv_text
    frame, labels = _contract_header(reader(path, skip_headers), mapping)
    frame = frame.drop(skip, strict=False)
    _check_columns(frame, spec, file, skip, mapping)
    frame = _trimmed(frame, spec)
    if stem in HEADER_ONLY_NOT_ALLOWED and frame.is_empty():
        raise InputError(file, "the file has a header but no data rows")
    vocabularies = _vocabularies(stem, reference)
    frame = (
        _typed(frame.lazy(), spec)
        .with_columns(_canonical(c, v) for c, v in vocabularies.items())
        .pipe(_canonical_teams, reference)
        .collect()
    )
    frame = _check_parsed(frame, spec, file, labels)
    schema = {ROW: pl.UInt32(), **{c: POLARS_TYPES[k] for c, k in spec.columns.items()}}
    return frame.select(pl.col(c).cast(t) for c, t in schema.items()), labels


def empty_extract(stem: str) -> pl.DataFrame:
    """A typed frame with no rows, for an optional extract that is absent."""
    spec = SPECS[stem]
    schema = {ROW: pl.UInt32(), **{c: POLARS_TYPES[k] for c, k in spec.columns.items()}}
    return pl.DataFrame(schema=schema)


def load_extracts(
    raw_dir: str | Path,
    reference: Reference,
    year: str = "2016-17",
    *,
    free_text: bool = True,
) -> Extracts:
    """Load all eight extracts of a year from ``raw_dir``.

    ``year`` is accepted for symmetry with the other steps; rules that depend on it
    (dates inside the year) are checked by validation, not here. ``free_text=False``
    skips the free-text columns (see :func:`read_extract`).
    """
    raw_dir = Path(raw_dir)
    if not raw_dir.is_dir():
        raise InputError(str(raw_dir), "extract folder not found")
    frames: dict[str, pl.DataFrame] = {}
    files: dict[str, Path | None] = {}
    labels: dict[str, dict[str, str]] = {}
    for stem in EXTRACT_STEMS:
        path = find_extract(raw_dir, stem)
        files[stem] = path
        if path is None:
            if stem not in OPTIONAL_FILES:
                raise InputError(
                    str(raw_dir / f"{stem}.csv"), "required extract missing (.csv or .xlsx)"
                )
            frames[stem] = empty_extract(stem)
        else:
            frames[stem], labels[stem] = _read_extract(path, stem, reference, free_text=free_text)
    return Extracts(**frames, files=files, labels=labels)
