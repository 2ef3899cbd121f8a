"""SQLModel tables. Import this package to register every table on ``SQLModel.metadata``.

Conventions: money is an integer number of đồng; datetimes are naive local shop time;
phones are E.164 strings (``+84912345678``), unique per customer.
"""

from loyalty_desktop.models.customers import Customer, CustomerStats, Purchase
from loyalty_desktop.models.tags import CustomerTag, CustomerTagMask, Tag, TagGroup, TagMaskCount, TagOperation
from loyalty_desktop.models.segments import Segment, SegmentMember
from loyalty_desktop.models.campaigns import Campaign, CampaignRecipient, DeliveryReport
from loyalty_desktop.models.records import AuditLog, ConsentEvent, ImportRecord, Setting
from loyalty_desktop.models.rollups import CustomerCategory, CustomerChannel, CustomerMonth, MonthTotal, SalesDay
from sqlmodel import SQLModel

metadata = SQLModel.metadata

__all__ = [
    "AuditLog", "Campaign", "CampaignRecipient", "ConsentEvent", "Customer", "CustomerCategory", "CustomerChannel",
    "CustomerMonth", "CustomerStats", "CustomerTag", "CustomerTagMask", "DeliveryReport", "ImportRecord",
    "MonthTotal", "Purchase", "SalesDay", "Segment", "SegmentMember", "Setting", "Tag", "TagGroup", "TagMaskCount",
    "TagOperation", "metadata",
]
