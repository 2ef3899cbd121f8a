from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index
from pydantic import NaiveDatetime
from sqlmodel import Field, SQLModel

from loyalty_desktop.models.customers import _now


class Campaign(SQLModel, table=True):
    __tablename__ = "campaign"
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=200)
    sources_json: str = Field(default="{}")  # segments, tags, rules and exclusions it was built from
    template: str = Field(default="")
    advertising: bool = Field(default=True)
    no_accents: bool = Field(default=False)
    preset: str = Field(default="phone_message", max_length=40)
    phone_format: str = Field(default="0", max_length=4)
    send_at: NaiveDatetime | None = Field(default=None)
    recipients: int = Field(default=0)
    control: int = Field(default=0)
    counts_json: str = Field(default="{}")  # exclusions and other counts
    sms_parts: int = Field(default=0)
    encoding: str | None = Field(default=None, max_length=10)
    estimated_cost: int = Field(default=0)
    file_path: str | None = Field(default=None)
    created_at: NaiveDatetime = Field(default_factory=_now)


class CampaignRecipient(SQLModel, table=True):
    __tablename__ = "campaign_recipient"
    __table_args__ = (Index("ix_campaign_recipient_customer", "customer_id", "campaign_id"),)

    campaign_id: int = Field(foreign_key="campaign.id", primary_key=True, ondelete="CASCADE")
    customer_id: int = Field(foreign_key="customer.id", primary_key=True, ondelete="CASCADE")
    phone: str = Field(max_length=20)
    is_control: bool = Field(default=False)
    message: str | None = Field(default=None)
    delivery_status: str | None = Field(default=None, max_length=20)  # delivered | failed | None


class DeliveryReport(SQLModel, table=True):
    __tablename__ = "delivery_report"
    id: int | None = Field(default=None, primary_key=True)
    campaign_id: int = Field(foreign_key="campaign.id", ondelete="CASCADE")
    file_path: str | None = Field(default=None)
    delivered: int = Field(default=0)
    failed: int = Field(default=0)
    unknown: int = Field(default=0)
    created_at: NaiveDatetime = Field(default_factory=_now)
