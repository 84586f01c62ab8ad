"""Working days (contract 3.1) and timescale bands (contract 3.2), checked by hand."""

from __future__ import annotations

import dataclasses
from datetime import date

import polars as pl
import pytest

from pipeline.workdays import band_expr, working_days


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
