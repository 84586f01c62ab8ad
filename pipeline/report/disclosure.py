"""Disclosure control (contract 1.3, section 6.2): from figures to the published view.

A reader must not be able to see, or work out, a count from 1 to ``threshold - 1`` in a
breakdown table (teams, service areas, categories of who complained or who the complaint
was about). :func:`published_view` decides which cells are held back and why:

- **primary**: a breakdown count (or a total the report prints for a part of a
  breakdown: a team's year, a service area's quarter) with ``0 < n < threshold``;
- **secondary**: while a *group* (parts and the total they add up to, as the report
  shows them) has exactly one held-back entry, the smallest non-zero published part is
  held back too (the first in report order on a tie), or the group's total when it has
  no such part;
- **withheld**: a whole-council figure is never held back; when protecting a cell would
  need one, that breakdown is not published for that procedure at all.

Every output (page tables, chart data, sentences, the spreadsheet,
``figures-published.csv``) reads the view, never ``figures.csv``: this module is that one
boundary. It knows nothing about formats.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from pipeline.files import atomic_write
from pipeline.inputs.reference import PROCEDURES, Disclosure, Reference
from pipeline.symbols import CONFIDENTIAL

# Tables whose counts describe part of the council (contract 6.2); every other table is a
# whole-council figure and is always published.
BREAKDOWN_TABLES: tuple[str, ...] = (
    "stage1_by_team",
    "stage1_nature",
    "stage2_by_service",
    "stage2_by_team",
    "stage3_by_service",
    "lgo_by_team",
    "compliments_by_service",
    "stage1_by_complainant",
    "stage1_by_age",
    "stage1_by_gender",
    "stage1_by_ethnicity",
    "stage1_by_disability",
)
CATEGORY_TABLES: tuple[str, ...] = (
    "stage1_by_complainant",
    "stage1_by_age",
    "stage1_by_gender",
    "stage1_by_ethnicity",
    "stage1_by_disability",
)
# Breakdowns with a share beside each count (held back with it).
TABLES_WITH_SHARES: tuple[str, ...] = ("stage1_nature", "compliments_by_service", *CATEGORY_TABLES)
QUARTERS: tuple[str, ...] = ("Q1", "Q2", "Q3", "Q4")
PUBLISHED_FILE = "figures-published.csv"
PRIMARY, SECONDARY, WITHHELD = "primary", "secondary", "withheld"
DIMENSIONS: tuple[str, ...] = ("procedure", "service_area", "team", "category", "quarter")

# A cell: (table, procedure, service_area, team, category, quarter), None where unused.
# Totals the report prints but figures.csv does not hold (a team's year, a service area's
# quarter) use their table's name with the summed-over dimensions empty.
Key = tuple[str | None, ...]
Unit = tuple[str, str | None]  # (table, procedure): what is withheld as a whole


def key(table: str, procedure=None, service_area=None, team=None, category=None, quarter=None):
    """A cell's key."""
    return (table, procedure, service_area, team, category, quarter)


def is_whole_council(cell: Key) -> bool:
    """A figure of the whole council (never held back)."""
    return cell[0] not in BREAKDOWN_TABLES


@dataclass(frozen=True)
class Group:
    """Parts and the total they add up to, as a reader can see them side by side."""

    parts: tuple[Key, ...]
    total: Key
    unit: Unit


@dataclass
class Grid:
    """Every breakdown cell of one year with its count, and the groups linking them."""

    counts: dict[Key, int] = field(default_factory=dict)
    groups: list[Group] = field(default_factory=list)

    def total_of(self, parts: Sequence[Key], total: Key, unit: Unit) -> None:
        """Add a group; a total not yet known is the sum of its parts."""
        if not is_whole_council(total):
            self.counts.setdefault(total, sum(self.counts.get(p, 0) for p in parts))
        self.groups.append(Group(tuple(parts), total, unit))


@dataclass(frozen=True)
class PublishedView:
    """The figures as readers may see them.

    ``figures``: every row of ``figures.csv`` with ``suppressed`` (bool) and ``reason``
    (primary, secondary, withheld; empty when published); ``n`` and ``pct`` are empty
    where suppressed. ``totals``: the totals the report prints that ``figures.csv`` does
    not hold (a team's year, a service area's quarter and year), likewise marked.
    ``withheld``: the breakdowns not published at all, as (table, procedure).
    """

    figures: pl.DataFrame
    totals: pl.DataFrame
    withheld: frozenset[Unit] = frozenset()
    symbol: str = CONFIDENTIAL
    threshold: int | None = None

    def is_withheld(self, table: str, procedure: str | None = None) -> bool:
        """Whether a breakdown is not published (for that procedure)."""
        return (table, procedure) in self.withheld

    @property
    def held_back(self) -> int:
        """How many published cells of the year are held back (figures rows)."""
        return int(self.figures["suppressed"].sum())

    def total(self, table: str, **dims: str | None) -> tuple[int | None, bool]:
        """A printed total (``totals``): its count (None when held back) and whether held."""
        frame = self.totals.filter(pl.col("table") == table)
        for column in DIMENSIONS:
            value = dims.get(column)
            frame = frame.filter(
                pl.col(column).is_null() if value is None else pl.col(column) == value
            )
        if frame.height == 0:
            return 0, False
        return frame["n"][0], bool(frame["suppressed"][0])


# ---------------------------------------------------------------- the groups


def _rows(figures: pl.DataFrame, table: str) -> list[dict]:
    return figures.filter(pl.col("table") == table).to_dicts()


def _cell(row: dict) -> Key:
    return key(row["table"], *(row[d] for d in DIMENSIONS))


def _unique(values: Iterable) -> list:
    return list(dict.fromkeys(values))


def _team_quarter_groups(grid: Grid, rows: list[dict], procedure: str) -> None:
    """stage1_by_team as the report shows it: per service area, teams by quarter with the
    team's year (row total), the area's quarter (column total) and the area's year."""
    table, unit = "stage1_by_team", ("stage1_by_team", procedure)
    rows = [r for r in rows if r["procedure"] == procedure]
    areas = _unique(r["service_area"] for r in rows)
    for area in areas:
        teams = _unique(r["team"] for r in rows if r["service_area"] == area)
        cells = {t: [key(table, procedure, area, t, None, q) for q in QUARTERS] for t in teams}
        team_totals = [key(table, procedure, area, t) for t in teams]
        for team, total in zip(teams, team_totals, strict=True):
            grid.total_of(cells[team], total, unit)
        area_quarters = [key(table, procedure, area, None, None, q) for q in QUARTERS]
        for number, quarter_total in enumerate(area_quarters):
            grid.total_of([cells[t][number] for t in teams], quarter_total, unit)
        area_total = key(table, procedure, area)
        grid.total_of(team_totals, area_total, unit)
        grid.total_of(area_quarters, area_total, unit)
    for quarter in QUARTERS:
        parts = [key(table, procedure, a, None, None, quarter) for a in areas]
        grid.total_of(parts, key("stage1_by_quarter", procedure, None, None, None, quarter), unit)
    grid.total_of(
        [key(table, procedure, a) for a in areas], key("stage1_by_quarter", procedure), unit
    )


def _nature_groups(grid: Grid, rows: list[dict], procedure: str) -> None:
    """stage1_nature: natures within a service area (the area's cases, shared with the
    team tables, is the total), and each nature across the areas (the council's count)."""
    unit = ("stage1_nature", procedure)
    rows = [r for r in rows if r["procedure"] == procedure]
    for area in _unique(r["service_area"] for r in rows):
        parts = [_cell(r) for r in rows if r["service_area"] == area]
        grid.total_of(parts, key("stage1_by_team", procedure, area), unit)
    for nature in _unique(r["category"] for r in rows):
        parts = [_cell(r) for r in rows if r["category"] == nature]
        grid.total_of(parts, key("stage1_nature_overall", procedure, category=nature), unit)


def _parts_of(grid: Grid, rows: list[dict], total: Key, unit: Unit) -> None:
    """One group: every row given, adding up to ``total``."""
    grid.total_of([_cell(r) for r in rows], total, unit)


def _lgo_team_groups(grid: Grid, rows: list[dict]) -> None:
    """lgo_by_team: findings of a team (the team's decisions), each finding across teams."""
    unit = ("lgo_by_team", None)
    teams = _unique((r["service_area"], r["team"]) for r in rows)
    team_totals = []
    for area, team in teams:
        parts = [_cell(r) for r in rows if (r["service_area"], r["team"]) == (area, team)]
        team_totals.append(key("lgo_by_team", None, area, team))
        grid.total_of(parts, team_totals[-1], unit)
    for finding in _unique(r["category"] for r in rows):
        parts = [_cell(r) for r in rows if r["category"] == finding]
        grid.total_of(parts, key("lgo_by_finding", category=finding), unit)
    grid.total_of(team_totals, key("feedback_total", category="Ombudsman"), unit)


def build_grid(figures: pl.DataFrame, year: str, child_types: Sequence[str] = ()) -> Grid:
    """The year's breakdown cells and their groups, in report order.

    ``child_types``: the complainant types whose complaints ``stage1_by_child`` (a
    whole-council figure) adds up, so that they are a group too.
    """
    figures = figures.filter(pl.col("year") == year)
    grid = Grid()
    for row in figures.filter(pl.col("table").is_in(BREAKDOWN_TABLES)).iter_rows(named=True):
        grid.counts[_cell(row)] = int(row["n"] or 0)
    for procedure in PROCEDURES:
        stage1 = f"{procedure.capitalize()} Stage 1"
        _team_quarter_groups(grid, _rows(figures, "stage1_by_team"), procedure)
        _nature_groups(grid, _rows(figures, "stage1_nature"), procedure)
        service = [r for r in _rows(figures, "stage2_by_service") if r["procedure"] == procedure]
        _parts_of(grid, service, key("stage2_by_year", procedure), ("stage2_by_service", procedure))
        teams = [r for r in _rows(figures, "stage2_by_team") if r["procedure"] == procedure]
        for area in _unique(r["service_area"] for r in teams):
            in_area = [r for r in teams if r["service_area"] == area]
            total = key("stage2_by_service", procedure, area)
            _parts_of(grid, in_area, total, ("stage2_by_team", procedure))
        for table in CATEGORY_TABLES:
            parts = [r for r in _rows(figures, table) if r["procedure"] == procedure]
            _parts_of(grid, parts, key("feedback_total", category=stage1), (table, procedure))
        children = [
            r
            for r in _rows(figures, "stage1_by_complainant")
            if r["procedure"] == procedure and r["category"] in child_types
        ]
        unit = ("stage1_by_complainant", procedure)
        _parts_of(grid, children, key("stage1_by_child", procedure), unit)
    panels = key("feedback_total", category="Statutory Stage 3")
    _parts_of(grid, _rows(figures, "stage3_by_service"), panels, ("stage3_by_service", None))
    compliments = key("feedback_total", category="Compliments")
    unit = ("compliments_by_service", None)
    _parts_of(grid, _rows(figures, "compliments_by_service"), compliments, unit)
    _lgo_team_groups(grid, _rows(figures, "lgo_by_team"))
    return grid


# ---------------------------------------------------------------- the rule


def _unit_of(cell: Key) -> Unit:
    return (cell[0], cell[1])


def hold_back(grid: Grid, threshold: int) -> tuple[dict[Key, str], set[Unit]]:
    """Which cells are held back (cell -> reason) and which breakdowns are withheld."""
    held = {c: PRIMARY for c, n in grid.counts.items() if 0 < n < threshold}
    withheld: set[Unit] = set()

    def withhold(unit: Unit) -> None:
        withheld.add(unit)
        for cell in grid.counts:
            if _unit_of(cell) == unit:
                held[cell] = WITHHELD

    changed = True
    while changed:
        changed = False
        for group in grid.groups:
            if group.unit in withheld:
                continue
            entries = [*group.parts, group.total]
            if sum(e in held for e in entries) != 1:
                continue
            candidates = [p for p in group.parts if p not in held and grid.counts.get(p, 0) > 0]
            if candidates:
                smallest = min(candidates, key=lambda p: grid.counts[p])  # first on a tie
                held[smallest] = SECONDARY
            elif not is_whole_council(group.total):
                held[group.total] = SECONDARY
            else:
                withhold(group.unit)
            changed = True
        changed = _hold_natures_of_held_areas(grid, held) or changed
    return held, withheld | _fully_held(grid, held)


def _hold_natures_of_held_areas(grid: Grid, held: dict[Key, str]) -> bool:
    """A service area's nature table shows each nature's share of the area's cases, so a
    published number and its share give the area's total away: when that total is held
    back, so is every nature of the area."""
    changed = False
    for cell, n in grid.counts.items():
        area_total = key("stage1_by_team", cell[1], cell[2])
        if cell[0] == "stage1_nature" and n > 0 and cell not in held and area_total in held:
            held[cell] = SECONDARY
            changed = True
    return changed


def _fully_held(grid: Grid, held: dict[Key, str]) -> set[Unit]:
    """Breakdowns with nothing left to publish (every non-zero count held back)."""
    units: dict[Unit, bool] = {}
    for cell, n in grid.counts.items():
        if cell[0] in BREAKDOWN_TABLES and n > 0:
            units[_unit_of(cell)] = units.get(_unit_of(cell), True) and cell in held
    return {unit for unit, all_held in units.items() if all_held}


# ---------------------------------------------------------------- the view


def _marks(held: dict[Key, str]) -> pl.DataFrame:
    schema = {"table": pl.String, **{d: pl.String for d in DIMENSIONS}, "reason": pl.String}
    return pl.DataFrame([(*c, r) for c, r in held.items()], schema=schema, orient="row")


def _mark(frame: pl.DataFrame, marks: pl.DataFrame, year: str | None) -> pl.DataFrame:
    """Join the held-back marks onto rows (of ``year`` when given); empty n and pct there."""
    on = ["table", *DIMENSIONS]
    this_year = pl.lit(True) if year is None else pl.col("year") == year
    marked = frame.with_row_index("_order").join(
        marks, on=on, how="left", nulls_equal=True, maintain_order="left"
    )
    reason = pl.when(this_year).then(pl.col("reason"))
    suppressed = reason.is_not_null()
    return (
        marked.with_columns(reason.alias("reason"))
        .with_columns(
            pl.when(suppressed).then(None).otherwise(pl.col("n")).alias("n"),
            pl.when(suppressed).then(None).otherwise(pl.col("pct")).alias("pct"),
            suppressed.alias("suppressed"),
        )
        .sort("_order")
        .drop("_order")
    )


def _totals_frame(grid: Grid, held: dict[Key, str], figures_keys: set[Key]) -> pl.DataFrame:
    """The printed totals that are not figures rows, marked like the rows."""
    derived = [c for c in grid.counts if c not in figures_keys]
    schema = {
        "table": pl.String,
        **{d: pl.String for d in DIMENSIONS},
        "n": pl.Int64,
        "suppressed": pl.Boolean,
    }
    rows = [(*c, None if c in held else grid.counts[c], c in held) for c in derived]
    return pl.DataFrame(rows, schema=schema, orient="row")


def published_view(figures: pl.DataFrame, reference: Reference, year: str) -> PublishedView:
    """The published view of ``figures`` for ``year`` under the reference's ``disclosure``.

    Without ``disclosure`` nothing is held back (the view shows every figure). Rows of
    earlier years are published as they are (they were published before).
    """
    children = reference.child_complainant_types
    return view_with(figures, year, reference.disclosure, children)


def unsuppressed_view(figures: pl.DataFrame, year: str) -> PublishedView:
    """Every figure published: the view of a council without ``disclosure``."""
    return view_with(figures, year, None)


def view_with(
    figures: pl.DataFrame,
    year: str,
    disclosure: Disclosure | None,
    child_types: Sequence[str] = (),
) -> PublishedView:
    """The published view under one disclosure setting (None: nothing held back)."""
    grid = build_grid(figures, year, child_types)
    held, withheld = hold_back(grid, disclosure.threshold) if disclosure else ({}, set())
    this_year = figures.filter(pl.col("year") == year).select("table", *DIMENSIONS)
    figures_keys = {_cell(r) for r in this_year.to_dicts()}
    return PublishedView(
        figures=_mark(figures, _marks(held), year),
        totals=_totals_frame(grid, held, figures_keys),
        withheld=frozenset(withheld),
        symbol=disclosure.symbol if disclosure else CONFIDENTIAL,
        threshold=disclosure.threshold if disclosure else None,
    )


# ---------------------------------------------------------------- figures-published.csv


def published_figures(view: PublishedView) -> pl.DataFrame:
    """``figures-published.csv``: the columns of ``figures.csv`` and ``suppressed``."""
    return view.figures.drop("reason")


def write_published_figures(view: PublishedView, out_dir: str | Path) -> Path:
    """Write ``figures-published.csv`` into ``out_dir`` (atomically)."""
    path = Path(out_dir) / PUBLISHED_FILE
    frame = published_figures(view).with_columns(
        pl.col("suppressed").cast(pl.String)  # ``true``/``false``
    )
    atomic_write(path, lambda p: frame.write_csv(p))
    return path


def read_published_view(figures_path: str | Path, reference: Reference, year: str) -> PublishedView:
    """The published view of a build's ``figures.csv`` (the report's one way to its numbers)."""
    from pipeline.metrics.figures import read_figures

    return published_view(read_figures(figures_path), reference, year)
