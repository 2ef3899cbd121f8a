"""Precomputed rollups of purchases for the dashboard (see ``loyalty_desktop.rollups``).

Derived data only: every row can be recomputed from ``purchase`` (cancelled purchases never count).
Months are ``'YYYY-MM'`` and days ``date`` in local shop time, the same calendar as ``purchased_at``.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import Column, Index
from sqlalchemy import Date as SADate
from sqlmodel import Field, SQLModel


class CustomerMonth(SQLModel, table=True):
    """One row per customer and calendar month with at least one counted purchase.

    Kept current with ``customer_stats`` (``stats.refresh_stats`` → ``rollups.refresh_customers``).
    ``is_first``: this is the month of the customer's first counted purchase ("new" in the monthly series).
    """

    __tablename__ = "rollup_customer_month"
    # Clustered by customer (WITHOUT ROWID): a segment's series reads its members' rows in key order; the
    # all-customer series reads ``rollup_month`` instead, so no month index is needed.
    __table_args__ = ({"sqlite_with_rowid": False},)

    # No foreign key (it would cost a customer lookup per row written): a BEFORE DELETE trigger on
    # ``customer`` removes a deleted customer's rows and their share of ``rollup_month``.
    customer_id: int = Field(primary_key=True)
    month: str = Field(primary_key=True, max_length=7)
    orders: int = Field(default=0)
    amount: int = Field(default=0)
    is_first: bool = Field(default=False)


class MonthTotal(SQLModel, table=True):
    """Per calendar month, the sums of ``rollup_customer_month`` (customers only, walk-ins excluded)."""

    __tablename__ = "rollup_month"

    month: str = Field(primary_key=True, max_length=7)
    buyers: int = Field(default=0)  # customers with a counted purchase in the month
    new_buyers: int = Field(default=0)  # ... whose first counted purchase ever was in the month
    orders: int = Field(default=0)
    amount: int = Field(default=0)
    new_amount: int = Field(default=0)  # spent by the new buyers in that month


class SalesDay(SQLModel, table=True):
    """Counted sales per local day × category × channel ('' = not recorded), walk-ins included.

    Kept current by triggers on ``purchase`` (SQLite), so every write path updates it.
    """

    __tablename__ = "rollup_sales_day"
    __table_args__ = ({"sqlite_with_rowid": False},)

    day: date = Field(sa_column=Column(SADate, primary_key=True))
    category: str = Field(default="", primary_key=True, max_length=100)
    channel: str = Field(default="", primary_key=True, max_length=60)
    orders: int = Field(default=0)
    amount: int = Field(default=0)
    walk_in_orders: int = Field(default=0)
    walk_in_amount: int = Field(default=0)


class CustomerCategory(SQLModel, table=True):
    """One row per customer and product category they bought: the day of their last counted purchase in it.

    Kept current with ``customer_stats`` (``stats.refresh_stats`` → ``rollups.refresh_customers``). The
    segment engine answers "bought X [in the last N days]" and "bought X but not in the last N days" from
    ``ix_rollup_category_last`` as one index range, instead of reading every purchase of X (2M rows of
    one category at 10M purchases). Day grain is exact: every window starts at midnight.
    """

    __tablename__ = "rollup_customer_category"
    # (customer, category) clustered (WITHOUT ROWID): refreshes and the customer delete trigger work by
    # customer; the segment queries read the (category, last_day) index, which holds customer_id too.
    __table_args__ = (Index("ix_rollup_category_last", "category", "last_day"), {"sqlite_with_rowid": False})

    customer_id: int = Field(primary_key=True)
    category: str = Field(primary_key=True, max_length=100)
    last_day: date = Field(sa_column=Column(SADate, nullable=False))


class CustomerChannel(SQLModel, table=True):
    """As :class:`CustomerCategory`, per sales channel."""

    __tablename__ = "rollup_customer_channel"
    __table_args__ = (Index("ix_rollup_channel_last", "channel", "last_day"), {"sqlite_with_rowid": False})

    customer_id: int = Field(primary_key=True)
    channel: str = Field(primary_key=True, max_length=60)
    last_day: date = Field(sa_column=Column(SADate, nullable=False))
