"""Known inconsistencies in earlier years' figures, footnoted wherever a table shows them.

The history files hold what earlier reports printed, inconsistencies included (a year's
quarters that do not add up to the total the same report printed). ``data/history/notes.yml``
records each such inconsistency once, as data: the table it shows in, the year of the
figure, optionally the procedure and category, and the note to print. The figures step
copies the notes beside ``figures.csv`` (``history-notes.yml``), so that the report and
the spreadsheet read them with the figures they belong to, and the report prints each
note under every table that shows its year.

```yaml
- table: stage1_by_quarter      # a figures table (contract section 2)
  year: 2015-16                 # the year of the inconsistent figure
  procedure: statutory          # optional
  category: Statutory Stage 1   # optional
  note: The quarters add up to 71, while the report printed a total of 70.
```
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import polars as pl
import yaml

from pipeline.errors import InputError
from pipeline.files import atomic_write
from pipeline.publish import safe
from pipeline.years import display_year, previous_year

NOTES_FILE = "notes.yml"  # in the history folder
OUTPUT_NAME = "history-notes.yml"  # beside figures.csv
KEYS: tuple[str, ...] = ("table", "year", "procedure", "category", "note")
REQUIRED: tuple[str, ...] = ("table", "year", "note")
YEAR_ON_YEAR = "year_on_year"  # a change on the previous year shows that year's figure


@dataclass(frozen=True)
class HistoryNote:
    """One known inconsistency of an earlier year's figure."""

    table: str
    year: str
    note: str
    procedure: str | None = None
    category: str | None = None


def read_history_notes(path: str | Path) -> list[HistoryNote]:
    """The notes of a notes file (none when the file is absent), each entry checked."""
    path = Path(path)
    if not path.is_file():
        return []
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8-sig"))
    except yaml.YAMLError as exc:
        raise InputError(str(path), f"not valid YAML: {exc}") from None
    if raw is None:
        return []
    if not isinstance(raw, list):
        raise InputError(str(path), "expected a list of notes (table, year, note)")
    return [_note(entry, number, str(path)) for number, entry in enumerate(raw, start=1)]


def _note(entry: object, number: int, file: str) -> HistoryNote:
    where = f"note {number}"
    if not isinstance(entry, dict):
        raise InputError(file, f"{where}: expected a mapping of {', '.join(KEYS)}")
    unknown = [k for k in entry if k not in KEYS]
    if unknown:
        raise InputError(
            file, f"{where}: unknown key '{unknown[0]}' (the keys are {', '.join(KEYS)})"
        )
    missing = [k for k in REQUIRED if not str(entry.get(k) or "").strip()]
    if missing:
        raise InputError(file, f"{where}: '{missing[0]}' is required")
    values = {k: str(v).strip() for k, v in entry.items() if v is not None and str(v).strip()}
    return HistoryNote(**values)


def write_history_notes(history_dir: str | Path | None, out_dir: str | Path) -> Path:
    """Copy the history folder's notes, checked, beside ``figures.csv`` (an empty list when
    there are none) and return the file written."""
    notes = read_history_notes(Path(history_dir) / NOTES_FILE) if history_dir else []
    target = Path(out_dir) / OUTPUT_NAME
    entries = [{k: v for k, v in vars(note).items() if v is not None} for note in notes]
    text = yaml.safe_dump(entries, sort_keys=False, allow_unicode=True, width=88)
    atomic_write(target, lambda p: p.write_text(text, encoding="utf-8"))
    return target


def notes_beside(figures: str | Path) -> list[HistoryNote]:
    """The notes written beside a figures file (none when there is no notes file)."""
    return read_history_notes(Path(figures).parent / OUTPUT_NAME)


def notes_for(
    notes: Sequence[HistoryNote],
    figures: pl.DataFrame,
    table: str,
    year: str,
    procedure: str | None = None,
    category: str | None = None,
) -> list[HistoryNote]:
    """The notes that apply to a table as the report shows it for ``year``: those of a
    year the table shows (for ``year_on_year``, the previous year it compares with),
    and of the procedure and category shown when the note names them."""
    if table == YEAR_ON_YEAR:
        shown = {previous_year(year)}
    else:
        frame = figures.filter(pl.col("table") == table, pl.col("year") <= year)
        if procedure is not None:
            frame = frame.filter(pl.col("procedure") == procedure)
        shown = set(frame["year"].to_list())
    return [
        note
        for note in notes
        if note.table == table
        and note.year in shown
        and (note.procedure is None or procedure is None or note.procedure == procedure)
        and (note.category is None or category is None or note.category == category)
    ]


def footnote_markdown(notes: Sequence[HistoryNote]) -> str:
    """The notes as short paragraphs under a table ("" when there are none)."""
    return "\n\n".join(
        f"Note on {display_year(note.year)}: {safe.markdown_text(note.note)}" for note in notes
    )


def history_footnote(
    figures: pl.DataFrame,
    figures_path: str | Path,
    table: str,
    year: str,
    procedure: str | None = None,
    category: str | None = None,
) -> str:
    """The footnote of one table of the report: the notes beside the figures file that
    apply to it, as Markdown ("" when none applies)."""
    notes = notes_beside(figures_path)
    return footnote_markdown(notes_for(notes, figures, table, year, procedure, category))


def emit_footnotes(
    figures: pl.DataFrame,
    figures_path: str | Path,
    year: str,
    shown: Sequence[tuple[str, str | None, str | None]],
) -> None:
    """Show, in the report, the footnotes of the tables just shown: ``shown`` lists each
    as (table, procedure, category); nothing is shown when no note applies."""
    from pipeline.report.narrative import emit

    notes = notes_beside(figures_path)
    applying: list[HistoryNote] = []
    for table, procedure, category in shown:
        for note in notes_for(notes, figures, table, year, procedure, category):
            if note not in applying:
                applying.append(note)
    if applying:
        emit(footnote_markdown(applying))
