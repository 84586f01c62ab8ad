"""Reporting years: format check, bounds, previous year, display."""

from __future__ import annotations

from datetime import date

import pytest

from pipeline.years import check_year, display_year, previous_year, year_end, year_start


def test_bounds_and_steps():
    assert year_start("2016-17") == date(2016, 4, 1)
    assert year_end("2016-17") == date(2017, 3, 31)
    assert year_end("1999-00") == date(2000, 3, 31)
    assert previous_year("2016-17") == "2015-16"
    assert previous_year("2000-01") == "1999-00"
    assert display_year("2016-17") == "2016/17"


@pytest.mark.parametrize("bad", ["2016/17", "2016-18", "16-17", "2016-2017", ""])
def test_badly_written_years_are_refused(bad):
    with pytest.raises(ValueError, match="2016-17"):
        check_year(bad)
