"""Errors that name the file, row and column an analyst has to fix."""

from __future__ import annotations


class InputError(Exception):
    """A problem in an input file, located as precisely as it is known.

    ``row`` counts data rows from 1 (the header is not counted); ``None`` when the
    problem concerns the whole file or a whole column.
    """

    def __init__(
        self,
        file: str,
        message: str,
        *,
        row: int | None = None,
        column: str | None = None,
        value: object = None,
    ) -> None:
        self.file = file
        self.row = row
        self.column = column
        self.value = value
        self.message = message
        super().__init__(self.describe())

    def describe(self) -> str:
        """One line: ``file, row N, column C: message (value 'v')``."""
        where = [self.file]
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column is not None:
            where.append(f"column {self.column}")
        text = f"{', '.join(where)}: {self.message}"
        if self.value is not None:
            text += f" (value {self.value!r})"
        return text
