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

Exports as case systems write them (issue 20): a header below title rows is found in the
first ten rows; a workbook is read from the sheet the reference names (``sheets``) or its
first sheet with data holding the header; refs are compared as codes (trimmed, any case,
any kind of space), two rows with one ref being an error and links between files
following the parent file's spelling; dates may carry a time of day (left out, with a
note) or be written ``11-Apr-2016``; Excel day numbers and totals rows get their own
message; a header that looks like an optional column is a warning.
"""

from __future__ import annotations

import codecs
import csv
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

import fastexcel
import polars as pl
from rapidfuzz import fuzz

from pipeline.errors import InputError, extract_folder_not_found
from pipeline.inputs.contract import (
    EXTRACT_STEMS,
    FREE_TEXT_COLUMNS,
    HEADER_ONLY_NOT_ALLOWED,
    OPTIONAL_FILES,
    POLARS_TYPES,
    REF_LINKS,
    SPECS,
    UNIQUE_REFS,
    ExtractSpec,
)
from pipeline.inputs.reference import EQUALITIES_COLUMNS, PROCEDURES, Reference

ROW = "_row"
# a date (ISO, UK order, or 11-Apr-2016), optionally followed by a time of day
DATE_SHAPE = (
    r"^(\d{4}-\d{1,2}-\d{1,2}|\d{1,2}/\d{1,2}/\d{4}|\d{1,2}-[A-Za-z]{3}-\d{4})"
    r"(?:[ T](\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?))?$"
)
ISO_DATE = "%Y-%m-%d"
DATE_FORMATS = (ISO_DATE, "%d/%m/%Y", "%d-%b-%Y")
DATE_ONLY_LENGTH = len("11-Apr-2016")  # the longest date written without a time of day
MIDNIGHT = r"^0?0:00(?::00(?:\.0+)?)?$"
EXCEL_NUMBER = r"^\d{1,5}(?:\.0+)?$"  # a day number as Excel stores dates (1 to 60000)
EXCEL_NUMBER_RANGE = (1, 60000)
TOTAL_WORDS = ("total", "totals", "grand total", "sum")
TOTAL_HINT = "(?i)total|sum"  # found in every one of TOTAL_WORDS
NUMERIC_CELL = r"^-?[\d,]*\.?\d+%?$"
# a ref that lower-casing could make equal to another: one with a small letter, or with a
# character outside ASCII (the Kelvin sign and the letter K are both "k" in small letters)
CASED_REF = r"[a-z]|[^\x00-\x7F]"
HEADER_SYNONYMS = {"reference": "ref", "number": "no", "num": "no", "ombudsman": "lgo"}
NEAR_OPTIONAL_SCORE = 85  # similarity from which an unread header is said to look like a column
SUGGEST_SCORE = 60  # similarity from which a header is suggested for a missing column
MAX_HEADERS_LISTED = 20
# Pounds (contract 1.4): an optional £, whole pounds with or without thousands commas,
# at most two decimals; never negative.
MONEY_SHAPE = r"^£?\s*(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d{1,2})?$"
TRUE_WORDS = ("true", "yes", "y", "1")
FALSE_WORDS = ("false", "no", "n", "0")
MAX_EXAMPLES = 10  # example values kept for a problem found on many rows
FREE_TEXT_NAMES = frozenset(c for columns in FREE_TEXT_COLUMNS.values() for c in columns)


@dataclass
class Extracts:
    """The extracts of one year (the eight of the contract and the optional
    ``lgo_benchmark`` of contract 1.4), typed, plus the files they came from."""

    complaints: pl.DataFrame
    remedies: pl.DataFrame
    escalations: pl.DataFrame
    findings: pl.DataFrame
    recommendations: pl.DataFrame
    lgo: pl.DataFrame
    duty: pl.DataFrame
    compliments: pl.DataFrame
    lgo_benchmark: pl.DataFrame  # contract 1.4, optional: empty when the file is absent
    files: dict[str, Path | None] = field(default_factory=dict)
    # stem -> contract column -> how messages name it, for columns the reference maps
    labels: dict[str, dict[str, str]] = field(default_factory=dict)
    # extracts that could not be read at all (their frames stand in empty)
    unreadable: tuple[str, ...] = ()
    # things worth knowing about the files that are not problems (a semicolon separator)
    notes: list[str] = field(default_factory=list)
    # stem -> the optional columns its file has (an absent one is read as empty)
    optional_found: dict[str, tuple[str, ...]] = field(default_factory=dict)
    # things that may be wrong without stopping (a header that looks like an optional column)
    warnings: list[str] = field(default_factory=list)

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
    where: str = "row 1"  # which row (and sheet) the header was read from, for messages


HeaderTest = Callable[[list[str]], bool]
HEADER_SEARCH_ROWS = 10  # a header below title rows is looked for this far down


def find_header(rows: list[list[str]], is_header: HeaderTest | None) -> int | None:
    """The index of the first of the first rows that ``is_header`` accepts, else None."""
    if is_header is None:
        return None
    return next((n for n, cells in enumerate(rows[:HEADER_SEARCH_ROWS]) if is_header(cells)), None)


def header_index(rows: list[list[str]], is_header: HeaderTest | None) -> int:
    """:func:`find_header`, or 0 (row 1) when no row is accepted."""
    found = find_header(rows, is_header)
    return 0 if found is None else found


def _title_of(cells: list[str]) -> str:
    return next((c.strip() for c in cells if c and c.strip()), "")


def header_note(name: str, index: int, rows: list[list[str]], sheet: str = "") -> str:
    """Where a header below title rows was found, and the rows left out above it."""
    titles = ", ".join(f"'{_title_of(r)}'" for r in rows[:index] if _title_of(r))
    place = f" of sheet '{sheet}'" if sheet else ""
    return (
        f"{name}: the header is row {index + 1}{place}, starting '{_title_of(rows[index])}'; "
        f"the rows above it ({titles or 'empty'}) were left out, and data rows are counted "
        "from the row after the header"
    )


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


def _csv_lines(start: bytes) -> list[str]:
    """The first lines of a CSV file (as many as a header is looked for in)."""
    text = start.decode("utf-8-sig", errors="replace")
    return [line.rstrip("\r") for line in text.split("\n")[: HEADER_SEARCH_ROWS + 1]]


def _csv_header(start: bytes, is_header: HeaderTest | None = None) -> tuple[list[str], str, int]:
    """The header cells of a CSV file as it spells them, the separator it uses and the
    number of title lines above the header (0 when the first line is the header)."""
    lines = _csv_lines(start)
    separator = _separator("\n".join(lines[:HEADER_SEARCH_ROWS]))
    rows = [next(csv.reader([line], delimiter=separator), []) for line in lines]
    index = header_index(rows, is_header)
    return rows[index] if rows else [], separator, index


def _read_csv_text(
    path: Path, skip: tuple[str, ...] = (), is_header: HeaderTest | None = None
) -> RawTable:
    """Read a CSV file as text columns, leaving out the columns named in ``skip``.

    A file separated by semicolons or tabs (Excel writes semicolons where Windows' list
    separator is one, as in much of Europe) is read with that separator and a note says so.
    When the first line is not the header, the first of the next lines ``is_header``
    accepts is (title lines above it are left out, and a note says so).
    """
    start = _start(path)
    if not start.strip():
        raise InputError(str(path), "the file is empty (no header row)")
    problem = _what_csv_really_is(path, start)
    if problem:
        raise InputError(str(path), problem)
    headers, separator, above = _csv_header(start, is_header)
    notes = []
    if separator != ",":
        notes.append(
            f"{path.name} is separated by {SEPARATORS[separator]}, not commas: read as such"
        )
    if above:
        lines = _csv_lines(start)
        rows = [next(csv.reader([line], delimiter=separator), []) for line in lines]
        notes.append(header_note(path.name, above, rows))
    try:
        columns = None
        if skip:
            header = pl.read_csv(
                path, n_rows=0, infer_schema=False, separator=separator, skip_rows=above
            ).columns
            columns = [c for c in header if _header_name(c) not in skip]
        frame = pl.read_csv(
            path,
            columns=columns,
            separator=separator,
            infer_schema=False,
            raise_if_empty=True,
            truncate_ragged_lines=False,
            skip_rows=above,
        )
    except pl.exceptions.ComputeError as exc:
        if "utf-8" in str(exc).lower():
            raise _not_utf8_error(path, path.read_bytes()) from None
        raise InputError(str(path), f"not a readable CSV file: {exc}".splitlines()[0]) from None
    except pl.exceptions.PolarsError as exc:
        raise InputError(str(path), f"not a readable CSV file: {exc}".splitlines()[0]) from None
    where = f"line {above + 1}" if above else "row 1"
    return RawTable(frame.with_row_index(ROW, offset=1), headers, notes, where)


def read_text_table(path: str | Path, is_header: HeaderTest | None = None) -> RawTable:
    """A CSV or XLSX file's cells as text, its header as the file spells it (for tools
    that read an extract before there is a reference file, such as ``init``); the header
    row is the first of the first ten rows ``is_header`` accepts (row 1 without it)."""
    path = Path(path)
    if path.suffix.lower() == ".xlsx":
        return _read_xlsx_text(path, (), is_header)
    return _read_csv_text(path, (), is_header)


def _unique_names(headers: list[str]) -> list[str]:
    """Column names for a frame: the headers, a repeated one numbered after its first use."""
    names: list[str] = []
    for position, header in enumerate(headers):
        name = header if header not in names else f"{header}_{position}"
        names.append(name)
    return names


def _sheets(path: Path) -> dict[str, pl.DataFrame]:
    """Every sheet of a workbook as text cells, no header row (an empty sheet: no rows)."""
    try:
        names = fastexcel.read_excel(path).sheet_names
        return {
            name: pl.read_excel(
                path,
                sheet_name=name,
                engine="calamine",
                infer_schema_length=0,
                read_options={"header_row": None},
                raise_if_empty=False,
                drop_empty_rows=False,  # keep row numbers as the sheet counts them
            )
            for name in names
        }
    except Exception as exc:  # fastexcel raises its own error types
        raise InputError(str(path), f"not a readable XLSX file: {exc}".splitlines()[0]) from None


def _rows_of(sheet: pl.DataFrame) -> list[list[str]]:
    """The first rows of a sheet as text cells (empty cells as '')."""
    head = sheet.head(HEADER_SEARCH_ROWS)
    return [["" if v is None else str(v) for v in row] for row in head.iter_rows()]


def choose_sheet(
    path: Path, sheets: dict[str, pl.DataFrame], is_header: HeaderTest | None, named: str | None
) -> tuple[str, list[str]]:
    """The sheet to read and notes about the choice.

    The sheet the reference names (``sheets``); else the only sheet with data; else the
    first sheet with data holding the header (an empty first sheet is passed over).
    """
    if named is not None:
        found = {n.strip().lower(): n for n in sheets}
        if named.strip().lower() not in found:
            listed = ", ".join(f"'{n}'" for n in sheets)
            raise InputError(
                str(path),
                f"the reference file names sheet '{named}' under `sheets`, but the workbook's "
                f"sheets are {listed}",
            )
        return found[named.strip().lower()], []
    with_data = [name for name, sheet in sheets.items() if not sheet.is_empty()]
    if not with_data:
        raise InputError(str(path), "the workbook holds no data: every sheet is empty")
    holding_header = [
        n for n in with_data if find_header(_rows_of(sheets[n]), is_header) is not None
    ]
    chosen = (holding_header or with_data)[0]
    notes = []
    if chosen != next(iter(sheets)):  # a workbook read from its first sheet needs no note
        others = ", ".join(
            f"'{n}'" + (" (empty)" if sheets[n].is_empty() else "") for n in sheets if n != chosen
        )
        notes.append(
            f"{path.name}: read sheet '{chosen}' (the other sheets: {others}); "
            "name another under `sheets` in the reference file"
        )
    return chosen, notes


def _read_xlsx_text(
    path: Path,
    skip: tuple[str, ...] = (),
    is_header: HeaderTest | None = None,
    sheet_name: str | None = None,
) -> RawTable:
    """Read one sheet of an XLSX file as text columns (``skip`` is not used).

    The sheet is chosen by :func:`choose_sheet`; the header row is the first of its first
    ten rows ``is_header`` accepts (row 1 when none does). Date cells arrive as text
    (``2016-04-11 09:30:00``), read as dates later.
    """
    problem = _what_xlsx_really_is(path, _start(path))
    if problem:
        raise InputError(str(path), problem)
    sheets = _sheets(path)
    chosen, notes = choose_sheet(path, sheets, is_header, sheet_name)
    sheet = sheets[chosen]
    if sheet.is_empty():
        raise InputError(str(path), f"sheet '{chosen}' is empty (no header row)")
    rows = _rows_of(sheet)
    index = header_index(rows, is_header)
    if index:
        notes.append(header_note(path.name, index, rows, chosen if len(sheets) > 1 else ""))
    headers = [
        str(cell) if cell is not None else f"column {n + 1}"
        for n, cell in enumerate(sheet.row(index))
    ]
    frame = sheet.slice(index + 1).rename(
        dict(zip(sheet.columns, _unique_names(headers), strict=True))
    )
    frame = frame.with_columns(pl.col(c).cast(pl.String) for c in frame.columns)
    place = f"sheet '{chosen}', " if len(sheets) > 1 else ""
    where = f"{place}row {index + 1}" if index else f"{place}row 1"
    return RawTable(frame.with_row_index(ROW, offset=1), headers, notes, where)


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


def header_words(text: str) -> str:
    """A header as words for comparing with a contract name: ``Case Reference`` and
    ``case_ref`` both become ``case ref``."""
    words = "".join(ch if ch.isalnum() else " " for ch in text.replace("_", " ").lower())
    spaced = " ".join(
        part
        for word in words.split()
        for part in (word.rstrip("0123456789"), word[len(word.rstrip("0123456789")) :])
        if part
    )
    return " ".join(HEADER_SYNONYMS.get(w, w) for w in spaced.split())


def nearest_header(column: str, headers: list[str], score: float) -> str | None:
    """The header most like a contract column (RapidFuzz token-sort ratio), if any
    reaches ``score``."""
    scored = [(fuzz.token_sort_ratio(header_words(h), header_words(column)), h) for h in headers]
    best = max(scored, default=(0.0, None), key=lambda pair: pair[0])
    return best[1] if best[0] >= score else None


def _read_as(header: str, mapping: Mapping[str, str]) -> str | None:
    """The contract column a header is read as (None when the mapping sends its name
    elsewhere)."""
    name = _header_name(header)
    wanted = {h.strip().lower(): column for column, h in mapping.items()}
    return wanted.get(name, None if name in mapping else name)


def _unread_headers(headers: list[str], spec: ExtractSpec, mapping: Mapping[str, str]) -> list[str]:
    """The headers not read as any contract column, as the file spells them."""
    return [
        h.lstrip("\ufeff").strip()
        for h in headers
        if h.strip() and _read_as(h, mapping) not in spec.columns
    ]


def _check_columns(
    frame: pl.DataFrame,
    spec: ExtractSpec,
    file: str,
    skipped: tuple[str, ...] = (),
    mapping: Mapping[str, str] | None = None,
    *,
    headers: list[str] | None = None,
    where: str = "row 1",
    stem: str = "",
) -> list[InputError]:
    """One problem for the file when the header row lacks required columns: which row
    (and sheet) was read, the headers found, the nearest header for each missing column
    and where to map them."""
    absent_allowed = (*spec.optional, *skipped)
    missing = [c for c in spec.columns if c not in frame.columns and c not in absent_allowed]
    if not missing:
        return []
    mapping = mapping or {}
    headers = headers if headers is not None else [c for c in frame.columns if c != ROW]
    unread = _unread_headers(headers, spec, mapping)
    named = [
        f"{c} (the reference file's `columns` names it '{mapping[c]}')" if c in mapping else c
        for c in missing
    ]
    shown = [h.lstrip("\ufeff").strip() for h in headers if h.strip()]
    listed = ", ".join(f"'{h}'" for h in shown[:MAX_HEADERS_LISTED])
    if len(shown) > MAX_HEADERS_LISTED:
        listed += f" and {len(shown) - MAX_HEADERS_LISTED} more"
    hints = []
    for column in missing:
        near = nearest_header(column, unread, SUGGEST_SCORE)
        if near is not None:
            hints.append(f"'{near}' looks like {column}")
    stem = stem or Path(file).stem.lower()
    message = (
        f"required column{'s' if len(missing) > 1 else ''} missing: {', '.join(named)}. "
        f"The header row read ({where}) holds {listed or 'no headers'}. "
        + (
            f"{'; '.join(hints)}: map {'it' if len(hints) == 1 else 'them'} "
            if hints
            else "Map the file's own headers "
        )
        + f"under `columns: {stem}:` in the reference file (docs/adapting.md), or draft the "
        "mapping with `complaints-report init`"
    )
    only = missing[0] if len(missing) == 1 else None
    label = mapped_label(mapping[only], only) if only in mapping else only
    return [InputError(file, message, column=label)]


def optional_near_misses(
    headers: list[str],
    spec: ExtractSpec,
    stem: str,
    mapping: Mapping[str, str],
    found: tuple[str, ...],
    file_name: str,
    ignored: tuple[str, ...] = (),
) -> list[str]:
    """Warnings for optional columns the file seems to hold under another header
    (``Completed Date`` for ``completed_date``): they would otherwise be left unread."""
    unread = _unread_headers(headers, spec, mapping)
    warnings = []
    for column in spec.optional:
        if column in found:
            continue
        near = nearest_header(column, unread, NEAR_OPTIONAL_SCORE)
        if near is None or (column in ignored and _header_name(near) == column):
            continue
        also = ""
        if column in ignored:
            also = " and list the values under `complainant_types`"
        warnings.append(
            f"{file_name}: the header '{near}' looks like the optional column {column}, "
            f"which is not read: to read it, map it in the reference file (`columns: "
            f"{stem}: {column}: {near}`){also}"
        )
    return warnings


TOTALS_MESSAGE = "looks like a totals row: delete it"


def _totals_rows(frame: pl.DataFrame, spec: ExtractSpec) -> list[int]:
    """Rows whose ref or first cell says ``Total`` and whose other required cells are
    empty or numbers (a totals row under the data)."""
    ref = next(iter(spec.columns))
    first = next((c for c in frame.columns if c != ROW), None)
    if first is None:
        return []

    def says_total(column: str) -> pl.Expr:
        word = pl.col(column).str.strip_chars().str.strip_chars_end(":").str.to_lowercase()
        return word.is_in(TOTAL_WORDS).fill_null(False)

    labels = [first] + ([ref] if ref in frame.columns and ref != first else [])
    # the rows that mention a total at all, found cheaply; the exact test runs on those
    candidates = frame.filter(
        pl.any_horizontal(pl.col(c).str.contains(TOTAL_HINT).fill_null(False) for c in labels)
    )
    if candidates.is_empty():
        return []
    labelled = pl.any_horizontal(says_total(c) for c in labels)
    others = [c for c in spec.columns if c in frame.columns and c not in (ref, first)]
    blank_or_number = [
        pl.col(c).is_null()
        | pl.col(c).str.strip_chars().eq("")
        | pl.col(c).str.strip_chars().str.contains(NUMERIC_CELL)
        for c in others
    ]
    mask = labelled & pl.all_horizontal(blank_or_number) if blank_or_number else labelled
    return candidates.filter(mask)[ROW].to_list()


def ref_text(column: str) -> pl.Expr:
    """A ref as read: any kind of space (non-breaking ones too) made one plain space, and
    trimmed."""
    return pl.col(column).str.replace_all(r"\s+", " ").str.strip_chars()


def ref_key(column: str) -> pl.Expr:
    """How refs are compared: trimmed, any kind of space made plain, in any case."""
    return ref_text(column).str.to_lowercase()


def _columns_where(frame: pl.DataFrame, tests: Mapping[str, pl.Expr]) -> set[str]:
    """The columns of ``tests`` whose test (a per-cell expression) holds in some cell of
    ``frame``, all found in one pass."""
    if not tests:
        return set()
    found = frame.select(test.any().alias(c) for c, test in tests.items()).row(0, named=True)
    return {c for c, hit in found.items() if hit}


def _padded(column: str) -> pl.Expr:
    """Whether a cell of ``column`` starts or ends with a space (its first and last
    characters are looked at, not the whole text)."""
    text = pl.col(column)
    return text.str.head(1).str.contains(r"\s") | text.str.tail(1).str.contains(r"\s")


def _trimmed(frame: pl.DataFrame, spec: ExtractSpec) -> pl.DataFrame:
    """Keep the contract columns as trimmed text (refs with any kind of space made plain),
    nulls for empty cells; drop blank rows.

    A column none of whose cells is padded is not stripped: stripping copies every
    cell, twice the memory of the largest columns (the free texts) for nothing.
    """
    # the columns with a padded cell and the refs with a space in some cell (in the
    # other columns stripping, and in the other refs ref_text, would change nothing)
    to_tidy = _columns_where(
        frame,
        {
            c: pl.col(c).str.contains(r"\s") if c.endswith("_ref") else _padded(c)
            for c in frame.columns
            if c in spec.columns
        },
    )

    def trimmed(column: str) -> pl.Expr:
        if column not in to_tidy:
            text = pl.col(column)
        elif column.endswith("_ref"):
            text = ref_text(column)
        else:
            text = pl.col(column).str.strip_chars()
        return text.replace("", None)

    columns = [
        (trimmed(c) if c in frame.columns else pl.lit(None, pl.String)).alias(c)
        for c in spec.columns
    ]
    frame = frame.select(pl.col(ROW).cast(pl.UInt32), *columns)
    return frame.filter(~pl.all_horizontal(pl.col(c).is_null() for c in spec.columns))


def _date_expr(column: str) -> pl.Expr:
    """A date written ISO ``YYYY-MM-DD``, UK ``DD/MM/YYYY`` or ``11-Apr-2016`` (four-digit
    years), with or without a time of day after it (left out); anything else is null."""
    day = pl.col(column).str.extract(DATE_SHAPE, 1)
    return pl.coalesce(day.str.strptime(pl.Date, f, strict=False) for f in DATE_FORMATS)


def _iso_date(column: str) -> pl.Expr:
    """A date written exactly ``YYYY-MM-DD`` (as most exports write them); null for any
    other text. Where it is not null it equals :func:`_date_expr`, at a tenth of the cost:
    a date is accepted only if it writes back as the same text."""
    date = pl.col(column).str.to_date(ISO_DATE, strict=False)
    return pl.when(date.dt.to_string(ISO_DATE) == pl.col(column)).then(date)


def _dates_in_other_shapes(frame: pl.DataFrame, spec: ExtractSpec) -> pl.DataFrame:
    """Read with :func:`_date_expr` the date columns holding a cell that is not an exact
    ISO date (UK order, a time of day, or not a date at all); the others are read."""
    dates = [c for c, k in spec.columns.items() if k == "date"]
    other = _columns_where(frame, {c: _unparsed(c) for c in dates})
    return frame.with_columns(_date_expr(f"_text_{c}").alias(c) for c in dates if c in other)


def _unparsed(column: str) -> pl.Expr:
    """Whether a cell of ``column`` holds text that did not parse (kept as ``_text_``)."""
    return pl.col(f"_text_{column}").is_not_null() & pl.col(column).is_null()


def _time_of_day(column: str) -> pl.Expr:
    """Whether a date cell also holds a time of day other than midnight."""
    time = pl.col(column).str.extract(DATE_SHAPE, 2)
    return time.is_not_null() & ~time.str.contains(MIDNIGHT)


def _excel_number(column: str) -> pl.Expr:
    """Whether a cell holds a whole number Excel uses for a date (1 to 60000)."""
    text = pl.col(column).str.strip_chars()
    number = text.str.replace(r"\.0+$", "").cast(pl.Int64, strict=False)
    low, high = EXCEL_NUMBER_RANGE
    return text.str.contains(EXCEL_NUMBER) & number.is_between(low, high)


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


def _money_expr(column: str) -> pl.Expr:
    """Pounds as a float: ``£1,200.50`` -> 1200.5; anything else (negative, more than two
    decimals, other text) is null."""
    text = pl.col(column)
    number = text.str.replace_all(r"[£,\s]", "").cast(pl.Float64, strict=False)
    return pl.when(text.str.contains(MONEY_SHAPE)).then(number)


TYPE_PARSERS = {"date": _iso_date, "int": _int_expr, "bool": _bool_expr, "money": _money_expr}
TYPE_HINTS = {
    "date": "not a date: write YYYY-MM-DD or DD/MM/YYYY",
    "int": "not a whole number",
    "bool": "not true/false",
    "money": "not an amount in pounds: write a number of 0 or more with at most two "
    "decimals, such as 1200.50 or £1,200.50",
}


def _typed(frame: pl.LazyFrame, spec: ExtractSpec) -> pl.LazyFrame:
    """Parse whole numbers, booleans, money and ISO dates, keeping each text as
    ``_text_<column>`` (dates in other shapes are read by :func:`_dates_in_other_shapes`)."""
    kinds = {c: k for c, k in spec.columns.items() if k != "text"}
    return frame.with_columns(pl.col(c).alias(f"_text_{c}") for c in kinds).with_columns(
        TYPE_PARSERS[k](f"_text_{c}").alias(c) for c, k in kinds.items()
    )


EXCEL_NUMBER_HINT = "looks like an Excel date number: format the column as a date before saving"


def _check_parsed(
    frame: pl.DataFrame, spec: ExtractSpec, file: str, labels: Mapping[str, str]
) -> tuple[pl.DataFrame, list[InputError], list[str]]:
    """Every cell that did not parse, one problem per column; then drop the kept texts.

    One pass flags the columns with an unreadable cell (and the date columns holding a
    time of day); only those are looked at again. A date column's whole numbers get their
    own message (Excel's day numbers). The cells that did not parse stay empty (null) in
    the frame. Returns the frame, the problems and notes (times of day left out).
    """
    kinds = {c: k for c, k in spec.columns.items() if k != "text"}
    if not kinds:
        return frame, [], []
    dates = [c for c, k in kinds.items() if k == "date"]
    unparsed = {c: _unparsed(c) for c in kinds}
    # a text no longer than a bare date holds no time of day
    long = _columns_where(
        frame, {c: pl.col(f"_text_{c}").str.len_bytes() > DATE_ONLY_LENGTH for c in dates}
    )
    timed = {c: _time_of_day(f"_text_{c}").fill_null(False) for c in dates if c in long}
    flags = frame.select(
        *(expr.any().alias(c) for c, expr in unparsed.items()),
        *(expr.sum().alias(f"_timed_{c}") for c, expr in timed.items()),
    ).row(0, named=True)
    problems, notes = [], []
    name = Path(file).name

    def problem(rows: pl.Expr, column: str, message: str) -> None:
        bad = frame.filter(rows).select(ROW, f"_text_{column}")
        if bad.is_empty():
            return
        values = bad[f"_text_{column}"].unique(maintain_order=True).head(MAX_EXAMPLES)
        problems.append(
            InputError(
                file,
                message,
                rows=bad[ROW].to_list(),
                column=labels.get(column, column),
                values=values.to_list(),
            )
        )

    for column, kind in kinds.items():
        if flags[column]:
            if kind == "date":
                number = _excel_number(f"_text_{column}")
                problem(unparsed[column] & number, column, EXCEL_NUMBER_HINT)
                problem(unparsed[column] & ~number, column, TYPE_HINTS[kind])
            else:
                problem(unparsed[column], column, TYPE_HINTS[kind])
        if kind == "date" and flags.get(f"_timed_{column}"):
            count = flags[f"_timed_{column}"]
            notes.append(
                f"{name}: {count} date{'s' if count > 1 else ''} in column "
                f"{labels.get(column, column)} hold a time of day: the date is read, the "
                "time left out"
            )
    return frame.drop(f"_text_{c}" for c in kinds), problems, notes


def refs_written_twice(frame: pl.DataFrame, column: str, file: str, label: str) -> list[InputError]:
    """Refs that differ only in case or spaces (``CO1-16-0002`` and ``co1-16-0002``): one
    problem naming the rows of each such group (refs name one case each)."""
    refs = frame[column].drop_nulls()
    if not refs.str.contains(CASED_REF).any():
        return []  # ASCII without small letters: lower-casing tells no two refs apart
    if refs.n_unique() == refs.str.to_lowercase().n_unique():
        return []  # no two spellings share a key (the refs are read trimmed: see ref_text)
    groups = (
        frame.filter(pl.col(column).is_not_null())
        .group_by(ref_key(column).alias("_key"), maintain_order=True)
        .agg(pl.col(ROW), pl.col(column).alias("_spellings"))
        .filter(pl.col("_spellings").list.n_unique() > 1)
    )
    problems = []
    for rows, spellings in groups.select(ROW, "_spellings").iter_rows():
        listed = ", ".join(f"'{v}' (row {r})" for r, v in zip(rows, spellings, strict=True))
        problems.append(
            InputError(
                file,
                f"{listed} are one ref written differently (refs are compared ignoring case "
                "and spaces): each row needs its own ref; delete the repeated row or correct "
                "its ref",
                rows=rows,
                column=label,
                values=list(dict.fromkeys(spellings)),
            )
        )
    return problems


def linked_refs(frames: dict[str, pl.DataFrame]) -> dict[str, pl.DataFrame]:
    """Refs that point into another file (a remedy's ``case_ref``) written as that file
    writes them, when they differ only in case or spaces; unmatched refs are kept."""
    frames = dict(frames)
    for (child, column), (parent, parent_column) in REF_LINKS.items():
        parents, refs = frames[parent][parent_column], frames[child][column].drop_nulls()
        if refs.is_empty() or refs.is_in(parents.drop_nulls().implode()).all():
            continue  # every ref is written as its file writes it (or there is none)
        spellings = (
            frames[parent]
            .select(ref_key(parent_column).alias("key"), pl.col(parent_column).alias("ref"))
            .drop_nulls()
            .unique("key", keep="first", maintain_order=True)
        )
        if spellings.is_empty():
            continue
        written = ref_key(column).replace_strict(
            spellings["key"], spellings["ref"], default=pl.col(column), return_dtype=pl.String
        )
        frames[child] = frames[child].with_columns(written.alias(column))
    return frames


def _canonical(column: str, spellings: Mapping[str, str]) -> pl.Expr:
    """Map a text column case-insensitively onto canonical spellings; keep unknowns."""
    lowered = pl.col(column).str.to_lowercase()
    return lowered.replace_strict(spellings, default=pl.col(column), return_dtype=pl.String)


def ignored_columns(stem: str, reference: Reference) -> tuple[str, ...]:
    """Optional columns read as extra columns because the reference does not ask for them:
    ``complainant_type`` without ``complainant_types`` (contract 4.1), an equalities
    column without its list under ``equalities`` (contract 6.1)."""
    if stem != "complaints":
        return ()
    ignored = () if reference.complainant_types else ("complainant_type",)
    counted = reference.equalities.columns()
    unlisted = tuple(c for c in EQUALITIES_COLUMNS.values() if c not in counted)
    return ignored + unlisted


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
            **{
                EQUALITIES_COLUMNS[key]: reference.equalities.spellings(key)
                for key in ("gender", "ethnicity", "disability")
            },
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
    warnings: list[str] = field(default_factory=list)  # headers that look like optional ones


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
    required = {
        reference.header_of(stem, c).lower()
        for c in spec.columns
        if c not in spec.optional and c not in skip
    }

    def is_header(cells: list[str]) -> bool:
        """Row 1, or a row below titles holding at least half the required headers (a
        row still lacking some gets the missing-columns message, naming that row)."""
        return 2 * len(required & {_header_name(c) for c in cells}) >= len(required)

    if path.suffix.lower() == ".xlsx":
        raw = _read_xlsx_text(path, skip_headers, is_header, reference.sheets.get(stem))
    else:
        raw = _read_csv_text(path, skip_headers, is_header)
    headers, notes, frame, where = raw.headers, raw.notes, raw.frame, raw.where
    del raw  # hold the file's text columns no longer than the frame below does
    read = {c: kind for c, kind in spec.columns.items() if c not in ignored}
    repeated = repeated_columns(headers, replace(spec, columns=read), mapping, file)
    if repeated:
        raise InputError.collected(repeated, file)
    frame, labels = _contract_header(frame, mapping)
    frame = frame.drop(skip, strict=False)
    problems = _check_columns(
        frame, spec, file, skip, mapping, headers=headers, where=where, stem=stem
    )
    if problems:
        raise InputError.collected(problems, file)
    found = tuple(c for c in spec.optional if c in frame.columns)
    warnings = optional_near_misses(headers, spec, stem, mapping, found, path.name, ignored)
    totals = _totals_rows(frame, spec)
    problems = [InputError(file, TOTALS_MESSAGE, rows=totals)] if totals else []
    frame = _trimmed(frame.filter(~pl.col(ROW).is_in(totals)), spec)
    if stem in HEADER_ONLY_NOT_ALLOWED and frame.is_empty():
        raise InputError(file, "the file has a header but no data rows")
    vocabularies = _vocabularies(stem, reference)
    frame = (
        _typed(frame.lazy(), spec)
        .with_columns(_canonical(c, v) for c, v in vocabularies.items())
        .pipe(_canonical_teams, reference)
        .collect()
        .pipe(_dates_in_other_shapes, spec)
    )
    frame, unparsed, date_notes = _check_parsed(frame, spec, file, labels)
    problems += unparsed
    if stem in UNIQUE_REFS:
        ref = UNIQUE_REFS[stem]
        problems += refs_written_twice(frame, ref, file, labels.get(ref, ref))
    schema = {ROW: pl.UInt32(), **{c: POLARS_TYPES[k] for c, k in spec.columns.items()}}
    frame = frame.select(pl.col(c).cast(t) for c, t in schema.items())
    return ExtractRead(frame, labels, problems, notes + date_notes, found, warnings)


def empty_extract(stem: str) -> pl.DataFrame:
    """A typed frame with no rows, for an optional extract that is absent."""
    spec = SPECS[stem]
    schema = {ROW: pl.UInt32(), **{c: POLARS_TYPES[k] for c, k in spec.columns.items()}}
    return pl.DataFrame(schema=schema)


def _found_extracts(raw_dir: Path) -> tuple[dict[str, Path | None], dict[str, InputError]]:
    """Each extract's file (None for an optional one that is absent), and the problem of
    each that cannot be looked for or is required and absent."""
    files: dict[str, Path | None] = {}
    missing: dict[str, InputError] = {}
    for stem in EXTRACT_STEMS:
        try:
            files[stem] = find_extract(raw_dir, stem)
        except InputError as error:
            missing[stem] = error
            continue
        if files[stem] is None and stem not in OPTIONAL_FILES:
            missing[stem] = InputError(
                str(raw_dir.resolve() / f"{stem}.csv"),
                f"required extract missing: no {stem}.csv or {stem}.xlsx in {raw_dir.resolve()}",
            )
    return files, missing


def largest_first(paths: Mapping[str, Path]) -> list[str]:
    """The extracts' stems, the largest file first: what a read leaves behind (its
    file, its text columns) is then smallest while the largest is read."""
    return sorted(paths, key=lambda stem: paths[stem].stat().st_size, reverse=True)


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
    files, missing = _found_extracts(raw_dir)
    outcomes: dict[str, ExtractRead | InputError] = dict(missing)
    present = {stem: path for stem, path in files.items() if path is not None}
    for stem in largest_first(present):
        try:
            outcomes[stem] = _read_extract(present[stem], stem, reference, free_text=free_text)
        except InputError as error:
            outcomes[stem] = error
    frames = {stem: empty_extract(stem) for stem in EXTRACT_STEMS}
    labels: dict[str, dict[str, str]] = {}
    found: dict[str, tuple[str, ...]] = {}
    problems: list[InputError] = []
    notes: list[str] = []
    warnings: list[str] = []
    unreadable: list[str] = []
    for stem in EXTRACT_STEMS:  # what was found is told in file order
        read = outcomes.get(stem)
        if isinstance(read, InputError):
            problems.extend(read.problems or [read])
            unreadable.append(stem)
        elif read is not None:
            frames[stem], labels[stem], found[stem] = read.frame, read.labels, read.found
            problems.extend(read.problems)
            notes.extend(read.notes)
            warnings.extend(read.warnings)
    extracts = Extracts(
        **linked_refs(frames),
        files=files,
        labels=labels,
        unreadable=tuple(unreadable),
        notes=notes,
        optional_found=found,
        warnings=warnings,
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
