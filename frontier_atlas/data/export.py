"""Exports of the filtered records as CSV, GeoJSON and KML, and reading them back.

CSV and GeoJSON round-trip: loading an export gives back the same records (every
model field is written; the position we derived is added in ``position_*``
columns, which loading ignores). CSV cells that a spreadsheet would run as a
formula are prefixed with an apostrophe, and the prefix is removed on loading.
"""

from __future__ import annotations

import csv
import html
import io
import json
import xml.etree.ElementTree as ET
from datetime import date

from pydantic import ValidationError

from frontier_atlas.data.csvsafe import unguard, write_csv
from frontier_atlas.domain.geometry import polygons
from frontier_atlas.domain.position import Located
from frontier_atlas.domain.records import RECORD_MODELS, Dataset, Record

POSITION_FIELDS = ["position_lat", "position_lon", "position_precision", "position_how_found"]
__all__ = ["to_csv", "to_geojson", "to_kml", "records_from_csv", "records_from_geojson"]


def _field_names(records: list[Record]) -> list[str]:
    names: dict[str, None] = {"id": None, "kind": None, "name": None}
    for kind in RECORD_MODELS.values():
        if any(r.kind == kind.model_fields["kind"].default for r in records):
            for name in kind.model_fields:
                names.setdefault(name, None)
    return list(names)


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return ";".join(str(v) for v in value)
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _position(loc: Located | None) -> dict[str, str]:
    p = loc.point if loc else None
    if p is None:
        return dict.fromkeys(POSITION_FIELDS, "")
    return {"position_lat": f"{p.lat:.5f}", "position_lon": f"{p.lon:.5f}",
            "position_precision": p.precision, "position_how_found": p.how_found}


def to_csv(ds: Dataset, located: dict[str, Located], ids: list[str]) -> str:
    records = [ds.records[i] for i in ids]
    fields = _field_names(records) + POSITION_FIELDS

    def rows():
        for rec in records:
            row = {k: _cell(v) for k, v in rec.model_dump().items()}
            row.update(_position(located.get(rec.id)))
            yield row

    return write_csv(fields, rows())


def _geometry(loc: Located | None) -> dict | None:
    if loc is None:
        return None
    if loc.outline is not None:
        return loc.outline["geometry"]
    if loc.line is not None:
        a, b = loc.line
        return {"type": "LineString", "coordinates": [[a.lon, a.lat], [b.lon, b.lat]]}
    if loc.point is not None:
        return {"type": "Point", "coordinates": [loc.point.lon, loc.point.lat]}
    return None


def to_geojson(ds: Dataset, located: dict[str, Located], ids: list[str]) -> str:
    features = []
    for rid in ids:
        rec = ds.records[rid]
        props = json.loads(rec.model_dump_json())
        props.update(_position(located.get(rid)))
        features.append({"type": "Feature", "id": rid, "geometry": _geometry(located.get(rid)),
                         "properties": props})
    return json.dumps({"type": "FeatureCollection", "features": features}, ensure_ascii=False, indent=1)


def to_kml(ds: Dataset, located: dict[str, Located], ids: list[str]) -> str:
    """KML 2.2 built with ElementTree, so every value is escaped as XML text."""
    ns = "http://www.opengis.net/kml/2.2"
    ET.register_namespace("", ns)
    kml = ET.Element(f"{{{ns}}}kml")
    doc = ET.SubElement(kml, f"{{{ns}}}Document")
    ET.SubElement(doc, f"{{{ns}}}name").text = "Frontier Atlas export"
    for rid in ids:
        rec = ds.records[rid]
        pm = ET.SubElement(doc, f"{{{ns}}}Placemark", id=rid)
        ET.SubElement(pm, f"{{{ns}}}name").text = rec.name
        # KML viewers (Google Earth) render <description> as HTML once the XML is parsed:
        # escape it as HTML too, so markup in the data shows as text in the balloon
        ET.SubElement(pm, f"{{{ns}}}description").text = html.escape(rec.description or "", quote=False)
        ext = ET.SubElement(pm, f"{{{ns}}}ExtendedData")
        for key, value in rec.model_dump().items():
            data = ET.SubElement(ext, f"{{{ns}}}Data", name=key)
            ET.SubElement(data, f"{{{ns}}}value").text = _cell(value)
        geom = _geometry(located.get(rid))
        if geom is None:
            continue
        coords = lambda pts: " ".join(f"{x},{y}" for x, y in pts)  # noqa: E731
        if geom["type"] == "Point":
            point = ET.SubElement(pm, f"{{{ns}}}Point")
            ET.SubElement(point, f"{{{ns}}}coordinates").text = coords([geom["coordinates"]])
        elif geom["type"] == "LineString":
            line = ET.SubElement(pm, f"{{{ns}}}LineString")
            ET.SubElement(line, f"{{{ns}}}coordinates").text = coords(geom["coordinates"])
        else:
            multi = ET.SubElement(pm, f"{{{ns}}}MultiGeometry")
            for poly in polygons(geom):
                polygon = ET.SubElement(multi, f"{{{ns}}}Polygon")
                for i, ring in enumerate(poly):
                    boundary = ET.SubElement(polygon, f"{{{ns}}}{'outerBoundaryIs' if i == 0 else 'innerBoundaryIs'}")
                    lr = ET.SubElement(boundary, f"{{{ns}}}LinearRing")
                    ET.SubElement(lr, f"{{{ns}}}coordinates").text = coords(ring)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(kml, encoding="unicode")


def _record(data: dict, where: str) -> Record:
    kind = data.get("kind")
    model = RECORD_MODELS.get(kind)
    if model is None:
        raise ValueError(f"{where}: unknown kind {kind!r}")
    clean = {k: v for k, v in data.items() if k in model.model_fields and v not in ("", None)}
    try:
        return model.model_validate(clean)
    except ValidationError as exc:
        raise ValueError(f"{where}: {exc}") from exc


def records_from_csv(text: str) -> list[Record]:
    """Read a CSV export back (apostrophe-guarded cells unguarded)."""
    out = []
    for n, row in enumerate(csv.DictReader(io.StringIO(text)), start=2):
        unguarded = {k: unguard(v) for k, v in row.items()}
        out.append(_record(unguarded, f"row {n}"))
    return out


def records_from_geojson(text: str) -> list[Record]:
    data = json.loads(text)
    return [_record(f.get("properties") or {}, f"feature {n}") for n, f in enumerate(data["features"], start=1)]
