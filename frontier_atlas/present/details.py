"""What the details panel shows for one record, as plain data.

The page renders this with escaped Markdown; keeping the content here means it
is tested without Streamlit and every page shows a record the same way.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone

from frontier_atlas.domain.countries import country_name
from frontier_atlas.domain.position import Located
from frontier_atlas.domain.records import KIND_LABELS, Dataset
from frontier_atlas.present.escaping import safe_url
from frontier_atlas.present.wording import describe_position, format_dates


@dataclass
class Details:
    id: str
    title: str
    kind: str
    fields: list[tuple[str, str]] = field(default_factory=list)  # (label, plain text)
    # publisher, title, published, type, and url: only a link-safe http(s) URL, else None
    sources: list[dict] = field(default_factory=list)
    linked: list[tuple[str, str, str]] = field(default_factory=list)  # (role, id, name)


def _names(codes: list[str]) -> str:
    return ", ".join(f"{country_name(c)} ({c})" for c in codes)


def record_details(rid: str, ds: Dataset, located: dict[str, Located]) -> Details:
    rec = ds.records[rid]
    d = Details(id=rid, title=rec.name, kind=KIND_LABELS[rec.kind])
    add = d.fields.append
    dates = format_dates(rec.start, rec.end, rec.date_precision)
    if dates:
        add(("Dates", dates))
    for attr, label in (("other_names", "Also called"),):
        if getattr(rec, attr, None):
            add((label, "; ".join(getattr(rec, attr))))
    if getattr(rec, "participants", None):
        add(("Participants", _names(rec.participants)))
    if getattr(rec, "actors", None):
        add(("Other parties", "; ".join(rec.actors)))
    if getattr(rec, "host", None):
        add(("Took place in", _names(rec.host)))
    if rec.kind == "crossing":
        side_b = f"{rec.name_b} ({country_name(rec.country_b)})" if rec.name_b else country_name(rec.country_b)
        add(("Sides", f"{rec.name_a} ({country_name(rec.country_a)}) – {side_b}"))
        add(("Type", rec.type))
        status = rec.status + (f" (as of {format_dates(rec.status_date, None)})" if rec.status_date else "")
        add(("Status", status))
    if rec.kind == "region":
        add(("Claimants", _names(rec.claimants)))
        if rec.internationally_recognised_as:
            add(("Internationally recognised as part of", country_name(rec.internationally_recognised_as)))
        for period in [p for p in ds.control if p.region_id == rid]:
            span = (f"{format_dates(period.start, None, period.start_precision) or '?'} – "
                    f"{format_dates(period.end, None, period.end_precision) or 'present'}")
            note = f" ({period.start_note})" if period.start_note else ""
            add(("Control", f"{period.controller}: {span}{note}"))
    if getattr(rec, "event_type", None):
        add(("Type of event", rec.event_type))
    if getattr(rec, "unit", None):
        add(("Unit", rec.unit))
        add(("From → to", f"{rec.from_place} → {rec.to_place}"))
    if getattr(rec, "route_as_reported", None):
        add(("Route as reported", rec.route_as_reported))
    if getattr(rec, "forces", None):
        add(("Forces", "; ".join(rec.forces)))
    if getattr(rec, "commander", None):
        add(("Commander", rec.commander))
    if rec.places:
        add(("Places named", "; ".join(rec.places)))
    if getattr(rec, "sites", None):
        add(("Sites as reported", "; ".join(rec.sites)))
    loc = located.get(rid)
    if loc and loc.point:
        add(("Position", describe_position(loc.point)))
        if loc.point.candidates:
            add(("Other candidates", "; ".join(
                f"{c.matched} ({c.country or '?'}) {c.lat:.4f}, {c.lon:.4f}" for c in loc.point.candidates)
                + f" (confidence in the choice: {loc.point.confidence:.2f}; pin the right one on the Places page)"))
    elif rec.places or rec.kind == "movement":
        add(("Position", "not located: no place name of this record resolved"))
    else:
        add(("Position", "none: the sources give no place for it"))
    if loc and loc.outline:
        props = loc.outline["properties"]
        add(("Outline", f"{props.get('precision')}: {props.get('precision_note', '')}".strip()))
    if loc and loc.unresolved:
        add(("Unresolved place names", "; ".join(loc.unresolved)))
    if getattr(rec, "aims_as_reported", None):
        add(("Aims as reported", rec.aims_as_reported))
    if rec.description:
        add(("Description", rec.description))
    add(("Verification", rec.verification + (f": {rec.verification_note}" if rec.verification_note else "")))
    if rid in ds.user:
        prov = ds.user[rid]
        add(("User-added", f"added by {prov.get('added_by') or prov['entered_by']} on {_when(prov['created'])} "
                           f"from an article (SHA-256 {str(prov.get('article_sha256'))[:12]}…); not curated"))
        if prov.get("changed_by"):
            add(("Last changed", f"by {prov['changed_by']} on {_when(prov['changed'])}"))
    if rid in ds.reviewed:
        mark = ds.reviewed[rid]
        add(("Checked by a reviewer", f"{mark['by']} on {_when(mark['at'])}"
                                      + (f": {mark['note']}" if mark.get("note") else "")))
    for sid in rec.source_ids:
        src = ds.sources[sid]
        d.sources.append({"id": sid, "publisher": src.publisher, "title": src.title,
                          "published": format_dates(src.published, None, src.published_precision),
                          "type": src.type, "url": safe_url(src.url)})
    for role, target in rec.links:
        d.linked.append((role, target, ds.records[target].name))
    # records that point at this one (a region's events, a crossing's exercises)
    for other in ds.records.values():
        for role, target in other.links:
            if target == rid:
                d.linked.append((other.kind, other.id, other.name))
    return d


def _when(timestamp: float) -> str:
    return datetime.fromtimestamp(timestamp, tz=timezone.utc).strftime("%Y-%m-%d %H:%M UTC")


def event_fields(es, row: int, full) -> tuple[str, str, list[tuple[str, str]]]:
    """What the panel says of one imported event: its title, a caption and the fields
    with something in them. ``full`` is the stored row (notes and source live on disk)."""
    d = es.describe(row)
    when = d["date_start"].isoformat() + ("" if d["date_end"] == d["date_start"] else f" to {d['date_end']}")
    caption = f"imported event · {es.name} · id {full['event_id']} (row {full['row']} of the file)"
    fields = [
        ("Date", f"{when} (precision: {d['date_precision'] or 'not given'})"),
        ("Type", " / ".join(x for x in (d["event_type"], d["sub_type"]) if x)),
        ("Actors", " — ".join(x for x in (d["actor1"], d["actor2"]) if x)),
        ("Where", ", ".join(x for x in (d["location"], d["admin1"], d["country"]) if x)),
        ("Position", f"{d['lat']:.4f}, {d['lon']:.4f} (precision: {d['geo_precision'] or 'not given'})"),
        ("Fatalities", "" if d["fatalities"] is None else str(d["fatalities"])),
        ("Notes", str(full["notes"] or "")),
        ("Source", str(full["source"] or "")),
    ]
    return d["location"] or "Imported event", caption, [(label, text) for label, text in fields if text]
