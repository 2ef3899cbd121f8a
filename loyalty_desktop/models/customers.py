from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Column, Index, UniqueConstraint
from sqlalchemy import Date as SADate
from sqlalchemy import DateTime as SADateTime
from pydantic import NaiveDatetime
from sqlmodel import Field, SQLModel


def _now() -> datetime:
    return datetime.now().replace(microsecond=0)


class Customer(SQLModel, table=True):
    __tablename__ = "customer"
    __table_args__ = (
        # Demographic + geography segments read only this covering index.
        Index("ix_customer_province_gender_birth", "province", "gender", "birth_date"),
        Index("ix_customer_region", "region"),
        Index("ix_customer_birth_md", "birth_md"),
        Index("ix_customer_name_sort", "name_folded", "id"),
        Index("ix_customer_created", "created_at"),
        # "joined in the last N days" + "name contains …" reads this index alone (no row lookups)
        Index("ix_customer_created_name", "created_at", "name_folded"),
        Index("ix_customer_points", "points"),
        Index("ix_customer_tier", "tier"),
        Index("ix_customer_code", "code"),
        # customer-list sorts (0003); the FTS5 search table + triggers also come from 0003
        Index("ix_customer_birth_date", "birth_date"),
        Index("ix_customer_province_sort", "province"),
        Index("ix_customer_gender_sort", "gender"),
        # the dashboard's opted-out count (0005)
        Index("ix_customer_opt_out", "sms_opt_out"),
        # "birthday this month, not opted out" reads only this index (0006)
        Index("ix_customer_opt_out_birthday", "sms_opt_out", "birth_md"),
    )

    id: int | None = Field(default=None, primary_key=True)
    code: str | None = Field(default=None, max_length=64)
    full_name: str = Field(default="", max_length=200)
    name_folded: str = Field(default="", max_length=200)  # NFC, lower, accents and đ removed
    phone: str = Field(max_length=20, unique=True)  # E.164
    phone_raw: str | None = Field(default=None, max_length=100)  # as imported
    phone_alt: str | None = Field(default=None, max_length=100)  # a second number from the same cell
    phone_type: str = Field(default="mobile", max_length=10)  # mobile | fixed
    gender: str = Field(default="unknown", max_length=10)  # male | female | unknown
    birth_date: date | None = Field(default=None, sa_column=Column(SADate, nullable=True))
    birth_md: int | None = Field(default=None)  # month*100+day, for birthday conditions
    email: str | None = Field(default=None, max_length=200)
    address: str | None = Field(default=None, max_length=300)
    ward: str | None = Field(default=None, max_length=100)
    province: str | None = Field(default=None, max_length=60)  # one of the 34 current provinces
    old_province: str | None = Field(default=None, max_length=100)  # as written in the source
    region: str | None = Field(default=None, max_length=10)  # north | central | south
    note: str | None = Field(default=None)
    points: int = Field(default=0)
    tier: str | None = Field(default=None, max_length=40)
    sms_opt_out: bool = Field(default=False)
    created_at: NaiveDatetime = Field(default_factory=_now, sa_column_kwargs={"nullable": False})
    updated_at: NaiveDatetime = Field(default_factory=_now, sa_column_kwargs={"nullable": False})


class Purchase(SQLModel, table=True):
    __tablename__ = "purchase"
    __table_args__ = (
        UniqueConstraint("source", "invoice_code", name="uq_purchase_source_invoice"),
        # Covering (cancelled included): stats and segment queries never touch the purchase rows.
        Index("ix_purchase_customer_time", "customer_id", "purchased_at", "amount", "cancelled"),
        # "bought category X (not) since …" reads only this index (segments query "cancelled = 0").
        Index("ix_purchase_category", "category", "cancelled", "customer_id", "purchased_at", "amount"),
        Index("ix_purchase_channel", "channel", "cancelled", "customer_id", "purchased_at", "amount"),
        # Windows without precomputed stats ("spent in the last 60 days"): range on time, covering.
        Index("ix_purchase_time", "purchased_at", "cancelled", "customer_id", "amount"),
    )

    id: int | None = Field(default=None, primary_key=True)
    # NULL for walk-in sales ("Khách lẻ"): they count in shop revenue but belong to no customer.
    customer_id: int | None = Field(default=None, foreign_key="customer.id", ondelete="CASCADE")
    source: str = Field(default="manual", max_length=40)
    invoice_code: str = Field(max_length=64)
    purchased_at: datetime = Field(sa_column=Column(SADateTime, nullable=False))
    amount: int = Field(default=0)  # what the customer paid, đồng
    discount: int = Field(default=0)
    category: str | None = Field(default=None, max_length=100)
    channel: str | None = Field(default=None, max_length=60)
    branch: str | None = Field(default=None, max_length=100)
    cancelled: bool = Field(default=False)
    import_id: int | None = Field(default=None, foreign_key="import_record.id", ondelete="SET NULL")


class CustomerStats(SQLModel, table=True):
    """One row per customer, kept current by every write path (see ``loyalty_desktop.stats``).

    Cancelled purchases never count. Windowed columns hold the last N days as of ``as_of``.
    """

    __tablename__ = "customer_stats"
    __table_args__ = (
        Index("ix_stats_total_spent", "total_spent"),
        Index("ix_stats_order_count", "order_count"),
        Index("ix_stats_last_purchase", "last_purchase_at"),
        # The recency templates (loyal, potential, at risk) count and sum from this index alone (0006);
        # ix_stats_last_purchase stays for the customer list's keyset sort (last_purchase_at, customer_id).
        Index("ix_stats_recency", "last_purchase_at", "order_count", "total_spent"),
        # Revenue by province/region for any period preset, in index order (no sort of 1M rows) (0006).
        Index("ix_stats_geo", "province", "region", "total_spent", "spent_30d", "spent_90d", "spent_180d",
              "spent_365d"),
        Index("ix_stats_first_purchase", "first_purchase_at"),
        Index("ix_stats_spent_90d", "spent_90d"),
        # total_spent: the dashboard's RFM grid (count, revenue per r×f cell) reads only this index (0005).
        Index("ix_stats_rfm", "rfm_r", "rfm_f", "rfm_m", "total_spent"),
    )

    customer_id: int = Field(foreign_key="customer.id", primary_key=True, ondelete="CASCADE")
    order_count: int = Field(default=0)
    total_spent: int = Field(default=0)
    first_purchase_at: datetime | None = Field(default=None, sa_column=Column(SADateTime, nullable=True))
    last_purchase_at: datetime | None = Field(default=None, sa_column=Column(SADateTime, nullable=True))
    orders_30d: int = Field(default=0)
    spent_30d: int = Field(default=0)
    orders_90d: int = Field(default=0)
    spent_90d: int = Field(default=0)
    orders_180d: int = Field(default=0)
    spent_180d: int = Field(default=0)
    orders_365d: int = Field(default=0)
    spent_365d: int = Field(default=0)
    as_of: date | None = Field(default=None, sa_column=Column(SADate, nullable=True))
    rfm_r: int | None = Field(default=None)
    rfm_f: int | None = Field(default=None)
    rfm_m: int | None = Field(default=None)
    # Copies of customer.province/region (SQLite trigger ``stats_customer_geo_au`` and every stats INSERT
    # keep them equal): the dashboard's revenue by province reads one table instead of joining 1M rows (0006).
    province: str | None = Field(default=None, max_length=60)
    region: str | None = Field(default=None, max_length=10)
