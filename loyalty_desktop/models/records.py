from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index
from pydantic import NaiveDatetime
from sqlmodel import Field, SQLModel

from loyalty_desktop.models.customers import _now


class ImportRecord(SQLModel, table=True):
    __tablename__ = "import_record"
    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=20)  # customers | purchases
    file_name: str = Field(max_length=300)
    sheet: str | None = Field(default=None, max_length=100)
    preset: str | None = Field(default=None, max_length=40)
    rows: int = Field(default=0)
    created: int = Field(default=0)
    updated: int = Field(default=0)
    merged: int = Field(default=0)
    rejected: int = Field(default=0)
    purchases_added: int = Field(default=0)
    duplicates_skipped: int = Field(default=0)
    walk_in: int = Field(default=0)
    cancelled: int = Field(default=0)
    report_json: str = Field(default="{}")
    created_at: NaiveDatetime = Field(default_factory=_now)


class ConsentEvent(SQLModel, table=True):
    """History of SMS consent: who opted out (or back in), when, and how."""

    __tablename__ = "consent_event"
    __table_args__ = (Index("ix_consent_customer", "customer_id", "created_at"),)

    id: int | None = Field(default=None, primary_key=True)
    customer_id: int = Field(foreign_key="customer.id", ondelete="CASCADE")
    opted_out: bool = Field(default=True)
    channel: str = Field(default="sms", max_length=20)
    method: str = Field(default="manual", max_length=40)  # manual | import | reply_stop | bulk
    note: str | None = Field(default=None)
    created_at: NaiveDatetime = Field(default_factory=_now)


class AuditLog(SQLModel, table=True):
    __tablename__ = "audit_log"
    id: int | None = Field(default=None, primary_key=True)
    action: str = Field(max_length=60)
    entity: str | None = Field(default=None, max_length=40)
    entity_id: int | None = Field(default=None)
    detail: str | None = Field(default=None)  # JSON
    created_at: NaiveDatetime = Field(default_factory=_now)


class Setting(SQLModel, table=True):
    """Key/value settings stored with the shop's data (loyalty rules, SMS price, shop name…)."""

    __tablename__ = "setting"
    key: str = Field(primary_key=True, max_length=80)
    value: str = Field(default="")  # JSON
