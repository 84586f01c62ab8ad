"""Read the year's extracts (CSV or XLSX) into typed Polars frames.

Every frame gets a ``_row`` column: the data row number in the file, counted from 1
with the header not counted, so that later checks can point at the exact row.
Text is trimmed, empty cells become nulls, vocabularies and team aliases are mapped
to their canonical spellings. Unknown values are kept (trimmed) for validation to
report; only problems that make a file unreadable raise :class:`InputError`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from pipeline.errors import InputError
from pipeline.reference import (
    ESCALATION_FINDINGS,
    LGO_FINDINGS,
    LGO_STATUSES,
    OUTCOMES,
    PROCEDURES,
    Reference,
)

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
ISO_DATE = r"^\d{4}-\d{2}-\d{2}$"
UK_DATE = r"^\d{1,2}/\d{1,2}/\d{4}$"
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

    def frames(self) -> dict[str, pl.DataFrame]:
        """Stem -> frame, in contract order."""
        return {stem: getattr(self, stem) for stem in EXTRACT_STEMS}


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


def _read_csv_text(path: Path) -> pl.DataFrame:
    raw = path.read_bytes()
    if not raw.strip():
        raise InputError(str(path), "the file is empty (no header row)")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n")  # 0 = header line
        raise InputError(
            str(path),
            "text is not UTF-8 (save the file as 'CSV UTF-8')",
            row=line if line > 0 else None,
            value=raw[exc.start : exc.end + 8].decode("latin-1"),
        ) from None
    try:
        frame = pl.read_csv(
            text.encode("utf-8"),
            infer_schema=False,
            ignore_errors=False,
            raise_if_empty=True,
            truncate_ragged_lines=False,
        )
    except pl.exceptions.PolarsError as exc:
        raise InputError(str(path), f"not a readable CSV file: {exc}".splitlines()[0]) from None
    return frame.with_row_index(ROW, offset=1)


def _read_xlsx_text(path: Path) -> pl.DataFrame:
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


def _normalise_header(frame: pl.DataFrame) -> pl.DataFrame:
    renamed = {c: c.strip().lower().lstrip("\ufeff") for c in frame.columns if c != ROW}
    return frame.rename(renamed)


def _check_columns(frame: pl.DataFrame, spec: ExtractSpec, file: str) -> None:
    missing = [c for c in spec.columns if c not in frame.columns and c not in spec.optional]
    if missing:
        raise InputError(
            file, "required column missing from the header row", column=", ".join(missing)
        )


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


def _first_bad(frame: pl.DataFrame, column: str, parsed: pl.Expr) -> tuple[int, str] | None:
    bad = frame.filter(pl.col(column).is_not_null() & parsed.is_null()).head(1)
    if bad.is_empty():
        return None
    return bad[ROW][0], bad[column][0]


def _date_expr(column: str) -> pl.Expr:
    text = pl.col(column)
    iso = pl.when(text.str.contains(ISO_DATE)).then(
        text.str.strptime(pl.Date, "%Y-%m-%d", strict=False)
    )
    uk = pl.when(text.str.contains(UK_DATE)).then(
        text.str.strptime(pl.Date, "%d/%m/%Y", strict=False)
    )
    return pl.coalesce(iso, uk)


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


def _typed(frame: pl.DataFrame, spec: ExtractSpec, file: str) -> pl.DataFrame:
    """Parse dates, whole numbers and booleans; the first unparseable cell is an error."""
    parsed = {}
    for column, kind in spec.columns.items():
        if kind == "text":
            continue
        expr = TYPE_PARSERS[kind](column)
        bad = _first_bad(frame, column, expr)
        if bad is not None:
            raise InputError(file, TYPE_HINTS[kind], row=bad[0], column=column, value=bad[1])
        parsed[column] = expr
    return frame.with_columns(expr.alias(c) for c, expr in parsed.items())


def _canonical(column: str, spellings: Mapping[str, str]) -> pl.Expr:
    """Map a text column case-insensitively onto canonical spellings; keep unknowns."""
    lowered = pl.col(column).str.to_lowercase()
    return lowered.replace_strict(spellings, default=pl.col(column), return_dtype=pl.String)


def _vocabularies(stem: str, reference: Reference) -> dict[str, dict[str, str]]:
    def spell(values) -> dict[str, str]:
        return {v.lower(): v for v in values}

    common = {"procedure": spell(PROCEDURES)}
    by_stem = {
        "complaints": {**common, "nature": spell(reference.natures), "outcome": spell(OUTCOMES)},
        "remedies": {"remedy": spell(reference.remedies)},
        "escalations": common,
        "findings": {"finding": spell(ESCALATION_FINDINGS)},
        "lgo": {"status": spell(LGO_STATUSES), "finding": spell(LGO_FINDINGS)},
        "duty": {"category": spell(reference.duty_categories)},
    }
    return by_stem.get(stem, {})


def _canonical_teams(frame: pl.DataFrame, reference: Reference) -> pl.DataFrame:
    """Apply service-area and team aliases (a team is looked up within its service area)."""
    if "service_area" not in frame.columns:
        return frame
    frame = frame.with_columns(_canonical("service_area", reference.service_area_spellings()))
    pairs = reference.team_spellings()
    lookup = pl.DataFrame(
        {
            "service_area": [area for area, _ in pairs],
            "_team_key": [spelling for _, spelling in pairs],
            "_team_canonical": list(pairs.values()),
        }
    )
    return (
        frame.with_columns(pl.col("team").str.to_lowercase().alias("_team_key"))
        .join(lookup, on=["service_area", "_team_key"], how="left", maintain_order="left")
        .with_columns(pl.coalesce("_team_canonical", "team").alias("team"))
        .drop("_team_key", "_team_canonical")
    )


def read_extract(path: str | Path, stem: str, reference: Reference) -> pl.DataFrame:
    """Load one extract file into a typed frame with canonical spellings."""
    path = Path(path)
    spec = SPECS[stem]
    file = str(path)
    reader = _read_xlsx_text if path.suffix.lower() == ".xlsx" else _read_csv_text
    frame = _normalise_header(reader(path))
    _check_columns(frame, spec, file)
    frame = _trimmed(frame, spec)
    if stem in HEADER_ONLY_NOT_ALLOWED and frame.is_empty():
        raise InputError(file, "the file has a header but no data rows")
    frame = _typed(frame, spec, file)
    vocabularies = _vocabularies(stem, reference)
    frame = frame.with_columns(_canonical(c, v) for c, v in vocabularies.items())
    frame = _canonical_teams(frame, reference)
    schema = {ROW: pl.UInt32(), **{c: POLARS_TYPES[k] for c, k in spec.columns.items()}}
    return frame.select(pl.col(c).cast(t) for c, t in schema.items())


def empty_extract(stem: str) -> pl.DataFrame:
    """A typed frame with no rows, for an optional extract that is absent."""
    spec = SPECS[stem]
    schema = {ROW: pl.UInt32(), **{c: POLARS_TYPES[k] for c, k in spec.columns.items()}}
    return pl.DataFrame(schema=schema)


def load_extracts(raw_dir: str | Path, reference: Reference, year: str = "2016-17") -> Extracts:
    """Load all eight extracts of a year from ``raw_dir``.

    ``year`` is accepted for symmetry with the other steps; rules that depend on it
    (dates inside the year) are checked by validation, not here.
    """
    raw_dir = Path(raw_dir)
    if not raw_dir.is_dir():
        raise InputError(str(raw_dir), "extract folder not found")
    frames: dict[str, pl.DataFrame] = {}
    files: dict[str, Path | None] = {}
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
            frames[stem] = read_extract(path, stem, reference)
    return Extracts(**frames, files=files)
