"""Which column holds what: header synonyms (Vietnamese/English, with or without accents), presets for
KiotViet and Sapo exports, header-row detection, and saved mappings (JSON file or the settings table).

A mapping is ``{column index: field id}``; columns absent from it are ignored (or, with
``unknown_to_note``, appended to the customer note). Field ids are listed in ``CUSTOMER_FIELDS`` and
``PURCHASE_FIELDS`` with their Vietnamese/English labels for the UI.
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from loyalty_desktop.errors import InvalidInput

KINDS = ("customers", "purchases")


def header_key(text: Any) -> str:
    """Fold a header for matching: NFC → lower → accents/đ removed → punctuation to spaces → collapsed."""
    if text is None:
        return ""
    s = str(text).replace("đ", "d").replace("Đ", "D")
    s = unicodedata.normalize("NFD", s)
    s = "".join(ch for ch in s if not unicodedata.combining(ch)).lower()
    s = re.sub(r"[^0-9a-z]+", " ", s)
    return " ".join(s.split())


# field id -> (label_vi, label_en, synonyms). Synonyms are matched after ``header_key``.
CUSTOMER_FIELDS: dict[str, tuple[str, str, tuple[str, ...]]] = {
    "phone": ("Số điện thoại", "Phone", (
        "điện thoại", "số điện thoại", "sđt", "sdt", "số đt", "so dt", "đt", "dt", "di động", "số di động",
        "điện thoại di động", "đtdđ", "dtdd", "số điện thoại khách hàng", "điện thoại khách hàng",
        "sđt khách hàng", "phone", "phone number", "mobile", "mobile phone", "cell", "cell phone", "tel",
        "telephone", "số máy", "liên hệ", "sđt liên hệ", "điện thoại liên hệ", "contact phone",
        "billing phone", "shipping phone", "số điện thoại nhận hàng", "sđt nhận hàng",
    )),
    "name": ("Họ và tên", "Name", (
        "tên khách hàng", "họ và tên", "họ tên", "tên kh", "tên", "khách hàng", "tên khách", "họ và tên khách hàng",
        "name", "full name", "fullname", "customer name", "customer", "tên đầy đủ", "first name", "firstname",
        "given name",
    )),
    "family_name": ("Họ", "Last name", ("họ", "last name", "lastname", "surname", "family name", "họ khách hàng")),
    "code": ("Mã khách hàng", "Customer code", (
        "mã khách hàng", "mã kh", "ma kh", "mã khách", "mã", "customer code", "customer id", "code", "id khách hàng",
        "mã thành viên", "mã thẻ", "member id", "makh",
    )),
    "email": ("Email", "Email", ("email", "e mail", "thư điện tử", "địa chỉ email", "mail")),
    "birth_date": ("Ngày sinh", "Birth date", (
        "ngày sinh", "ngày tháng năm sinh", "sinh nhật", "ngay sinh", "ns", "năm sinh", "date of birth", "dob",
        "birthday", "birth date", "birthdate",
    )),
    "gender": ("Giới tính", "Gender", ("giới tính", "gioi tinh", "phái", "nam nữ", "nam/nữ", "gender", "sex")),
    "address": ("Địa chỉ", "Address", (
        "địa chỉ", "dia chi", "đc", "địa chỉ nhà", "địa chỉ liên hệ", "địa chỉ giao hàng", "address", "address 1",
        "address1", "street", "số nhà", "địa chỉ khách hàng",
    )),
    "area": ("Khu vực", "Area", ("khu vực giao hàng", "khu vực", "tỉnh thành quận huyện", "area", "region")),
    "province": ("Tỉnh/Thành phố", "Province", (
        "tỉnh/thành phố", "tỉnh thành phố", "tỉnh/tp", "tỉnh tp", "tỉnh thành", "tỉnh", "thành phố", "tp",
        "tỉnh/thành", "province", "city", "province/city", "tỉnh/ thành phố", "tỉnh - thành phố",
    )),
    "district": ("Quận/Huyện", "District", ("quận/huyện", "quận huyện", "quận", "huyện", "district")),
    "ward": ("Phường/Xã", "Ward", ("phường/xã", "phường xã", "phường", "xã", "ward")),
    "tags": ("Nhóm khách hàng / nhãn", "Tags / groups", (
        "nhóm khách hàng", "nhóm kh", "nhóm", "nhãn", "thẻ", "tag", "tags", "phân loại", "loại khách hàng",
        "customer group", "customer groups", "group", "groups", "nhóm khách",
    )),
    "note": ("Ghi chú", "Note", ("ghi chú", "ghi chu", "note", "notes", "mô tả", "description", "chú thích")),
    "points": ("Điểm hiện tại", "Points", (
        "điểm hiện tại", "điểm", "điểm tích lũy", "điểm tích luỹ", "số điểm", "điểm thưởng", "points",
        "loyalty points", "điểm còn lại",
    )),
    "created_at": ("Ngày tạo", "Created", (
        "ngày tạo", "ngày tham gia", "ngày đăng ký", "ngày đăng kí", "created", "created at", "created date",
        "join date", "ngày gia nhập",
    )),
    "stt": ("STT (bỏ qua)", "Row no. (ignored)", ("stt", "số thứ tự", "tt", "no", "no.", "#", "số tt")),
}

PURCHASE_FIELDS: dict[str, tuple[str, str, tuple[str, ...]]] = {
    "invoice_code": ("Mã hóa đơn", "Invoice code", (
        "mã hóa đơn", "mã hoá đơn", "mã hđ", "số hóa đơn", "số hoá đơn", "số hđ", "mã đơn hàng", "mã đơn", "số đơn hàng",
        "mã chứng từ", "số chứng từ", "invoice", "invoice code", "invoice no", "invoice number", "order", "order id",
        "order code", "order number", "order no", "mã giao dịch", "mã phiếu",
    )),
    "purchased_at": ("Thời gian", "Date/time", (
        "thời gian", "thời gian tạo", "ngày tạo", "ngày", "ngày bán", "ngày mua", "ngày hóa đơn", "ngày hoá đơn",
        "ngày tạo đơn", "ngày đặt hàng", "ngày đặt", "thời gian đặt hàng", "ngày chứng từ", "date", "created",
        "created at", "order date", "invoice date", "time", "ngày giờ", "thời gian bán",
    )),
    "phone": CUSTOMER_FIELDS["phone"],
    "customer_code": ("Mã khách hàng", "Customer code", CUSTOMER_FIELDS["code"][2]),
    "customer_name": ("Tên khách hàng", "Customer name", CUSTOMER_FIELDS["name"][2]),
    "amount": ("Khách cần trả", "Amount paid", (
        "khách cần trả", "cần thanh toán", "khách phải trả", "phải thu", "tổng thanh toán", "tổng tiền", "tổng cộng",
        "thanh toán", "tổng tiền thanh toán", "doanh thu", "tổng giá trị đơn hàng", "giá trị đơn hàng",
        "total", "amount", "grand total", "total amount", "order total", "số tiền", "tiền", "tổng đơn",
    )),
    "line_amount": ("Thành tiền (dòng hàng)", "Line amount", (
        "thành tiền", "line total", "line amount", "tiền hàng dòng", "subtotal line",
    )),
    "goods_total": ("Tổng tiền hàng", "Goods total", ("tổng tiền hàng", "tiền hàng", "subtotal", "sub total")),
    "discount": ("Giảm giá", "Discount", (
        "giảm giá", "giảm giá hóa đơn", "giảm giá hoá đơn", "chiết khấu", "chiết khấu đơn hàng", "discount",
        "discount amount", "khuyến mãi", "giảm giá đơn hàng",
    )),
    "paid": ("Khách đã trả", "Paid", ("khách đã trả", "đã thanh toán", "đã trả", "paid", "amount paid")),
    "status": ("Trạng thái", "Status", (
        "trạng thái", "trạng thái đơn hàng", "tình trạng", "trạng thái hóa đơn", "trạng thái hoá đơn", "status",
        "order status", "trạng thái thanh toán đơn",
    )),
    "category": ("Nhóm hàng", "Category", (
        "nhóm hàng", "danh mục", "loại hàng", "ngành hàng", "nhóm sản phẩm", "loại sản phẩm", "danh mục sản phẩm",
        "category", "product category", "product type",
    )),
    "channel": ("Kênh bán", "Channel", (
        "kênh bán", "kênh bán hàng", "nguồn bán hàng", "nguồn đơn hàng", "nguồn", "kênh", "channel", "sales channel",
        "source",
    )),
    "branch": ("Chi nhánh", "Branch", ("chi nhánh", "cửa hàng", "chi nhánh bán", "branch", "store", "location")),
    "stt": CUSTOMER_FIELDS["stt"],
}

FIELDS_BY_KIND = {"customers": CUSTOMER_FIELDS, "purchases": PURCHASE_FIELDS}

# Fields the import cannot run without.
REQUIRED = {"customers": ("phone",), "purchases": ("invoice_code", "purchased_at")}

_SYNONYMS: dict[str, dict[str, str]] = {}
for _kind, _fields in FIELDS_BY_KIND.items():
    table: dict[str, str] = {}
    for _fid, (_vi, _en, _syns) in _fields.items():
        for _s in (_vi, _en) + tuple(_syns):
            table.setdefault(header_key(_s), _fid)
    _SYNONYMS[_kind] = table

# Headers that would match a synonym but mean something else in that kind of file.
_NOT = {
    "customers": {header_key(h) for h in (
        "Tổng điểm", "Tổng bán", "Tổng bán trừ trả hàng", "Nợ cần thu hiện tại", "Ngày giao dịch cuối",
        "Người tạo", "Chi nhánh tạo", "Loại khách", "Công ty", "Mã số thuế", "Số CMND/CCCD", "Facebook",
        "Trạng thái", "Tổng chi tiêu", "Số đơn hàng", "Công nợ", "Mã số thuế", "Fax", "Website",
    )},
    "purchases": {header_key(h) for h in ("Người bán", "Người tạo", "Ghi chú", "Khách đã trả")},
}

# Keyword fallbacks (substring of the folded header) for columns no synonym matched.
_CONTAINS = {
    "customers": (("dien thoai", "phone"), ("sdt", "phone"), ("mobile", "phone"), ("phone", "phone"),
                  ("ngay sinh", "birth_date"), ("gioi tinh", "gender"), ("email", "email"),
                  ("dia chi", "address"), ("tinh thanh", "province"), ("ho ten", "name"), ("ho va ten", "name"),
                  ("ten khach", "name")),
    "purchases": (("ma hoa don", "invoice_code"), ("ma don", "invoice_code"), ("dien thoai", "phone"),
                  ("sdt", "phone"), ("phone", "phone"), ("thoi gian", "purchased_at"), ("ngay tao", "purchased_at"),
                  ("can tra", "amount"), ("trang thai", "status"), ("ma khach", "customer_code"),
                  ("ten khach", "customer_name"), ("kenh", "channel"), ("nhom hang", "category")),
}


@dataclass(frozen=True)
class Preset:
    id: str
    kind: str
    label: str
    source: str  # purchase.source for invoices imported with it
    columns: dict[str, str | None]  # header_key -> field (None: ignore)
    signature: tuple[str, ...]  # header_keys that identify the export
    min_hits: int


def _preset(pid, kind, label, source, columns: dict[str, str | None], signature, min_hits) -> Preset:
    return Preset(pid, kind, label, source, {header_key(k): v for k, v in columns.items()},
                  tuple(header_key(s) for s in signature), min_hits)


PRESETS: list[Preset] = [
    _preset("kiotviet_customers", "customers", "KiotViet – Danh sách khách hàng", "kiotviet", {
        "Loại khách": None, "Chi nhánh tạo": None, "Mã khách hàng": "code", "Tên khách hàng": "name",
        "Điện thoại": "phone", "Địa chỉ": "address", "Khu vực giao hàng": "area", "Khu vực": "area",
        "Phường/Xã": "ward", "Công ty": None, "Mã số thuế": None, "Số CMND/CCCD": None, "Ngày sinh": "birth_date",
        "Giới tính": "gender", "Email": "email", "Facebook": None, "Nhóm khách hàng": "tags", "Ghi chú": "note",
        "Điểm hiện tại": "points", "Tổng điểm": None, "Người tạo": None, "Ngày tạo": "created_at",
        "Ngày giao dịch cuối": None, "Nợ cần thu hiện tại": None, "Tổng bán": None,
        "Tổng bán trừ trả hàng": None, "Trạng thái": None,
    }, ("Mã khách hàng", "Tên khách hàng", "Điện thoại", "Khu vực giao hàng", "Điểm hiện tại", "Tổng bán trừ trả hàng",
        "Nợ cần thu hiện tại", "Loại khách", "Chi nhánh tạo"), 5),
    _preset("kiotviet_invoices", "purchases", "KiotViet – Hóa đơn", "kiotviet", {
        "Chi nhánh": "branch", "Mã hóa đơn": "invoice_code", "Thời gian": "purchased_at",
        "Thời gian tạo": "purchased_at", "Mã khách hàng": "customer_code", "Tên khách hàng": "customer_name",
        "Điện thoại": "phone", "Người bán": None, "Người tạo": None, "Kênh bán": "channel", "Nhóm hàng": "category",
        "Ghi chú": None, "Tổng tiền hàng": "goods_total", "Giảm giá hóa đơn": "discount", "Giảm giá": "discount",
        "Khách cần trả": "amount", "Khách đã trả": "paid", "Trạng thái": "status", "Mã hàng": None,
        "Tên hàng": None, "Số lượng": None, "Đơn giá": None, "Thành tiền": "line_amount", "Mã đặt hàng": None,
        "Mã trả hàng": None, "Địa chỉ": None, "Khu vực": None, "Phường/Xã": None, "Bảng giá": None,
    }, ("Mã hóa đơn", "Khách cần trả", "Khách đã trả", "Tổng tiền hàng", "Giảm giá hóa đơn", "Kênh bán", "Người bán",
        "Chi nhánh", "Thời gian"), 4),
    _preset("sapo_customers", "customers", "Sapo – Khách hàng", "sapo", {
        "Mã khách hàng": "code", "Tên khách hàng": "name", "Số điện thoại": "phone", "Email": "email",
        "Ngày sinh": "birth_date", "Giới tính": "gender", "Địa chỉ": "address", "Tỉnh/Thành phố": "province",
        "Quận/Huyện": "district", "Phường/Xã": "ward", "Nhóm khách hàng": "tags", "Ghi chú": "note",
        "Tổng chi tiêu": None, "Ngày tạo": "created_at", "Điểm hiện tại": "points", "Điểm tích lũy": "points",
        "Hạng thẻ": None, "Công nợ": None, "Số đơn hàng": None, "Mã số thuế": None, "Website": None, "Fax": None,
        "Trạng thái": None, "Nhân viên phụ trách": None, "Mô tả": "note", "Tổng SL đơn hàng": None,
        "Ngày mua cuối cùng": None, "Tổng SL sản phẩm đã mua": None, "Tổng SL sản phẩm hoàn trả": None,
        "Nhãn": "tags", "Tags": "tags", "Chính sách giá mặc định": None, "Chiết khấu mặc định": None,
        "Phương thức thanh toán mặc định": None,
    }, ("Mã khách hàng", "Tên khách hàng", "Số điện thoại", "Tỉnh/Thành phố", "Quận/Huyện", "Phường/Xã",
        "Nhóm khách hàng", "Tổng chi tiêu", "Công nợ", "Nhân viên phụ trách"), 6),
    _preset("sapo_orders", "purchases", "Sapo – Đơn hàng", "sapo", {
        "Mã đơn hàng": "invoice_code", "Ngày tạo đơn": "purchased_at", "Ngày đặt hàng": "purchased_at",
        "Ngày tạo": "purchased_at", "Trạng thái đơn hàng": "status", "Trạng thái": "status",
        "Kênh bán hàng": "channel", "Nguồn bán hàng": "channel", "Nguồn đơn hàng": "channel",
        "Tên khách hàng": "customer_name", "Mã khách hàng": "customer_code", "Số điện thoại": "phone",
        "SĐT khách hàng": "phone", "Số điện thoại khách hàng": "phone", "Email": None,
        "Tổng tiền": "amount", "Khách phải trả": "amount", "Tổng tiền hàng": "goods_total", "Chiết khấu": "discount",
        "Chiết khấu đơn hàng": "discount", "Phí giao hàng": None, "Chi nhánh": "branch", "Cửa hàng": "branch",
        "Trạng thái thanh toán": None, "Trạng thái giao hàng": None, "Trạng thái xử lý": None,
        "Tên sản phẩm": None, "Mã SKU": None, "Số lượng": None, "Đơn giá": None, "Thành tiền": "line_amount",
        "Loại sản phẩm": "category", "Danh mục": "category", "Nhân viên tạo đơn": None, "Nhân viên bán hàng": None,
        "Ghi chú": None, "Địa chỉ giao hàng": None, "Ngày hoàn thành": None, "Ngày hủy": None,
    }, ("Mã đơn hàng", "Ngày tạo đơn", "Ngày đặt hàng", "Trạng thái đơn hàng", "Kênh bán hàng", "Nguồn bán hàng",
        "Trạng thái thanh toán", "Trạng thái giao hàng", "Phí giao hàng", "Khách phải trả"), 4),
]
PRESETS_BY_ID = {p.id: p for p in PRESETS}


def _cell_text(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v).strip()


def header_score(row: list[Any], kind: str, extra: set[str] | frozenset = frozenset()) -> int:
    """How many cells of ``row`` look like a known header of this kind (or one of ``extra``)."""
    table = _SYNONYMS[kind]
    hits = 0
    for v in row:
        if not isinstance(v, str) or not v.strip():
            continue
        key = header_key(v)
        if key in table or key in extra or any(p.columns.get(key, "x") != "x" for p in PRESETS if p.kind == kind):
            hits += 1
    return hits


def find_header_row(rows: list[list[Any]], kind: str, scan: int = 30, extra: set[str] | frozenset = frozenset()) -> int:
    """Index of the header row among the first ``scan`` rows: the row with the most known headers
    (title rows, blank rows and merged titles match few or none); ``extra`` are the (folded) headers of a
    user's mapping. Falls back to the first row with at least two text cells. Raises ``InvalidInput``
    when the file has no row at all."""
    best, best_hits = -1, 0
    for i, row in enumerate(rows[:scan]):
        hits = header_score(row, kind, extra)
        if hits > best_hits:
            best, best_hits = i, hits
    if best >= 0 and best_hits >= 1:
        return best
    for i, row in enumerate(rows[:scan]):
        texts = [v for v in row if isinstance(v, str) and v.strip()]
        if len(texts) >= 2:
            return i
    for i, row in enumerate(rows[:scan]):
        if any(_cell_text(v) for v in row):
            return i
    raise InvalidInput("The sheet has no rows.", vi="Trang tính không có dòng nào.")


def detect_preset(headers: list[str], kind: str) -> Preset | None:
    keys = {header_key(h) for h in headers if h}
    best, best_hits = None, 0
    for p in PRESETS:
        if p.kind != kind:
            continue
        hits = sum(1 for s in p.signature if s in keys)
        if hits >= p.min_hits and hits > best_hits:
            best, best_hits = p, hits
    return best


def propose_mapping(headers: list[str], kind: str, preset: Preset | None = None) -> dict[int, str]:
    """Map column index → field for these headers: preset columns first, then synonyms, then keywords.
    Each field goes to the first column that claims it."""
    if kind not in FIELDS_BY_KIND:
        raise InvalidInput(f"Unknown import kind {kind!r}: use customers or purchases.",
                           vi=f"Loại dữ liệu nhập {kind!r} không hợp lệ: dùng customers (khách hàng) "
                           "hoặc purchases (đơn mua hàng).")
    table = _SYNONYMS[kind]
    mapping: dict[int, str] = {}
    used: set[str] = set()
    decided: set[int] = set()
    keys = [header_key(h) for h in headers]
    if preset is not None:
        for i, key in enumerate(keys):
            if key in preset.columns:
                decided.add(i)
                target = preset.columns[key]
                if target and target not in used:
                    mapping[i] = target
                    used.add(target)
    for i, key in enumerate(keys):
        if i in decided or not key or key in _NOT[kind]:
            continue
        target = table.get(key)
        if target and target not in used:
            mapping[i] = target
            used.add(target)
            decided.add(i)
    for i, key in enumerate(keys):
        if i in decided or not key or key in _NOT[kind]:
            continue
        for needle, target in _CONTAINS[kind]:
            if needle in f" {key} " or needle in key:
                if target not in used:
                    mapping[i] = target
                    used.add(target)
                break
    return mapping


def header_signature(headers: list[str]) -> str:
    return "|".join(header_key(h) for h in headers)


# ---- saved mappings ---------------------------------------------------------------------------

def mapping_to_json(headers: list[str], mapping: dict[int, str], kind: str, name: str = "") -> dict:
    return {
        "version": 1,
        "kind": kind,
        "name": name,
        "columns": {str(h): mapping.get(i) for i, h in enumerate(headers) if str(h).strip()},
    }


def mapping_from_json(obj: Any, headers: list[str], kind: str) -> dict[int, str]:
    """Apply a saved mapping to these headers. Accepts ``{"columns": {header: field|null}}`` or a bare
    ``{header: field}``; headers match accent/case-insensitively; a column letter ("C") or 1-based
    number also works. Unknown field ids raise ``InvalidInput``."""
    if not isinstance(obj, dict):
        raise InvalidInput("A mapping must be a JSON object {\"columns\": {\"Header\": \"field\"}}.",
                           vi="Cách ghép cột phải là một đối tượng JSON {\"columns\": {\"Tiêu đề\": \"trường\"}}.")
    columns = obj.get("columns", obj if "version" not in obj else None)
    if not isinstance(columns, dict):
        raise InvalidInput("The mapping has no \"columns\" object.", vi="Cách ghép cột không có mục \"columns\".")
    if obj.get("kind") and obj["kind"] != kind:
        raise InvalidInput(f"This mapping is for {obj['kind']}, not {kind}.",
                           vi=f"Cách ghép cột này dành cho {obj['kind']}, không phải {kind}.")
    fields = FIELDS_BY_KIND[kind]
    keys = [header_key(h) for h in headers]
    mapping: dict[int, str] = {}
    for header, target in columns.items():
        if target in (None, "", "ignore"):
            continue
        if target not in fields:
            raise InvalidInput(
                f"Unknown field {target!r} for column {header!r}; use one of: {', '.join(sorted(fields))}.",
                vi=f"Trường {target!r} của cột {header!r} không hợp lệ; hãy dùng một trong: "
                f"{', '.join(sorted(fields))}.",
            )
        index = _column_index(str(header), keys)
        if index is None:
            continue  # that column is not in this file
        mapping[index] = target
    return mapping


def _column_index(header: str, keys: list[str]) -> int | None:
    key = header_key(header)
    if key in keys:
        return keys.index(key)
    if re.fullmatch(r"[A-Za-z]{1,2}", header.strip()):
        n = 0
        for ch in header.strip().upper():
            n = n * 26 + (ord(ch) - 64)
        return n - 1 if n - 1 < len(keys) else None
    if header.strip().isdigit():
        n = int(header.strip()) - 1
        return n if 0 <= n < len(keys) else None
    return None


def load_mapping_file(path: str | Path) -> dict:
    try:
        return json.loads(Path(path).read_text(encoding="utf-8-sig"))
    except FileNotFoundError as exc:
        raise InvalidInput(f"Mapping file not found: {path}", vi=f"Không tìm thấy tệp ghép cột: {path}") from exc
    except (OSError, ValueError) as exc:
        raise InvalidInput(f"The mapping file {path} is not valid JSON: {exc}",
                           vi=f"Tệp ghép cột {path} không phải JSON hợp lệ: {exc}") from exc


SETTING_KEY = "import_mappings"


def saved_mappings(conn) -> dict[str, dict]:
    """Mappings saved in the settings table: {header signature: mapping JSON}."""
    from loyalty_desktop.settings import get_setting

    value = get_setting(conn, SETTING_KEY)
    return value if isinstance(value, dict) else {}


def save_mapping(conn, headers: list[str], mapping: dict[int, str], kind: str, name: str = "") -> None:
    from loyalty_desktop.settings import set_setting

    all_maps = dict(saved_mappings(conn))
    all_maps[f"{kind}:{header_signature(headers)}"] = mapping_to_json(headers, mapping, kind, name)
    set_setting(conn, SETTING_KEY, all_maps)


def find_saved_mapping(conn, headers: list[str], kind: str) -> dict | None:
    return saved_mappings(conn).get(f"{kind}:{header_signature(headers)}")


@dataclass
class ColumnPlan:
    """Header row + mapping for one sheet."""

    header_index: int
    headers: list[str]
    mapping: dict[int, str]
    preset: Preset | None = None
    source: str = "import"
    ignored: list[str] = field(default_factory=list)

    def column_of(self, field_id: str) -> int | None:
        for i, f in self.mapping.items():
            if f == field_id:
                return i
        return None
