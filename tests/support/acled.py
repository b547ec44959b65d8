"""Made-up events in ACLED's export layout (its real columns, not data), for the event-set tests."""

from __future__ import annotations

ACLED_HEADER = ("event_id_cnty,event_date,year,time_precision,disorder_type,event_type,sub_event_type,actor1,"
                "assoc_actor_1,inter1,actor2,assoc_actor_2,inter2,interaction,civilian_targeting,iso,region,"
                "country,admin1,admin2,admin3,location,latitude,longitude,geo_precision,source,source_scale,"
                "notes,fatalities,tags,timestamp")


def acled_row(eid: str, day: str, tp: str, etype: str, sub: str, a1: str, a2: str, iso: str, country: str,
              admin1: str, loc: str, lat: str, lon: str, gp: str, notes: str, fat: str) -> str:
    return (f"{eid},{day},2024,{tp},Political violence,{etype},{sub},{a1},,1,{a2},,8,18,,{iso},Caucasus,"
            f"{country},{admin1},,,{loc},{lat},{lon},{gp},Example source,National,\"{notes}\",{fat},,1700000000")


def acled_csv(date_style: str) -> str:
    d = {"iso": ("2024-05-18", "2024-05-19", "2024-06-01"), "text": ("18 May 2024", "19 May 2024", "01 June 2024")}[date_style]
    rows = [
        acled_row("AZE1", d[0], "1", "Battles", "Armed clash", "Military Forces of Azerbaijan", "Military Forces of Armenia",
                  "31", "Azerbaijan", "Tovuz", "Agdam", "40.99", "45.62", "1", "An exchange of fire, \"\"reported\"\".", "0"),
        acled_row("ARM2", d[1], "2", "Protests", "Peaceful protest", "Protesters (Armenia)", "", "51", "Armenia",
                  "Yerevan", "Yerevan", "40.18", "44.51", "1", "A rally", "0"),
        acled_row("GEO3", d[2], "3", "Strategic developments", "Other", "Military Forces of Georgia", "", "268",
                  "Georgia", "Tbilisi", "Tbilisi", "41.69", "44.80", "2", "An exercise", ""),
    ]
    return "\n".join([ACLED_HEADER, *rows]) + "\n"
