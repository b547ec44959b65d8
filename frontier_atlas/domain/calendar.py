"""Days as numbers: imported events keep their dates as days since 1970-01-01.

Whole columns of int32 day numbers filter a million events in milliseconds; these
are the only conversions between them and dates, so every part counts days alike.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

EPOCH = date(1970, 1, 1)
# The app's own range of dates. Streamlit's date widgets fail beyond about 285 years from
# 1970 and a timeline of ten thousand years is millions of steps: an import refuses dates
# outside it, and a span read from a set stored before that rule is clamped to it.
FIRST_DAY, LAST_DAY = date(1900, 1, 1), date(2100, 12, 31)


def in_range(day: date) -> bool:
    """Whether a date is inside the app's own range (FIRST_DAY to LAST_DAY)."""
    return FIRST_DAY <= day <= LAST_DAY


def clamp_span(span: tuple[date, date] | None) -> tuple[date, date] | None:
    """A span cut to the app's range; a span wholly outside it shrinks to the nearest end."""
    if span is None:
        return None
    lo = min(max(span[0], FIRST_DAY), LAST_DAY)
    hi = max(min(span[1], LAST_DAY), lo)
    return lo, hi


def day_number(day: date) -> int:
    """The day number of a date, to compare with a column of day numbers."""
    return (day - EPOCH).days


def day_date(number: int) -> date:
    """The date of a day number, for showing one event or a span."""
    return date.fromordinal(EPOCH.toordinal() + int(number))


def day_numbers(dates: pd.Series | np.ndarray) -> np.ndarray:
    """Day numbers (int32) of a column of dates, without a Python loop."""
    return np.asarray(dates).astype("datetime64[D]").astype(np.int64).astype(np.int32)


def day_years(numbers: np.ndarray) -> np.ndarray:
    """The calendar year of each day number, for counting events by year."""
    return np.asarray(numbers).astype("datetime64[D]").astype("datetime64[Y]").astype(int) + 1970
