"""Summary counts of a database (CLI ``info`` and the status bar)."""

from __future__ import annotations

from sqlalchemy import func, select

from loyalty_desktop.db import Database
from loyalty_desktop.models import Campaign, Customer, Purchase, Segment, Tag


def count_rows(conn, table) -> int:
    return conn.execute(select(func.count()).select_from(table)).scalar_one()


def database_info(db: Database) -> dict:
    with db.connect() as conn:
        counts = {
            "customers": count_rows(conn, Customer.__table__),
            "purchases": count_rows(conn, Purchase.__table__),
            "tags": count_rows(conn, Tag.__table__),
            "segments": count_rows(conn, Segment.__table__),
            "campaigns": count_rows(conn, Campaign.__table__),
        }
    return {**counts, "schema": db.schema_revision(), "path": db.location}
