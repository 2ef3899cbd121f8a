"""Field catalogue of segment rules: what can be asked, with which operators and value editors.

The rule builder palette is generated from ``FIELDS`` (grouped by ``GROUPS``, in order); the
validator (``rules.py``), compiler (``compiler.py``) and reference evaluator (``reference.py``)
all follow it. Semantics are documented in ``docs/segments.md``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

# (id, label_vi, label_en) in palette order.
GROUPS: list[tuple[str, str, str]] = [
    ("demographics", "Nhân khẩu học", "Demographics"),
    ("geography", "Địa lý", "Geography"),
    ("behaviour", "Hành vi mua hàng", "Purchase behaviour"),
    ("tags", "Thẻ", "Tags"),
    ("loyalty", "Điểm & hạng", "Points & tier"),
    ("contact", "Liên hệ", "Contact"),
]

# op id -> (label_vi, label_en)
OPS: dict[str, tuple[str, str]] = {
    "eq": ("bằng", "is"),
    "ne": ("khác", "is not"),
    "lt": ("nhỏ hơn", "less than"),
    "lte": ("nhỏ hơn hoặc bằng", "at most"),
    "gt": ("lớn hơn", "greater than"),
    "gte": ("lớn hơn hoặc bằng", "at least"),
    "between": ("trong khoảng", "between"),
    "is_empty": ("chưa có thông tin", "is unknown"),
    "in": ("là một trong", "is one of"),
    "not_in": ("không phải", "is none of"),
    "before": ("trước ngày", "before"),
    "after": ("sau ngày", "after"),
    "within_last": ("trong N ngày gần đây", "in the last N days"),
    "more_than_ago": ("cách đây hơn N ngày", "more than N days ago"),
    "never": ("chưa bao giờ", "never"),
    "within_next": ("trong N ngày tới", "in the next N days"),
    "this_month": ("trong tháng này", "this month"),
    "bought": ("đã mua", "bought"),
    "not_bought": ("chưa mua", "did not buy"),
    "has": ("có thẻ", "has"),
    "has_any": ("có một trong các thẻ", "has any of"),
    "has_all": ("có tất cả các thẻ", "has all of"),
    "has_none": ("không có thẻ nào trong", "has none of"),
    "contains": ("có chứa", "contains"),
    "starts_with": ("bắt đầu bằng", "starts with"),
}

NUMERIC_OPS = ["eq", "ne", "lt", "lte", "gt", "gte", "between"]
DATE_OPS = ["before", "after", "between", "within_last", "more_than_ago"]
NO_VALUE_OPS = ("is_empty", "never", "this_month")
DAY_OPS = ("within_last", "more_than_ago", "within_next")
LIST_OPS = ("in", "not_in", "bought", "not_bought", "has_any", "has_all", "has_none")

# Windows with precomputed columns in customer_stats (see loyalty_desktop.stats.WINDOWS).
MAX_WINDOW_DAYS = 3650


@dataclass(frozen=True)
class FieldSpec:
    id: str
    type: str  # "enum" | "int" | "money" | "date" | "text" | "bool" | "none" | "list"
    ops: list[str]
    editor: str  # "number"|"money"|"int"|"date"|"enum"|"multi"|"text"|"bool"|"none"
    label_vi: str
    label_en: str
    group: str
    windowed: bool = False
    # A fixed list of (value, label_vi, label_en) for enums, or the name of a dynamic list:
    # "provinces"|"categories"|"channels"|"tags"|"tag_groups"|"tiers"|"segments".
    choices: Any = None
    minimum: int | None = None
    maximum: int | None = None
    unit_vi: str = ""
    unit_en: str = ""
    help_vi: str = ""
    help_en: str = ""

    def label(self, lang: str = "vi") -> str:
        return self.label_vi if lang == "vi" else self.label_en

    def choice_values(self) -> list | None:
        if isinstance(self.choices, (list, tuple)):
            return [c[0] for c in self.choices]
        return None


GENDERS = [("male", "Nam", "Male"), ("female", "Nữ", "Female"), ("unknown", "Không rõ", "Unknown")]
REGION_CHOICES = [("north", "Miền Bắc", "North"), ("central", "Miền Trung", "Central"), ("south", "Miền Nam", "South")]
PHONE_TYPES = [("mobile", "Di động", "Mobile"), ("fixed", "Cố định", "Landline")]
MONTHS = [(m, f"Tháng {m}", f"Month {m}") for m in range(1, 13)]
RFM_SCORES = [(v, str(v), str(v)) for v in range(1, 6)]
BOOL_CHOICES = [(True, "Có", "Yes"), (False, "Không", "No")]


def _f(id, type, ops, editor, label_vi, label_en, group, **kw) -> FieldSpec:
    return FieldSpec(id=id, type=type, ops=list(ops), editor=editor, label_vi=label_vi, label_en=label_en,
                     group=group, **kw)


_FIELDS = [
    # demographics
    _f("gender", "enum", ["eq", "ne", "in"], "enum", "Giới tính", "Gender", "demographics", choices=GENDERS),
    _f("age", "int", NUMERIC_OPS + ["is_empty"], "int", "Tuổi", "Age", "demographics", minimum=0, maximum=150,
       unit_vi="tuổi", unit_en="years", help_vi="Tuổi tròn tính đến hôm nay", help_en="Full years today"),
    _f("birth_month", "int", ["eq", "in"], "enum", "Tháng sinh", "Birth month", "demographics", choices=MONTHS,
       minimum=1, maximum=12),
    _f("birthday", "none", ["within_next", "this_month"], "none", "Sinh nhật", "Birthday", "demographics",
       help_vi="Sinh ngày 29/2: mừng vào 28/2 những năm không nhuận",
       help_en="Born 29 Feb: celebrated on 28 Feb in non-leap years"),
    _f("name", "text", ["contains", "starts_with"], "text", "Tên", "Name", "demographics",
       help_vi="Không phân biệt dấu, hoa thường", help_en="Ignores accents and case"),
    # geography
    _f("province", "text", ["in", "not_in"], "multi", "Tỉnh/thành", "Province", "geography", choices="provinces",
       help_vi="Tên cũ (trước 1/7/2025) được quy về tỉnh mới", help_en="Old names map to the merged province"),
    _f("region", "enum", ["eq", "in"], "enum", "Miền", "Region", "geography", choices=REGION_CHOICES),
    # behaviour
    _f("total_spent", "money", NUMERIC_OPS, "money", "Tổng chi tiêu", "Total spent", "behaviour", windowed=True,
       minimum=0, unit_vi="₫", unit_en="₫"),
    _f("order_count", "int", NUMERIC_OPS, "int", "Số đơn hàng", "Number of orders", "behaviour", windowed=True,
       minimum=0, unit_vi="đơn", unit_en="orders"),
    _f("avg_order_value", "money", NUMERIC_OPS, "money", "Giá trị đơn trung bình", "Average order value",
       "behaviour", windowed=True, minimum=0, unit_vi="₫", unit_en="₫"),
    _f("last_purchase_at", "date", DATE_OPS + ["never"], "date", "Lần mua gần nhất", "Last purchase", "behaviour"),
    _f("first_purchase_at", "date", DATE_OPS + ["never"], "date", "Lần mua đầu tiên", "First purchase",
       "behaviour"),
    _f("category", "list", ["bought", "not_bought"], "multi", "Nhóm hàng", "Product category", "behaviour",
       windowed=True, choices="categories"),
    _f("channel", "list", ["bought", "not_bought"], "multi", "Kênh bán", "Sales channel", "behaviour",
       windowed=True, choices="channels"),
    _f("rfm_r", "int", NUMERIC_OPS + ["in"], "enum", "RFM – Gần đây (R)", "RFM recency (R)", "behaviour",
       choices=RFM_SCORES, minimum=1, maximum=5, help_vi="1–5, 5 = mua gần đây nhất", help_en="1–5, 5 = most recent"),
    _f("rfm_f", "int", NUMERIC_OPS + ["in"], "enum", "RFM – Tần suất (F)", "RFM frequency (F)", "behaviour",
       choices=RFM_SCORES, minimum=1, maximum=5, help_vi="1–5, 5 = mua nhiều lần nhất", help_en="1–5, 5 = most orders"),
    _f("rfm_m", "int", NUMERIC_OPS + ["in"], "enum", "RFM – Giá trị (M)", "RFM monetary (M)", "behaviour",
       choices=RFM_SCORES, minimum=1, maximum=5, help_vi="1–5, 5 = chi tiêu nhiều nhất", help_en="1–5, 5 = top spend"),
    # tags
    _f("tag", "list", ["has", "has_any", "has_all", "has_none"], "multi", "Thẻ", "Tag", "tags", choices="tags"),
    _f("tag_group", "list", ["has", "has_any", "has_none"], "multi", "Nhóm thẻ", "Tag group", "tags",
       choices="tag_groups", help_vi="Có ít nhất một thẻ thuộc nhóm", help_en="Has any tag of the group"),
    _f("segment", "list", ["in", "not_in"], "multi", "Phân khúc đã lưu", "Saved segment", "tags", choices="segments"),
    # loyalty
    _f("points", "int", NUMERIC_OPS, "int", "Điểm tích luỹ", "Points", "loyalty", unit_vi="điểm", unit_en="points"),
    _f("tier", "text", ["eq", "in"], "enum", "Hạng thành viên", "Tier", "loyalty", choices="tiers"),
    _f("created_at", "date", DATE_OPS, "date", "Ngày tham gia", "Joined", "loyalty"),
    # contact
    _f("sms_opt_out", "bool", ["eq"], "bool", "Từ chối nhận SMS", "Opted out of SMS", "contact",
       choices=BOOL_CHOICES),
    _f("phone_type", "enum", ["eq"], "enum", "Loại số điện thoại", "Phone type", "contact", choices=PHONE_TYPES),
]

FIELDS: dict[str, FieldSpec] = {f.id: f for f in _FIELDS}


def fields_in_group(group: str) -> list[FieldSpec]:
    return [f for f in _FIELDS if f.group == group]


def op_label(op: str, lang: str = "vi") -> str:
    vi, en = OPS.get(op, (op, op))
    return vi if lang == "vi" else en


def choices_for(conn, field_id: str) -> list:
    """Values offered for a field: a fixed list, or read from the database for dynamic lists."""
    spec = FIELDS[field_id]
    if isinstance(spec.choices, (list, tuple)):
        return [c[0] for c in spec.choices]
    if spec.choices is None:
        return []
    return dynamic_choices(conn, spec.choices)


def dynamic_choices(conn, kind: str) -> list[str]:
    from sqlalchemy import select

    from loyalty_desktop.models import Customer, Purchase, Segment, Tag, TagGroup

    if kind == "provinces":
        from loyalty_desktop.vn.provinces import PROVINCES

        return sorted(PROVINCES)
    if kind in ("categories", "channels"):
        col = Purchase.__table__.c.category if kind == "categories" else Purchase.__table__.c.channel
        return [v for v in conn.execute(select(col).distinct().where(col.is_not(None)).order_by(col)).scalars()]
    if kind == "tags":
        t = Tag.__table__
        return list(conn.execute(select(t.c.name).order_by(t.c.name_folded)).scalars())
    if kind == "tag_groups":
        g = TagGroup.__table__
        return list(conn.execute(select(g.c.name).order_by(g.c.name_folded)).scalars())
    if kind == "tiers":
        from loyalty_desktop.settings import get_setting

        names = [t[0] for t in sorted(get_setting(conn, "tiers") or [], key=lambda t: -t[1])]
        c = Customer.__table__
        extra = conn.execute(select(c.c.tier).distinct().where(c.c.tier.is_not(None))).scalars()
        return names + sorted(set(extra) - set(names))
    if kind == "segments":
        sg = Segment.__table__
        return list(conn.execute(select(sg.c.name).order_by(sg.c.name_folded)).scalars())
    raise KeyError(kind)
