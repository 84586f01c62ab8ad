"""Read the year's extracts (CSV or XLSX) into typed Polars frames.

Every frame gets a ``_row`` column: the data row number in the file, counted from 1
with the header not counted, so that later checks can point at the exact row.
Headers are matched trimmed and in any case, through the reference file's ``columns``
mapping where it has one. Text is trimmed, empty cells become nulls, code lists and
team aliases are mapped to their canonical spellings. Unknown values are kept (trimmed)
for validation to report. A message about a mapped column names it as the file spells
it, with the contract name in brackets.

Problems are collected, not raised one at a time: every unreadable cell (dates, whole
numbers, true/false), missing or repeated column and unreadable file of every extract
is found in one pass (:func:`read_extracts`); :func:`load_extracts` then raises one
:class:`InputError` holding them all. A file's first bytes are looked at before it is
parsed, so that a workbook with a ``.csv`` name (or text with an ``.xlsx`` one), UTF-16
or another encoding gets a message saying what the file is and how to save it.
Semicolon- or tab-separated CSV files are read with their separator (Excel writes
semicolons where Windows' list separator is one); a note says so.
"""

from __future__ import annotations

import codecs
import csv
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

import polars as pl

from pipeline.contract import (
    EXTRACT_STEMS,
    FREE_TEXT_COLUMNS,
    HEADER_ONLY_NOT_ALLOWED,
    OPTIONAL_FILES,
    POLARS_TYPES,
    SPECS,
    ExtractSpec,
)
from pipeline.errors import InputError, extract_folder_not_found
from pipeline.reference import PROCEDURES, Reference

ROW = "_row"
DATE_SHAPE = r"^(?:\d{4}-\d{1,2}-\d{1,2}|\d{1,2}/\d{1,2}/\d{4})$"
TRUE_WORDS = ("true", "yes", "y", "1")
FALSE_WORDS = ("false", "no", "n", "0")
MAX_EXAMPLES = 10  # example values kept for a problem found on many rows
FREE_TEXT_NAMES = frozenset(c for columns in FREE_TEXT_COLUMNS.values() for c in columns)


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
    # extracts that could not be read at all (their frames stand in empty)
    unreadable: tuple[str, ...] = ()
    # things worth knowing about the files that are not problems (a semicolon separator)
    notes: list[str] = field(default_factory=list)
    # stem -> the optional columns its file has (an absent one is read as empty)
    optional_found: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def frames(self) -> dict[str, pl.DataFrame]:
        """Stem -> frame, in contract order."""
        return {stem: getattr(self, stem) for stem in EXTRACT_STEMS}

    def file_name(self, stem: str) -> str:
        """The name of the file holding one extract (``<stem>.csv`` when there is none)."""
        path = self.files.get(stem)
        return path.name if path is not None else f"{stem}.csv"

    def label(self, stem: str, column: str) -> str:
        """A column as messages name it: ``Date Received (received_date)`` when mapped."""
        return self.labels.get(stem, {}).get(column, column)

    def has_column(self, stem: str, column: str) -> bool:
        """Whether the extract has the column: always for a required one; for an optional
        one (``escalations.completed_date``...), whether its file has that header."""
        if column not in SPECS[stem].optional:
            return column in SPECS[stem].columns
        return column in self.optional_found.get(stem, ())


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


# --------------------------------------------------------------------------- reading files
# Before a file is parsed its first bytes say what it really is, so that a workbook saved
# with a .csv name, UTF-16 text or a semicolon-separated export gets a message saying
# what to do rather than "required column missing".

ZIP_MAGIC = b"PK\x03\x04"  # every XLSX file is a zip archive
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # Excel 97-2003 .xls, or an encrypted .xlsx
SNIFF_BYTES = 65536
SAVE_AS_CSV = "open it in Excel and use Save As > 'CSV UTF-8 (Comma delimited) (*.csv)'"
SAVE_AS_XLSX = "open it in Excel and use Save As > 'Excel Workbook (*.xlsx)'"
# Longest first: the UTF-32 LE mark begins with the UTF-16 LE one.
BYTE_ORDER_MARKS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "UTF-32"),
    (codecs.BOM_UTF32_BE, "UTF-32"),
    (codecs.BOM_UTF16_LE, "UTF-16"),
    (codecs.BOM_UTF16_BE, "UTF-16"),
)
# Separators a CSV export may use; the one the header line holds most of is used.
SEPARATORS: dict[str, str] = {",": "commas", ";": "semicolons", "\t": "tabs"}


@dataclass
class RawTable:
    """One file's cells as text, before its header is matched to contract columns."""

    frame: pl.DataFrame  # columns named as the file names them (repeats made unique)
    headers: list[str]  # the header row exactly as the file spells it
    notes: list[str] = field(default_factory=list)


def _start(path: Path) -> bytes:
    with path.open("rb") as handle:
        return handle.read(SNIFF_BYTES)


def _text_encoding_problem(start: bytes) -> str | None:
    """What the text really is when it is not UTF-8 (byte order marks, NUL bytes)."""
    for mark, encoding in BYTE_ORDER_MARKS:
        if start.startswith(mark):
            return (
                f"the text is {encoding} (what Excel calls 'Unicode Text'), not UTF-8: "
                f"{SAVE_AS_CSV}"
            )
    if b"\x00" in start:
        sample = start[:512]
        if sample[1::2].count(0) > len(sample) // 4 or sample[0::2].count(0) > len(sample) // 4:
            return f"the text looks like UTF-16 without a byte order mark, not UTF-8: {SAVE_AS_CSV}"
        return f"the file holds binary data, not CSV text: export it again as CSV; {SAVE_AS_CSV}"
    return None


def _what_csv_really_is(path: Path, start: bytes) -> str | None:
    """A message when a ``.csv`` file is a workbook or not UTF-8 text, else None."""
    if start.startswith(ZIP_MAGIC):
        return (
            f"this is an Excel workbook (XLSX) with a .csv name: rename it to "
            f"{path.stem}.xlsx, or {SAVE_AS_CSV}"
        )
    if start.startswith(OLE_MAGIC):
        return (
            "this is an Excel 97-2003 workbook (.xls) or a password-protected workbook "
            f"with a .csv name: {SAVE_AS_CSV}"
        )
    return _text_encoding_problem(start)


def _what_xlsx_really_is(path: Path, start: bytes) -> str | None:
    """A message when an ``.xlsx`` file is not a workbook Excel 2007 or later wrote."""
    if start.startswith(ZIP_MAGIC):
        return None
    if start.startswith(OLE_MAGIC):
        return (
            "this is an Excel 97-2003 workbook (.xls) or a password-protected workbook: "
            f"{SAVE_AS_XLSX} without a password"
        )
    if _text_encoding_problem(start) is None or start[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return (
            f"this is text (CSV), not an Excel workbook, with an .xlsx name: rename it to "
            f"{path.stem}.csv, or {SAVE_AS_XLSX}"
        )
    return f"not an Excel workbook (XLSX): {SAVE_AS_XLSX}"


def _not_utf8_error(path: Path, raw: bytes) -> InputError:
    """Every line holding bytes that are not UTF-8, and what the text probably is."""
    lines = raw.split(b"\n")
    rows, values = [], []
    for number, line in enumerate(lines):
        try:
            line.decode("utf-8")
        except UnicodeDecodeError as exc:
            rows.append(number)  # 0 = the header line
            if len(values) < MAX_EXAMPLES:
                values.append(line[max(exc.start - 12, 0) : exc.end + 12].decode("latin-1"))
    try:
        raw.decode("cp1252")
        guess = "it looks like Windows-1252, what Excel's plain 'CSV (Comma delimited)' writes"
    except UnicodeDecodeError:
        guess = "another encoding"
    return InputError(
        str(path),
        f"the text is not UTF-8 ({guess}): {SAVE_AS_CSV}",
        rows=[r for r in rows if r > 0],
        values=values,
    )


def _separator(header_line: str) -> str:
    """The separator the header line holds most of (commas when it holds none)."""
    counts = {sep: header_line.count(sep) for sep in SEPARATORS}
    best = max(counts, key=lambda sep: counts[sep])
    return best if counts[best] > counts[","] else ","


def _csv_header(start: bytes) -> tuple[list[str], str]:
    """The header cells of a CSV file as it spells them, and the separator it uses."""
    line = start.split(b"\n", 1)[0].decode("utf-8-sig", errors="replace").rstrip("\r")
    separator = _separator(line)
    return next(csv.reader([line], delimiter=separator), []), separator


def _read_csv_text(path: Path, skip: tuple[str, ...] = ()) -> RawTable:
    """Read a CSV file as text columns, leaving out the columns named in ``skip``.

    A file separated by semicolons or tabs (Excel writes semicolons where Windows' list
    separator is one, as in much of Europe) is read with that separator and a note says so.
    """
    start = _start(path)
    if not start.strip():
        raise InputError(str(path), "the file is empty (no header row)")
    problem = _what_csv_really_is(path, start)
    if problem:
        raise InputError(str(path), problem)
    headers, separator = _csv_header(start)
    notes = []
    if separator != ",":
        notes.append(
            f"{path.name} is separated by {SEPARATORS[separator]}, not commas: read as such"
        )
    try:
        columns = None
        if skip:
            header = pl.read_csv(path, n_rows=0, infer_schema=False, separator=separator).columns
            columns = [c for c in header if _header_name(c) not in skip]
        frame = pl.read_csv(
            path,
            columns=columns,
            separator=separator,
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
    return RawTable(frame.with_row_index(ROW, offset=1), headers, notes)


def read_text_table(path: str | Path) -> RawTable:
    """A CSV or XLSX file's cells as text, its header as the file spells it (for tools
    that read an extract before there is a reference file, such as ``init``)."""
    path = Path(path)
    reader = _read_xlsx_text if path.suffix.lower() == ".xlsx" else _read_csv_text
    return reader(path)


def _unique_names(headers: list[str]) -> list[str]:
    """Column names for a frame: the headers, a repeated one numbered after its first use."""
    names: list[str] = []
    for position, header in enumerate(headers):
        name = header if header not in names else f"{header}_{position}"
        names.append(name)
    return names


def _read_xlsx_text(path: Path, skip: tuple[str, ...] = ()) -> RawTable:
    """Read the first sheet of an XLSX file as text columns (``skip`` is not used)."""
    problem = _what_xlsx_really_is(path, _start(path))
    if problem:
        raise InputError(str(path), problem)
    try:
        sheet = pl.read_excel(
            path,
            sheet_id=1,
            engine="calamine",
            infer_schema_length=0,
            read_options={"header_row": None},
        )
    except Exception as exc:  # fastexcel raises its own error types
        raise InputError(str(path), f"not a readable XLSX file: {exc}".splitlines()[0]) from None
    if sheet.is_empty():
        raise InputError(str(path), "the first sheet is empty (no header row)")
    headers = [
        str(cell) if cell is not None else f"column {n + 1}" for n, cell in enumerate(sheet.row(0))
    ]
    frame = sheet.slice(1).rename(dict(zip(sheet.columns, _unique_names(headers), strict=True)))
    # Date cells arrive as "YYYY-MM-DD 00:00:00": keep the date.
    frame = frame.with_columns(
        pl.col(c).cast(pl.String).str.replace(r"^(\d{4}-\d{2}-\d{2}) 00:00:00$", "$1")
        for c in frame.columns
    )
    return RawTable(frame.with_row_index(ROW, offset=1), headers)


def _header_name(column: str) -> str:
    return column.strip().lower().lstrip("\ufeff")


def mapped_label(header: str, column: str) -> str:
    """How a message names a mapped column: the header, the contract name in brackets."""
    return f"{header} ({column})"


def _column_letter(position: int) -> str:
    """Spreadsheet letters of a 1-based column position: 1 -> A, 28 -> AB."""
    letters = ""
    while position:
        position, rest = divmod(position - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def repeated_columns(
    headers: list[str], spec: ExtractSpec, mapping: Mapping[str, str], file: str
) -> list[InputError]:
    """A contract column named twice in the header row: which one to read is not guessed."""
    wanted = {header.strip().lower(): column for column, header in mapping.items()}
    positions: dict[str, list[int]] = {}
    for position, header in enumerate(headers, start=1):
        name = _header_name(header)
        column = wanted.get(name, None if name in mapping else name)
        if column in spec.columns:
            positions.setdefault(column, []).append(position)
    problems = []
    for column, found in positions.items():
        if len(found) < 2:
            continue
        named = [f"{p} ({_column_letter(p)})" for p in found]
        listed = ", ".join(named[:-1]) + f" and {named[-1]}"
        spelled = headers[found[0] - 1].lstrip("\ufeff").strip()
        mapped = f" ({column})" if column in mapping else ""
        problems.append(
            InputError(
                file,
                f"columns {listed} are {'both' if len(found) == 2 else 'all'} named "
                f"'{spelled}'{mapped}: keep one, delete or rename the others "
                "(which one holds the data is not guessed)",
                column=mapped_label(spelled, column) if mapped else spelled,
            )
        )
    return problems


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
) -> list[InputError]:
    """One problem per required column the header row does not name."""
    absent_allowed = (*spec.optional, *skipped)
    missing = [c for c in spec.columns if c not in frame.columns and c not in absent_allowed]
    mapping = mapping or {}
    problems = []
    for column in missing:
        message = "required column missing from the header row"
        if column in mapping:
            message += " (the header the reference file names under `columns`)"
        label = mapped_label(mapping[column], column) if column in mapping else column
        problems.append(InputError(file, message, column=label))
    return problems


def _padded(column: str) -> pl.Expr:
    """Whether a cell of ``column`` starts or ends with a space (its first and last
    characters are looked at, not the whole text)."""
    text = pl.col(column)
    return (text.str.head(1).str.contains(r"\s") | text.str.tail(1).str.contains(r"\s")).any()


def _unpadded_free_text(frame: pl.DataFrame) -> set[str]:
    """The free-text columns of ``frame`` in which no cell starts or ends with a space."""
    free_text = [c for c in frame.columns if c in FREE_TEXT_NAMES]
    if not free_text:
        return set()
    padded = frame.select(_padded(c).alias(c) for c in free_text).row(0, named=True)
    return {c for c, found in padded.items() if not found}


def _trimmed(frame: pl.DataFrame, spec: ExtractSpec) -> pl.DataFrame:
    """Keep the contract columns as trimmed text, nulls for empty cells; drop blank rows.

    A free-text column none of whose cells is padded is not stripped: stripping copies
    every text, twice the memory of the largest columns for nothing.
    """
    unpadded = _unpadded_free_text(frame)

    def trimmed(column: str) -> pl.Expr:
        text = pl.col(column) if column in unpadded else pl.col(column).str.strip_chars()
        return text.replace("", None)

    columns = [
        (trimmed(c) if c in frame.columns else pl.lit(None, pl.String)).alias(c)
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
) -> tuple[pl.DataFrame, list[InputError]]:
    """Every cell that did not parse, one problem per column; then drop the kept texts.

    One pass flags the columns with an unreadable cell; only those are looked at again.
    The cells that did not parse stay empty (null) in the frame.
    """
    kinds = {c: k for c, k in spec.columns.items() if k != "text"}
    if not kinds:
        return frame, []
    unparsed = {c: pl.col(f"_text_{c}").is_not_null() & pl.col(c).is_null() for c in kinds}
    flags = frame.select(expr.any().alias(c) for c, expr in unparsed.items()).row(0, named=True)
    problems = []
    for column, kind in kinds.items():
        if flags[column]:
            bad = frame.filter(unparsed[column]).select(ROW, f"_text_{column}")
            problems.append(
                InputError(
                    file,
                    TYPE_HINTS[kind],
                    rows=bad[ROW].to_list(),
                    column=labels.get(column, column),
                    values=bad[f"_text_{column}"]
                    .unique(maintain_order=True)
                    .head(MAX_EXAMPLES)
                    .to_list(),
                )
            )
    return frame.drop(f"_text_{c}" for c in kinds), problems


def _canonical(column: str, spellings: Mapping[str, str]) -> pl.Expr:
    """Map a text column case-insensitively onto canonical spellings; keep unknowns."""
    lowered = pl.col(column).str.to_lowercase()
    return lowered.replace_strict(spellings, default=pl.col(column), return_dtype=pl.String)


def ignored_columns(stem: str, reference: Reference) -> tuple[str, ...]:
    """Optional columns read as extra columns because the reference does not ask for them:
    ``complainant_type`` without ``complainant_types`` (contract 4.1)."""
    if stem == "complaints" and not reference.complainant_types:
        return ("complainant_type",)
    return ()


def _vocabularies(stem: str, reference: Reference) -> dict[str, dict[str, str]]:
    def spell(values) -> dict[str, str]:
        return {v.lower(): v for v in values}

    common = {"procedure": spell(PROCEDURES)}
    by_stem = {
        "complaints": {
            **common,
            "nature": spell(reference.natures),
            "outcome": reference.spellings("outcomes"),
            "complainant_type": reference.spellings("complainant_types"),
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
    need them, and on large extracts they are most of the bytes. Raises
    :class:`InputError` holding every problem of the file.
    """
    read = _read_extract(path, stem, reference, free_text=free_text)
    if read.problems:
        raise InputError.collected(read.problems, str(path))
    return read.frame


@dataclass
class ExtractRead:
    """One extract as read: the typed frame, how messages name its mapped columns, the
    cells that could not be read (left empty in the frame), notes about the file and the
    optional columns it has."""

    frame: pl.DataFrame
    labels: dict[str, str]
    problems: list[InputError]
    notes: list[str]
    found: tuple[str, ...] = ()  # the optional columns the file has


def _read_extract(
    path: str | Path, stem: str, reference: Reference, *, free_text: bool = True
) -> ExtractRead:
    """:func:`read_extract`, returning the unreadable cells rather than raising for them.

    Raises :class:`InputError` (holding every problem found) when the file as a whole
    cannot be used: not a CSV/XLSX file, a required column missing or named twice, or
    a ``complaints`` file without data rows.
    """
    path = Path(path)
    spec = SPECS[stem]
    file = str(path)
    mapping = reference.columns.get(stem, {})
    ignored = ignored_columns(stem, reference)
    skip = (() if free_text else FREE_TEXT_COLUMNS.get(stem, ())) + ignored
    skip_headers = tuple(reference.header_of(stem, c).lower() for c in skip)
    reader = _read_xlsx_text if path.suffix.lower() == ".xlsx" else _read_csv_text
    raw = reader(path, skip_headers)
    headers, notes, frame = raw.headers, raw.notes, raw.frame
    del raw  # hold the file's text columns no longer than the frame below does
    read = {c: kind for c, kind in spec.columns.items() if c not in ignored}
    repeated = repeated_columns(headers, replace(spec, columns=read), mapping, file)
    if repeated:
        raise InputError.collected(repeated, file)
    frame, labels = _contract_header(frame, mapping)
    frame = frame.drop(skip, strict=False)
    problems = _check_columns(frame, spec, file, skip, mapping)
    if problems:
        raise InputError.collected(problems, file)
    found = tuple(c for c in spec.optional if c in frame.columns)
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
    frame, problems = _check_parsed(frame, spec, file, labels)
    schema = {ROW: pl.UInt32(), **{c: POLARS_TYPES[k] for c, k in spec.columns.items()}}
    frame = frame.select(pl.col(c).cast(t) for c, t in schema.items())
    return ExtractRead(frame, labels, problems, notes, found)


def empty_extract(stem: str) -> pl.DataFrame:
    """A typed frame with no rows, for an optional extract that is absent."""
    spec = SPECS[stem]
    schema = {ROW: pl.UInt32(), **{c: POLARS_TYPES[k] for c, k in spec.columns.items()}}
    return pl.DataFrame(schema=schema)


def read_extracts(
    raw_dir: str | Path, reference: Reference, *, free_text: bool = True
) -> tuple[Extracts, list[InputError]]:
    """Load every extract of a year, collecting the problems of all files.

    A file that cannot be used at all stands in as an empty frame and is listed in
    ``Extracts.unreadable``; a cell that cannot be read is left empty. The problems come
    back in file order, each located by file, column and rows.
    """
    raw_dir = Path(raw_dir)
    if not raw_dir.is_dir():
        raise extract_folder_not_found(raw_dir)
    frames: dict[str, pl.DataFrame] = {}
    files: dict[str, Path | None] = {}
    labels: dict[str, dict[str, str]] = {}
    found: dict[str, tuple[str, ...]] = {}
    problems: list[InputError] = []
    notes: list[str] = []
    unreadable: list[str] = []
    for stem in EXTRACT_STEMS:
        frames[stem] = empty_extract(stem)
        try:
            path = files[stem] = find_extract(raw_dir, stem)
            if path is None:
                if stem not in OPTIONAL_FILES:
                    raise InputError(
                        str(raw_dir.resolve() / f"{stem}.csv"),
                        f"required extract missing: no {stem}.csv or {stem}.xlsx "
                        f"in {raw_dir.resolve()}",
                    )
                continue
            read = _read_extract(path, stem, reference, free_text=free_text)
        except InputError as error:
            problems.extend(error.problems or [error])
            unreadable.append(stem)
            continue
        frames[stem], labels[stem], found[stem] = read.frame, read.labels, read.found
        problems.extend(read.problems)
        notes.extend(read.notes)
    extracts = Extracts(
        **frames,
        files=files,
        labels=labels,
        unreadable=tuple(unreadable),
        notes=notes,
        optional_found=found,
    )
    return extracts, problems


def load_extracts(
    raw_dir: str | Path,
    reference: Reference,
    year: str = "2016-17",
    *,
    free_text: bool = True,
) -> Extracts:
    """Load all eight extracts of a year from ``raw_dir``.

    Raises :class:`InputError` holding every problem of every file (see
    :func:`read_extracts`). ``year`` is accepted for symmetry with the other steps; rules
    that depend on it (dates inside the year) are checked by validation, not here.
    ``free_text=False`` skips the free-text columns (see :func:`read_extract`).
    """
    extracts, problems = read_extracts(raw_dir, reference, free_text=free_text)
    if problems:
        raise InputError.collected(problems, str(Path(raw_dir)))
    return extracts
