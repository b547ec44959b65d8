"""The user store's tables, as each engine declares them.

SQLite files have always been brought up to date in place (``CREATE TABLE IF NOT
EXISTS``, plus the one column added since: records' ``version``), and that stays so
the files users have keep opening. PostgreSQL gets numbered migrations, applied in
order at start-up and recorded in ``schema_migrations``; a new change to the tables
is a new entry at the end of ``POSTGRES_MIGRATIONS``, never an edit of an old one.
"""

from __future__ import annotations

SQLITE = """
CREATE TABLE IF NOT EXISTS sources (
    id TEXT PRIMARY KEY, data TEXT NOT NULL, article_sha256 TEXT NOT NULL, created REAL NOT NULL);
CREATE TABLE IF NOT EXISTS records (
    id TEXT PRIMARY KEY, kind TEXT NOT NULL, data TEXT NOT NULL, source_id TEXT NOT NULL,
    entered_by TEXT NOT NULL, created REAL NOT NULL, updated REAL NOT NULL, version INTEGER NOT NULL DEFAULT 1);
CREATE TABLE IF NOT EXISTS audit (
    seq INTEGER PRIMARY KEY AUTOINCREMENT, at REAL NOT NULL, actor_id TEXT NOT NULL, actor_name TEXT NOT NULL,
    action TEXT NOT NULL, record_id TEXT NOT NULL, before TEXT, after TEXT);
CREATE TABLE IF NOT EXISTS pins (
    name TEXT PRIMARY KEY, data TEXT NOT NULL, by_id TEXT NOT NULL, by_name TEXT NOT NULL, at REAL NOT NULL);
CREATE TABLE IF NOT EXISTS checks (
    record_id TEXT PRIMARY KEY, by_id TEXT NOT NULL, by_name TEXT NOT NULL, at REAL NOT NULL, note TEXT);
CREATE TABLE IF NOT EXISTS roles (
    user_id TEXT PRIMARY KEY, role TEXT NOT NULL, by_id TEXT NOT NULL, at REAL NOT NULL);
CREATE TABLE IF NOT EXISTS signouts (
    session TEXT PRIMARY KEY, user_id TEXT NOT NULL, at REAL NOT NULL);
"""
SQLITE_VERSION_COLUMN = ", version INTEGER NOT NULL DEFAULT 1"  # absent from stores made before versions

# Times are seconds since the epoch in both engines (``DOUBLE PRECISION``: PostgreSQL's
# ``REAL`` has 6 digits, which would round a time to minutes). Records and sources are
# JSON text, as in SQLite, so both engines give back the same bytes.
POSTGRES_MIGRATIONS: list[tuple[int, str]] = [
    (1, """
CREATE TABLE sources (
    id TEXT PRIMARY KEY, data TEXT NOT NULL, article_sha256 TEXT NOT NULL, created DOUBLE PRECISION NOT NULL);
CREATE TABLE records (
    id TEXT PRIMARY KEY, kind TEXT NOT NULL, data TEXT NOT NULL, source_id TEXT NOT NULL,
    entered_by TEXT NOT NULL, created DOUBLE PRECISION NOT NULL, updated DOUBLE PRECISION NOT NULL,
    version INTEGER NOT NULL DEFAULT 1);
CREATE INDEX records_created ON records (created);
CREATE TABLE audit (
    seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY, at DOUBLE PRECISION NOT NULL,
    actor_id TEXT NOT NULL, actor_name TEXT NOT NULL, action TEXT NOT NULL, record_id TEXT NOT NULL,
    before TEXT, after TEXT);
CREATE INDEX audit_record ON audit (record_id);
CREATE INDEX audit_actor ON audit (actor_id);
CREATE TABLE pins (
    name TEXT PRIMARY KEY, data TEXT NOT NULL, by_id TEXT NOT NULL, by_name TEXT NOT NULL,
    at DOUBLE PRECISION NOT NULL);
CREATE TABLE checks (
    record_id TEXT PRIMARY KEY, by_id TEXT NOT NULL, by_name TEXT NOT NULL, at DOUBLE PRECISION NOT NULL,
    note TEXT);
CREATE TABLE roles (
    user_id TEXT PRIMARY KEY, role TEXT NOT NULL, by_id TEXT NOT NULL, at DOUBLE PRECISION NOT NULL);
CREATE TABLE signouts (
    session TEXT PRIMARY KEY, user_id TEXT NOT NULL, at DOUBLE PRECISION NOT NULL);
"""),
    # the log is append-only in the engine itself, not only in our code
    (2, """
CREATE FUNCTION audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the audit log is append-only';
END $$;
CREATE TRIGGER audit_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON audit
    FOR EACH STATEMENT EXECUTE FUNCTION audit_append_only();
"""),
    # imported event sets, queried where they live (``events.postgis_store``, ``events.postgis_query``).
    # A set's row says what it is; its events are rows of one table. ``mx`` and ``my`` are the
    # map's plane (``viewport.mercator``, float32 as in memory), so both paths count the
    # same grid cells; ``geom`` is the point for PostGIS's index.
    (3, """
CREATE EXTENSION IF NOT EXISTS postgis;
CREATE TABLE event_sets (
    id TEXT PRIMARY KEY, info TEXT NOT NULL, issues_csv TEXT NOT NULL DEFAULT '',
    n BIGINT NOT NULL DEFAULT 0, countries TEXT[] NOT NULL DEFAULT '{}', event_types TEXT[] NOT NULL DEFAULT '{}',
    first_day DATE, last_day DATE);
CREATE TABLE events (
    set_id TEXT NOT NULL REFERENCES event_sets (id) ON DELETE CASCADE, pos INTEGER NOT NULL,
    event_id TEXT NOT NULL, date_start DATE NOT NULL, date_end DATE NOT NULL, date_precision TEXT NOT NULL,
    latitude DOUBLE PRECISION NOT NULL, longitude DOUBLE PRECISION NOT NULL, geo_precision TEXT NOT NULL,
    event_type TEXT NOT NULL, sub_type TEXT NOT NULL, actor1 TEXT NOT NULL, actor2 TEXT NOT NULL,
    country TEXT NOT NULL, admin1 TEXT NOT NULL, location TEXT NOT NULL, fatalities INTEGER,
    source TEXT NOT NULL, notes TEXT NOT NULL, source_row INTEGER NOT NULL,
    mx REAL NOT NULL, my REAL NOT NULL,
    geom geometry(Point, 4326) GENERATED ALWAYS AS (ST_SetSRID(ST_MakePoint(longitude, latitude), 4326)) STORED,
    PRIMARY KEY (set_id, pos));
CREATE INDEX events_geom ON events USING gist (geom);
CREATE INDEX events_dates ON events (set_id, date_start, date_end);
CREATE INDEX events_country ON events (set_id, country);
"""),
    # a set's events counted ahead by grid cell at the low zooms, where a view spans most of a
    # large set (``events.postgis_cube``): per cell, country, event type and the months the
    # event starts and ends in; ``cube_zoom`` is the last zoom counted (-1: none)
    (4, """
ALTER TABLE event_sets ADD COLUMN cube_zoom SMALLINT NOT NULL DEFAULT -1;
CREATE TABLE event_cube (
    set_id TEXT NOT NULL REFERENCES event_sets (id) ON DELETE CASCADE, zoom SMALLINT NOT NULL,
    ix BIGINT NOT NULL, iy BIGINT NOT NULL, country TEXT NOT NULL, event_type TEXT NOT NULL,
    m_start INTEGER NOT NULL, m_end INTEGER NOT NULL,
    n BIGINT NOT NULL, lat_sum DOUBLE PRECISION NOT NULL, lon_sum DOUBLE PRECISION NOT NULL,
    fat_sum DOUBLE PRECISION NOT NULL);
CREATE INDEX event_cube_cells ON event_cube (set_id, zoom, iy, ix);
CREATE INDEX events_date_end ON events (set_id, date_end);
"""),
]
