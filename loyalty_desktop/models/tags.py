from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index
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
