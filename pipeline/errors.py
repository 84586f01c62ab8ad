"""Errors that name the file, row and column an analyst has to fix."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

MAX_ROWS_NAMED = 20


def rows_text(rows: Sequence[int]) -> str:
    """``row 3``, ``rows 3, 9``, or the first 20 rows and how many more there are."""
    if len(rows) == 1:
        return f"row {rows[0]}"
    shown = ", ".join(str(r) for r in rows[:MAX_ROWS_NAMED])
    more = len(rows) - MAX_ROWS_NAMED
    return f"rows {shown}" + (f" and {more} more ({len(rows)} rows)" if more > 0 else "")


class InputError(Exception):
    """A problem in an input file, located as precisely as it is known.

    ``row`` counts data rows from 1 (the header is not counted); ``None`` when the
    problem concerns the whole file or a whole column. A problem found on several rows
    of one column carries them all in ``rows`` (``row`` is the first) and a few of the
    values found in ``values`` (``value`` is the first).

    Loading collects every problem of every file before it stops: the error it raises
    then holds them in ``problems`` (see :meth:`collected`) and describes them all.
    """

    def __init__(
        self,
        file: str,
        message: str,
        *,
        row: int | None = None,
        column: str | None = None,
        value: object = None,
        rows: Sequence[int] = (),
        values: Sequence[object] = (),
        problems: Sequence[InputError] = (),
    ) -> None:
        self.file = file
        self.rows = list(rows) or ([row] if row is not None else [])
        self.values = list(values) or ([value] if value is not None else [])
        self.row = self.rows[0] if self.rows else None
        self.value = self.values[0] if self.values else None
        self.column = column
        self.message = message
        self.problems = list(problems)
        super().__init__(self.describe())

    @classmethod
    def collected(cls, problems: Sequence[InputError], where: str) -> InputError:
        """One error for every problem found in ``where``: the problem itself when alone."""
        if len(problems) == 1:
            return problems[0]
        files = len({p.file for p in problems})
        message = f"{len(problems)} problems in {files} file(s)"
        return cls(where, message, problems=problems)

    def describe(self) -> str:
        """``file, row N, column C: message (value 'v')``; one line per collected problem."""
        if self.problems:
            return "\n".join(
                [f"{self.file}: {self.message}:", *(p.describe() for p in self.problems)]
            )
        where = [self.file]
        if self.rows:
            where.append(rows_text(self.rows))
        if self.column is not None:
            where.append(f"column {self.column}")
        text = f"{', '.join(where)}: {self.message}"
        if len(self.values) == 1:
            text += f" (value {self.values[0]!r})"
        elif self.values:
            text += " (values " + ", ".join(repr(v) for v in self.values) + ")"
        return text


def reference_not_found(path: str | Path) -> InputError:
    """A reference file that is not there, named by the full path tried."""
    return InputError(
        str(path),
        f"reference file not found (looked for {Path(path).resolve()}); "
        "give its path with --reference",
    )


def extract_folder_not_found(raw_dir: str | Path) -> InputError:
    """An extract folder that is not there, named by the full path tried."""
    return InputError(
        str(raw_dir),
        f"extract folder not found (looked for {Path(raw_dir).resolve()}); give it with --raw",
    )
