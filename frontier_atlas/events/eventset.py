"""An imported event set in memory: plain NumPy columns, so filtering a million events
is a few vectorised comparisons (milliseconds), not a pandas query per rerun.

Text fields stay categorical (codes plus their distinct values): a search looks
through the distinct values once and then picks rows by code.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa

from frontier_atlas.domain.calendar import clamp_span, day_date, day_number, day_numbers
from frontier_atlas.domain.viewport import mercator

SEARCHED = ("location", "actor1", "actor2", "admin1", "event_type", "sub_type")
CORE = ("date_start", "date_end", "date_precision", "latitude", "longitude", "geo_precision",
        "country", "fatalities", *SEARCHED)


@dataclass
class Categorical:
    codes: np.ndarray  # int32, -1 for blank
    values: np.ndarray  # object array of the distinct values

    @classmethod
    def of(cls, series: pd.Series) -> "Categorical":
        cat = series.astype("category")
        return cls(cat.cat.codes.to_numpy(np.int32), np.asarray(cat.cat.categories, dtype=object))

    def value(self, i: int) -> str:
        code = self.codes[i]
        return "" if code < 0 else str(self.values[code])

    def lookup(self, wanted: np.ndarray) -> np.ndarray:
        """Rows whose value is flagged in ``wanted`` (a boolean per distinct value)."""
        table = np.append(wanted, False)  # code -1 reads the trailing False
        return table[self.codes]


class EventSet:
    def __init__(self, set_id: str, name: str, frame: pd.DataFrame):
        self.id, self.name = set_id, name
        self.n = len(frame)
        self.lat = frame["latitude"].to_numpy(np.float64)
        self.lon = frame["longitude"].to_numpy(np.float64)
        self.mx, self.my = mercator(self.lat, self.lon)
        self.start = day_numbers(frame["date_start"])
        self.end = day_numbers(frame["date_end"])
        self.fatalities = frame["fatalities"].astype("float32").to_numpy(np.float32, na_value=np.nan)
        self.cats = {name: Categorical.of(frame[name]) for name in (*SEARCHED, "country", "date_precision",
                                                                      "geo_precision")}

    @classmethod
    def from_parquet(cls, path: Path, set_id: str, name: str) -> "EventSet":
        opened = cls(set_id, name, pd.read_parquet(path, columns=list(CORE)))
        # the columns read are freed once the arrays are made, but Arrow's allocator keeps
        # their pages: handed back, a million-event set costs the process 180 MB less
        pa.default_memory_pool().release_unused()
        return opened

    @property
    def span(self) -> tuple[date, date] | None:
        """First and last day, clamped to the app's range: a set stored before dates were
        checked at import must not break the date widgets for everyone."""
        if not self.n:
            return None
        return clamp_span((day_date(self.start.min()), day_date(self.end.max())))

    def countries(self) -> list[str]:
        return [str(v) for v in self.cats["country"].values]

    def event_types(self) -> list[str]:
        return [str(v) for v in self.cats["event_type"].values]

    def mask(
        self,
        date_from: date | None = None,
        date_to: date | None = None,
        countries: frozenset[str] = frozenset(),
        event_types: frozenset[str] = frozenset(),
        query: str = "",
    ) -> np.ndarray:
        """Events under way at some day in [date_from, date_to], in one of the countries,
        of one of the types, whose location, actors, admin area or type contain the query."""
        keep = np.ones(self.n, dtype=bool)
        if date_from is not None:
            keep &= self.end >= day_number(date_from)
        if date_to is not None:
            keep &= self.start <= day_number(date_to)
        if countries:
            keep &= self._is_in("country", countries)
        if event_types:
            keep &= self._is_in("event_type", event_types)
        if query.strip():
            needle = query.strip().lower()
            hit = np.zeros(self.n, dtype=bool)
            for name in SEARCHED:
                cat = self.cats[name]
                values = pd.Series(cat.values, dtype=object).astype(str).str.lower()
                hit |= cat.lookup(values.str.contains(needle, regex=False).to_numpy(bool))
            keep &= hit
        return keep

    def _is_in(self, name: str, wanted: frozenset[str]) -> np.ndarray:
        cat = self.cats[name]
        return cat.lookup(np.isin(cat.values.astype(str), list(wanted)))

    def describe(self, i: int) -> dict:
        """The in-memory fields of event ``i`` (notes and sources are read from disk)."""
        return {
            "date_start": day_date(self.start[i]),
            "date_end": day_date(self.end[i]),
            "lat": float(self.lat[i]), "lon": float(self.lon[i]),
            "fatalities": None if np.isnan(self.fatalities[i]) else int(self.fatalities[i]),
            **{name: cat.value(i) for name, cat in self.cats.items()},
        }
