"""Day numbers: imported events keep dates as days since 1970-01-01, converted one way."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

from frontier_atlas.domain.calendar import day_date, day_number, day_numbers, day_years


def test_day_numbers_and_dates_round_trip():
    assert day_number(date(1970, 1, 1)) == 0 and day_number(date(1969, 12, 31)) == -1
    assert day_number(date(2024, 2, 29)) == 19782 and day_date(19782) == date(2024, 2, 29)
    assert day_date(np.int32(-1)) == date(1969, 12, 31)


def test_a_column_of_dates_becomes_int32_day_numbers_and_years():
    days = day_numbers(pd.Series(pd.to_datetime(["1970-01-02", "2024-02-29", "2023-12-31 23:59"], format="ISO8601")))
    assert days.dtype == np.int32 and days.tolist() == [1, 19782, 19722]
    assert day_years(days).tolist() == [1970, 2024, 2023]
