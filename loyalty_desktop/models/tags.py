from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Index
from pydantic import NaiveDatetime
from sqlmodel import Field, SQLModel

from loyalty_desktop.models.customers import _now


class TagGroup(SQLModel, table=True):
    """A "big group" of tags, e.g. Hạng thành viên: Bạc / Vàng / Kim cương."""

    __tablename__ = "tag_group"
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=100)
    name_folded: str = Field(max_length=100, unique=True)


class Tag(SQLModel, table=True):
    __tablename__ = "tag"
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=100)
    name_folded: str = Field(max_length=100, unique=True)  # names are unique regardless of case/accents
    color: str = Field(default="#4C8BF5", max_length=9)
    description: str | None = Field(default=None)
    group_id: int | None = Field(default=None, foreign_key="tag_group.id", ondelete="SET NULL")
    created_at: NaiveDatetime = Field(default_factory=_now)


class CustomerTag(SQLModel, table=True):
    __tablename__ = "customer_tag"
    __table_args__ = (Index("ix_customer_tag_tag", "tag_id", "customer_id"),)

    customer_id: int = Field(foreign_key="customer.id", primary_key=True, ondelete="CASCADE")
    tag_id: int = Field(foreign_key="tag.id", primary_key=True, ondelete="CASCADE")
    operation_id: int | None = Field(default=None, foreign_key="tag_operation.id", ondelete="SET NULL")
    created_at: NaiveDatetime = Field(default_factory=_now)


class TagOperation(SQLModel, table=True):
    """A bulk tag/untag, kept so it can be undone. ``customer_ids`` holds the changed ids (JSON)."""

    __tablename__ = "tag_operation"
    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=10)  # add | remove
    tag_id: int | None = Field(default=None, foreign_key="tag.id", ondelete="SET NULL")
    description: str | None = Field(default=None)
    customer_ids: str = Field(default="[]")
    count: int = Field(default=0)
    undone: bool = Field(default=False)
    created_at: NaiveDatetime = Field(default_factory=_now)


class CustomerTagMask(SQLModel, table=True):
    """A customer's tags with ids 1..62 as one bit mask (bit = tag id); no row when none. Derived data,
    kept by SQLite triggers on ``customer_tag`` (``loyalty_desktop.tag_masks``)."""

    __tablename__ = "customer_tag_mask"
    # No foreign key: rows go with the customer's customer_tag rows (their delete trigger), and a key
    # lookup per tag row written would cost more than the trigger itself.
    customer_id: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    mask: int = Field(sa_type=BigInteger)


class TagMaskCount(SQLModel, table=True):
    """Customers per tag combination (non-zero ``customer_tag_mask.mask``): a pure-tag rule is counted
    over these few hundred rows. Kept by triggers on ``customer_tag_mask``."""

    __tablename__ = "tag_mask_count"
    mask: int = Field(sa_type=BigInteger, primary_key=True, sa_column_kwargs={"autoincrement": False})
    customers: int = Field(default=0)
