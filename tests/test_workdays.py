"""Working days (contract 3.1) and timescale bands (contract 3.2), checked by hand."""

from __future__ import annotations

import dataclasses
from datetime import date

import polars as pl
import pytest

from pipeline.metrics.workdays import band_expr, median_half_up, stage2_band_expr, working_days


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        (date(2016, 4, 4), date(2016, 4, 5), 1),  # Monday -> Tuesday
        (date(2016, 4, 4), date(2016, 4, 4), 0),  # same day
        (date(2016, 4, 8), date(2016, 4, 11), 1),  # Friday -> Monday: weekend skipped
        (date(2016, 4, 9), date(2016, 4, 10), 0),  # Saturday -> Sunday
        (date(2016, 4, 4), date(2016, 4, 18), 10),  # two full weeks
        # Christmas 2016: 25 Dec a Sunday, so 26 and 27 Dec were bank holidays.
        (date(2016, 12, 23), date(2016, 12, 28), 1),
        (date(2016, 12, 23), date(2016, 12, 27), 0),
        # New Year 2017: 1 Jan a Sunday, 2 Jan the substitute bank holiday.
        (date(2016, 12, 30), date(2017, 1, 3), 1),
        (date(2016, 12, 16), date(2017, 1, 19), 21),
        # Easter 2017: Good Friday 14 April, Easter Monday 17 April.
        (date(2017, 4, 13), date(2017, 4, 18), 1),
        (date(2017, 4, 12), date(2017, 4, 19), 3),
        # Early May bank holiday 2016 (2 May).
        (date(2016, 4, 29), date(2016, 5, 3), 1),
    ],
)
def test_working_days_by_hand(sample_reference, start, end, expected):
    assert working_days(start, end, sample_reference) == expected


def test_closure_days_are_not_working_days(sample_reference):
    closed = dataclasses.replace(sample_reference, closures=(date(2016, 12, 28),))
    assert working_days(date(2016, 12, 23), date(2016, 12, 29), sample_reference) == 2
    assert working_days(date(2016, 12, 23), date(2016, 12, 29), closed) == 1


def bands(reference, procedure, rows):
    frame = pl.DataFrame(
        rows,
        schema={"received_date": pl.Date, "response_date": pl.Date, "outcome": pl.String},
        orient="row",
    )
    return frame.select(band_expr(procedure, reference, "2016-17")).to_series().to_list()


def test_statutory_band_edges(sample_reference):
    # Received Monday 4 April 2016; 18 April is 10 working days later, 19 April 11.
    # 2 May is a bank holiday, so 20 working days fall on 3 May and 21 on 4 May.
    received = date(2016, 4, 4)
    rows = [
        (received, date(2016, 4, 18), "Upheld"),
        (received, date(2016, 4, 19), "Upheld"),
        (received, date(2016, 5, 3), "Not Upheld"),
        (received, date(2016, 5, 4), "Not Upheld"),
    ]
    assert bands(sample_reference, "statutory", rows) == [
        "Within 10 Working Days",
        "Within 20 Working Days",
        "Within 20 Working Days",
        "Over 20 Working Days",
    ]


def test_corporate_band_edges(sample_reference):
    received = date(2016, 4, 4)
    rows = [(received, date(2016, 4, 25), "Upheld"), (received, date(2016, 4, 26), "Upheld")]
    assert bands(sample_reference, "corporate", rows) == [
        "Within 15 Working Days",
        "Over 15 Working Days",
    ]


def test_ongoing_cases_either_side_of_the_limit_at_31_march(sample_reference):
    # From 10 March 2017 to 31 March there are 15 working days; from 9 March, 16;
    # from 2 March, 21; from 3 March, 20.
    rows = [
        (date(2017, 3, 10), None, "Remains Ongoing"),
        (date(2017, 3, 9), None, "Remains Ongoing"),
        (date(2017, 3, 3), None, "Remains Ongoing"),
        (date(2017, 3, 2), None, "Remains Ongoing"),
    ]
    assert bands(sample_reference, "corporate", rows) == [
        "Remains Ongoing",
        "Over 15 Working Days",
        "Over 15 Working Days",
        "Over 15 Working Days",
    ]
    assert bands(sample_reference, "statutory", rows) == [
        "Remains Ongoing",
        "Remains Ongoing",
        "Remains Ongoing",
        "Over 20 Working Days",
    ]


def test_closed_outcomes_are_their_own_band(sample_reference):
    rows = [
        (date(2016, 4, 4), None, "Complaint Withdrawn"),
        (date(2016, 4, 4), None, "Complainant not Engaging"),
        (date(2016, 4, 4), None, "Closed: Sensitive Matter"),
    ]
    assert bands(sample_reference, "statutory", rows) == [
        "Complaint Withdrawn",
        "Complainant not Engaging",
        "Closed: Sensitive Matter",
    ]


# ---------------------------------------------------------------- Stage 2 (contract 4.2)

CLOSED_28_DEC = (date(2016, 12, 28),)


@pytest.fixture
def stage2_reference(sample_reference):
    """Stage 2 limits of the regulations for statutory, the council's 20 days corporate."""
    limits = {"statutory": (25, 65), "corporate": (20,)}
    return dataclasses.replace(sample_reference, stage2_timescales=limits)


def stage2_bands(reference, procedure, rows):
    frame = pl.DataFrame(
        rows, schema={"commissioned_date": pl.Date, "completed_date": pl.Date}, orient="row"
    )
    return frame.select(stage2_band_expr(procedure, reference, "2016-17")).to_series().to_list()


def test_stage2_band_edges_at_25_and_26_working_days(stage2_reference):
    # Monday 6 June 2016: five full weeks to Monday 11 July = 25 working days.
    # Thursday 1 December 2016: Christmas (26, 27 December) and the New Year substitute
    # holiday (2 January) are not counted, so 25 working days fall on 10 January 2017.
    rows = [
        (date(2016, 6, 6), date(2016, 7, 11)),
        (date(2016, 6, 6), date(2016, 7, 12)),
        (date(2016, 12, 1), date(2017, 1, 10)),
        (date(2016, 12, 1), date(2017, 1, 11)),
    ]
    assert stage2_bands(stage2_reference, "statutory", rows) == [
        "Within 25 Working Days",
        "Within 65 Working Days",
        "Within 25 Working Days",
        "Within 65 Working Days",
    ]


def test_stage2_band_edges_at_65_and_66_across_christmas_and_a_closure(stage2_reference):
    # From 1 December 2016: 65 working days on 7 March 2017, 66 on 8 March. A closure
    # on 28 December moves both one working day later (8 and 9 March).
    rows = [
        (date(2016, 12, 1), date(2017, 3, 7)),
        (date(2016, 12, 1), date(2017, 3, 8)),
        (date(2016, 12, 1), date(2017, 3, 9)),
    ]
    assert stage2_bands(stage2_reference, "statutory", rows) == [
        "Within 65 Working Days",
        "Over 65 Working Days",
        "Over 65 Working Days",
    ]
    closed = dataclasses.replace(stage2_reference, closures=CLOSED_28_DEC)
    assert stage2_bands(closed, "statutory", rows) == [
        "Within 65 Working Days",
        "Within 65 Working Days",
        "Over 65 Working Days",
    ]


def test_stage2_open_escalations_either_side_of_the_last_limit_on_31_march(stage2_reference):
    # Not completed: counted to 31 March 2017. From 29 December 2016: 65 working days
    # (30 December, 21 in January, 20 in February, 23 in March); from 28 December: 66.
    rows = [(date(2016, 12, 29), None), (date(2016, 12, 28), None)]
    assert stage2_bands(stage2_reference, "statutory", rows) == [
        "Remains Ongoing",
        "Over 65 Working Days",
    ]
    # a closure day on 3 January 2017 brings the second back to 65
    closed = dataclasses.replace(stage2_reference, closures=(date(2017, 1, 3),))
    assert stage2_bands(closed, "statutory", rows) == ["Remains Ongoing", "Remains Ongoing"]
    # corporate (one limit, 20): 1 March 2017 is 22 working days before 31 March, 3 March 20
    late = [(date(2017, 3, 1), None), (date(2017, 3, 3), None)]
    assert stage2_bands(stage2_reference, "corporate", late) == [
        "Over 20 Working Days",
        "Remains Ongoing",
    ]


def test_stage2_completion_after_31_march_counts_to_the_completion(stage2_reference):
    # Commissioned 1 March 2017, answered 20 April: 22 working days in March and 12 in
    # April (Good Friday 14 and Easter Monday 17 April are bank holidays) = 34.
    # Commissioned 20 March, answered 21 April: 9 + 13 = 22.
    rows = [(date(2017, 3, 1), date(2017, 4, 20)), (date(2017, 3, 20), date(2017, 4, 21))]
    assert stage2_bands(stage2_reference, "statutory", rows) == [
        "Within 65 Working Days",
        "Within 25 Working Days",
    ]
    assert working_days(date(2017, 3, 1), date(2017, 4, 20), stage2_reference) == 34


def test_stage2_bands_in_report_order(stage2_reference):
    assert stage2_reference.stage2_bands("statutory") == [
        "Within 25 Working Days",
        "Within 65 Working Days",
        "Over 65 Working Days",
        "Remains Ongoing",
    ]
    assert stage2_reference.stage2_bands("corporate") == [
        "Within 20 Working Days",
        "Over 20 Working Days",
        "Remains Ongoing",
    ]
    without = dataclasses.replace(stage2_reference, stage2_timescales={})
    assert without.stage2_bands("statutory") == []


# ---------------------------------------------------------------- median (contract 4.3)


@pytest.mark.parametrize(
    ("days", "expected"),
    [
        ([7], 7),
        ([3, 1, 2], 2),  # odd count: the middle value
        ([10, 1, 4, 30, 2], 4),
        ([1, 2], 2),  # 1.5 rounds half up
        ([2, 3], 3),  # 2.5 -> 3 (round-half-to-even would give 2)
        ([4, 1, 10, 2], 3),  # (2 + 4) / 2 = 3
        ([0, 0, 1, 1], 1),  # 0.5 -> 1
        ([5, 5, 6, 6, 100, 0], 6),  # (5 + 6) / 2 = 5.5 -> 6
    ],
)
def test_median_half_up(days, expected):
    frame = pl.DataFrame({"days": days}, schema={"days": pl.Int32})
    assert frame.select(median_half_up(pl.col("days"))).item() == expected
