from __future__ import annotations

from datetime import datetime

from pydantic import NaiveDatetime
from sqlmodel import Field, SQLModel

from loyalty_desktop.models.customers import _now


class Segment(SQLModel, table=True):
    __tablename__ = "segment"
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=150)
    name_folded: str = Field(max_length=150, unique=True)
    description: str | None = Field(default=None)
    rule_json: str = Field(default='{"version": 1, "rule": {"all": []}}')
    template: str | None = Field(default=None, max_length=40)  # ready-made template it came from
    frozen: bool = Field(default=False)  # static snapshot in segment_member instead of the rule
    frozen_at: NaiveDatetime | None = Field(default=None)
    cached_count: int | None = Field(default=None)
    cached_at: NaiveDatetime | None = Field(default=None)
    created_at: NaiveDatetime = Field(default_factory=_now)
    updated_at: NaiveDatetime = Field(default_factory=_now)


class SegmentMember(SQLModel, table=True):
    """Members of a frozen (static) segment."""

    __tablename__ = "segment_member"
    segment_id: int = Field(foreign_key="segment.id", primary_key=True, ondelete="CASCADE")
    customer_id: int = Field(foreign_key="customer.id", primary_key=True, ondelete="CASCADE")
