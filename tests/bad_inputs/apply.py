"""Apply one variant of `variants.yml` to a copy of the sample extract folder."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import polars as pl
import yaml

MANIFEST = Path(__file__).resolve().parent / "variants.yml"
REPEATED = "__repeated__"


def load_variants() -> dict[str, list[dict[str, Any]]]:
    """The `fail` and `pass` variants of the manifest."""
    return yaml.safe_load(MANIFEST.read_text(encoding="utf-8"))


def _read(path: Path) -> pl.DataFrame:
    return pl.read_csv(path, infer_schema=False, encoding="utf8")


def _write(frame: pl.DataFrame, path: Path, separator: str = ",") -> None:
    frame.write_csv(path, separator=separator)


def _repeat_column(frame: pl.DataFrame, column: str) -> pl.DataFrame:
    """Append a copy of ``column`` under a placeholder name (renamed in the written file)."""
    return frame.with_columns(pl.col(column).alias(REPEATED))


def _as_files_really_are(frame: pl.DataFrame, path: Path, variant: dict[str, Any]) -> None:
    """The byte-level edits: encodings, a workbook or text under the wrong name."""
    if variant.get("repeat_column"):
        text = path.read_text(encoding="utf-8")
        header, rest = text.split("\n", 1)
        header = header.replace(REPEATED, variant["repeat_column"].title())
        path.write_text(f"{header}\n{rest}", encoding="utf-8")
    if variant.get("encoding"):
        path.write_bytes(path.read_text(encoding="utf-8").encode(variant["encoding"]))
    if variant.get("workbook_named_csv"):
        frame.write_excel(path)
    if variant.get("text_named_xlsx"):
        path.rename(path.with_suffix(".xlsx"))


def _target_row(frame: pl.DataFrame, variant: dict[str, Any]) -> int:
    """Data row number (from 1) the variant edits."""
    if "row" in variant:
        return int(variant["row"])
    (column, value), *_ = variant["where"].items()
    matches = frame.with_row_index("_n", offset=1).filter(pl.col(column) == value)
    if matches.is_empty():
        raise ValueError(f"{variant['name']}: no row with {column} = {value!r}")
    return int(matches["_n"][0])


def _set_cells(frame: pl.DataFrame, row: int, values: dict[str, str | None]) -> pl.DataFrame:
    index = pl.int_range(1, pl.len() + 1)
    return frame.with_columns(
        pl.when(index == row).then(pl.lit(value, pl.String)).otherwise(pl.col(c)).alias(c)
        for c, value in values.items()
    )


def _cell_edits(frame: pl.DataFrame, row: int, variant: dict[str, Any]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for column, value in (variant.get("set") or {}).items():
        values[column] = None if value == "" else str(value)
    for column, source in (variant.get("copy_row") or {}).items():
        values[column] = frame[column][int(source) - 1]
    for column in variant.get("pad") or []:
        values[column] = f"  {frame[column][row - 1]}   "
    for column, how in (variant.get("case") or {}).items():
        text = frame[column][row - 1]
        values[column] = text.upper() if how == "upper" else text.lower()
    return values


def apply_variant(sample_dir: Path, work_dir: Path, variant: dict[str, Any]) -> int | None:
    """Copy the sample into work_dir and apply the variant; return the edited row, if any."""
    shutil.copytree(sample_dir, work_dir, ignore=shutil.ignore_patterns("*.md"))
    path = work_dir / variant["file"]
    if variant.get("delete_file"):
        path.unlink()
        return None
    if variant.get("empty_file"):
        path.write_bytes(b"")
        return None
    frame = _read(path)
    row = None
    if any(k in variant for k in ("set", "copy_row", "pad", "case")):
        row = _target_row(frame, variant)
        frame = _set_cells(frame, row, _cell_edits(frame, row, variant))
    if "duplicate_row" in variant:
        frame = pl.concat([frame, frame.slice(int(variant["duplicate_row"]) - 1, 1)])
        row = frame.height
    if "drop_column" in variant:
        frame = frame.drop(variant["drop_column"])
    if variant.get("header_only"):
        frame = frame.clear()
    for name, value in (variant.get("add_column") or {}).items():
        frame = frame.with_columns(pl.lit(value).alias(name))
    if variant.get("repeat_column"):
        frame = _repeat_column(frame, variant["repeat_column"])
    _write(frame, path, variant.get("separator", ","))
    _as_files_really_are(frame, path, variant)
    if variant.get("latin1"):
        path.write_bytes(path.read_text(encoding="utf-8").encode("latin-1"))
    if variant.get("bom"):
        path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    if variant.get("to_xlsx") or variant.get("add_xlsx"):
        frame.write_excel(path.with_suffix(".xlsx"))
        if variant.get("to_xlsx"):
            path.unlink()
    return row
