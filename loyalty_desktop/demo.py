"""Realistic Vietnamese demo data: customers, tags, purchases over three years, stats.

``generate_demo(db, customers, purchases, seed)`` fills an *empty* SQLite database. The same seed and
the same ``today`` give the same data. It is built for size: 1,000,000 customers and 10,000,000
purchases in a few minutes on two cores. How:

* one write transaction on a raw sqlite3 connection (``executemany`` of plain tuples), with
  ``synchronous=OFF``, ``journal_mode=MEMORY`` and foreign-key checks off during the load (the data is
  consistent by construction); cancelling rolls everything back;
* secondary indexes are dropped before the load and recreated afterwards from their own stored SQL,
  so names and definitions stay exactly those of the models/migrations;
* rows are generated in chronological order (purchase ids and invoice codes follow time) with
  ``random.Random`` only; customers are chosen by bisecting cumulative Pareto weights;
* ``customer_stats``, tiers and RFM come from :mod:`loyalty_desktop.stats` in the same transaction,
  then ``ANALYZE`` and back to WAL.

Distributions (names, carriers, provinces by population, categories, channels, spend) are written
out below as weights so they can be read and adjusted.
"""

from __future__ import annotations

import bisect
import math
import random
import sqlite3
import time as _time
import unicodedata
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Callable

from loyalty_desktop import sqlite_bulk
from loyalty_desktop.errors import Cancelled, UserError

ProgressFn = Callable[[float, str], None]
CancelledFn = Callable[[], bool]

SOURCE = "demo"
YEARS = 3

# --- names ---------------------------------------------------------------------------------------
# Share of the population (%), from published surname statistics (Nguyễn set so that it ends
# at ≈ 38 % once the short list is normalised).
SURNAMES = [
    ("Nguyễn", 36.8), ("Trần", 11.0), ("Lê", 9.5), ("Phạm", 7.0), ("Hoàng", 3.4), ("Huỳnh", 2.1),
    ("Phan", 4.5), ("Vũ", 2.6), ("Võ", 1.8), ("Đặng", 2.1), ("Bùi", 2.0), ("Đỗ", 1.4), ("Hồ", 1.3),
    ("Ngô", 1.3), ("Dương", 1.0), ("Lý", 0.5), ("Đinh", 0.7), ("Trương", 0.6), ("Lâm", 0.4),
    ("Mai", 0.4), ("Trịnh", 0.4), ("Đoàn", 0.4), ("Cao", 0.3), ("Lương", 0.3), ("Tạ", 0.2),
    ("Châu", 0.2), ("Tô", 0.2), ("Hà", 0.3), ("Kiều", 0.1), ("Quách", 0.1), ("Văn", 0.1),
]
MIDDLE_MALE = [("Văn", 30), ("Hữu", 8), ("Đức", 10), ("Minh", 12), ("Quốc", 8), ("Thành", 6),
               ("Công", 5), ("Gia", 5), ("Hoàng", 5), ("Xuân", 4), ("Anh", 4), ("Tuấn", 3), ("Nhật", 3),
               ("Bảo", 3), ("Trung", 3)]
MIDDLE_FEMALE = [("Thị", 38), ("Ngọc", 12), ("Thu", 6), ("Thanh", 7), ("Kim", 5), ("Phương", 4),
                 ("Bảo", 4), ("Mỹ", 4), ("Hồng", 4), ("Khánh", 3), ("Minh", 4), ("Hoài", 2),
                 ("Quỳnh", 2), ("Thùy", 3), ("Diệu", 2)]
GIVEN_MALE = ["Anh", "Hùng", "Dũng", "Tuấn", "Minh", "Nam", "Long", "Hải", "Sơn", "Phong", "Quang",
              "Khoa", "Huy", "Bảo", "Đức", "Thắng", "Trung", "Hiếu", "Tâm", "Khang", "Phúc", "Thịnh",
              "Vinh", "Hoàng", "Duy", "Toàn", "Tài", "Lộc", "Kiên", "Cường", "Thành", "Đạt", "Nghĩa",
              "Tùng", "Việt", "Hưng", "Quân", "Khánh", "Nhân", "Tín", "Bình", "Hòa", "Lâm", "Phát",
              "Thiện", "Vũ", "Trí", "Đông", "Hậu", "Sang"]
GIVEN_FEMALE = ["Lan", "Hương", "Hoa", "Mai", "Linh", "Trang", "Thảo", "Ngọc", "Hà", "Nhung", "Hằng",
                "Yến", "Vy", "Anh", "Nhi", "Trâm", "Uyên", "Như", "Hạnh", "Thủy", "Loan", "Phương",
                "Quỳnh", "Thư", "Hiền", "Diệp", "Giang", "Tuyết", "Oanh", "Duyên", "My", "Vân", "Châu",
                "Ly", "Thu", "Huyền", "Trinh", "Tiên", "Hồng", "Dung", "Ngân", "Nga", "Chi", "Trúc",
                "Hân", "Tú", "Xuân", "Diễm", "Ánh", "Kiều"]
# A second given-name part ("Nguyễn Ngọc Bảo Anh") for some younger customers.
COMPOUND_FEMALE = ["Bảo", "Khánh", "Minh", "Gia", "Ngọc", "Phương", "Thảo", "Tường"]
COMPOUND_MALE = ["Gia", "Minh", "Bảo", "Đăng", "Quang", "Anh", "Thiên"]

GENDERS = [("female", 62), ("male", 31), ("unknown", 7)]

# --- phones ----------------------------------------------------------------------------------------
# (national prefix, share %) — current prefixes of the carriers, weighted by subscriber share.
MOBILE_PREFIXES = (
    [(p, 54 / 11) for p in ("086", "096", "097", "098", "032", "033", "034", "035", "036", "037", "038", "039")][:11]
    + [(p, 26 / 8) for p in ("088", "091", "094", "081", "082", "083", "084", "085")]
    + [(p, 17 / 7) for p in ("090", "093", "070", "076", "077", "078", "079")]
    # Only part of the 089 and 099 ranges is allocated (0896–0899, 099x except 0992): a demo phone must be
    # a number the importer accepts.
    + [(p, 17 / 7 / 4) for p in ("0896", "0897", "0898", "0899")]
    + [(p, 2 / 3) for p in ("092", "056", "058")]
    + [(p, 1 / 2 / 9) for p in ("0990", "0991", "0993", "0994", "0995", "0996", "0997", "0998", "0999")]
    + [("059", 1 / 2)]
)
FIXED_SHARE = 0.015
# Area codes of fixed lines (national, without the leading 0) for the biggest cities.
FIXED_AREA = {"Hà Nội": "24", "Hồ Chí Minh": "28", "Đà Nẵng": "236", "Hải Phòng": "225", "Cần Thơ": "292"}

# --- geography -------------------------------------------------------------------------------------
# The 34 provinces since 1 July 2025: (name, region, population in millions, names before the merger).
# Shop customers are more urban than the population: the two big cities get an extra weight.
PROVINCE_TABLE = [
    ("Hồ Chí Minh", "south", 14.0 * 1.6, ["Hồ Chí Minh", "Bình Dương", "Bà Rịa - Vũng Tàu"]),
    ("Hà Nội", "north", 8.7 * 1.5, ["Hà Nội"]),
    ("Hải Phòng", "north", 4.7, ["Hải Phòng", "Hải Dương"]),
    ("Đồng Nai", "south", 4.5, ["Đồng Nai", "Bình Phước"]),
    ("An Giang", "south", 4.9, ["An Giang", "Kiên Giang"]),
    ("Ninh Bình", "north", 4.4, ["Ninh Bình", "Hà Nam", "Nam Định"]),
    ("Đồng Tháp", "south", 4.4, ["Đồng Tháp", "Tiền Giang"]),
    ("Thanh Hóa", "central", 4.3, ["Thanh Hóa"]),
    ("Vĩnh Long", "south", 4.3, ["Vĩnh Long", "Bến Tre", "Trà Vinh"]),
    ("Cần Thơ", "south", 4.2, ["Cần Thơ", "Sóc Trăng", "Hậu Giang"]),
    ("Phú Thọ", "north", 4.0, ["Phú Thọ", "Vĩnh Phúc", "Hòa Bình"]),
    ("Lâm Đồng", "central", 3.9, ["Lâm Đồng", "Đắk Nông", "Bình Thuận"]),
    ("Nghệ An", "central", 3.8, ["Nghệ An"]),
    ("Bắc Ninh", "north", 3.6, ["Bắc Ninh", "Bắc Giang"]),
    ("Hưng Yên", "north", 3.6, ["Hưng Yên", "Thái Bình"]),
    ("Gia Lai", "central", 3.6, ["Gia Lai", "Bình Định"]),
    ("Tây Ninh", "south", 3.3, ["Tây Ninh", "Long An"]),
    ("Đắk Lắk", "central", 3.3, ["Đắk Lắk", "Phú Yên"]),
    ("Đà Nẵng", "central", 3.1, ["Đà Nẵng", "Quảng Nam"]),
    ("Cà Mau", "south", 2.6, ["Cà Mau", "Bạc Liêu"]),
    ("Khánh Hòa", "central", 2.2, ["Khánh Hòa", "Ninh Thuận"]),
    ("Quảng Ngãi", "central", 2.2, ["Quảng Ngãi", "Kon Tum"]),
    ("Quảng Trị", "central", 1.9, ["Quảng Trị", "Quảng Bình"]),
    ("Tuyên Quang", "north", 1.9, ["Tuyên Quang", "Hà Giang"]),
    ("Thái Nguyên", "north", 1.8, ["Thái Nguyên", "Bắc Kạn"]),
    ("Lào Cai", "north", 1.8, ["Lào Cai", "Yên Bái"]),
    ("Hà Tĩnh", "central", 1.6, ["Hà Tĩnh"]),
    ("Huế", "central", 1.4, ["Thừa Thiên Huế"]),
    ("Quảng Ninh", "north", 1.4, ["Quảng Ninh"]),
    ("Sơn La", "north", 1.3, ["Sơn La"]),
    ("Lạng Sơn", "north", 0.8, ["Lạng Sơn"]),
    ("Điện Biên", "north", 0.65, ["Điện Biên"]),
    ("Cao Bằng", "north", 0.55, ["Cao Bằng"]),
    ("Lai Châu", "north", 0.48, ["Lai Châu"]),
]
UNKNOWN_PROVINCE_SHARE = 0.05
STREETS = ["Lê Lợi", "Nguyễn Huệ", "Trần Hưng Đạo", "Hai Bà Trưng", "Lý Thường Kiệt", "Quang Trung",
           "Nguyễn Trãi", "Lê Duẩn", "Điện Biên Phủ", "Cách Mạng Tháng 8", "Nguyễn Văn Cừ", "Phan Chu Trinh",
           "Hùng Vương", "Võ Văn Tần", "Nguyễn Thị Minh Khai", "Lê Lai", "Bà Triệu", "Trần Phú",
           "Ngô Quyền", "Phạm Văn Đồng", "Võ Nguyên Giáp", "Nguyễn Du", "Lạc Long Quân", "Tôn Đức Thắng",
           "Hoàng Văn Thụ", "Nguyễn Đình Chiểu", "Pasteur", "Lê Văn Sỹ", "Xô Viết Nghệ Tĩnh", "Kim Mã"]
WARD_NAMES = ["Bến Nghé", "Bến Thành", "Tân Định", "Đa Kao", "Phú Mỹ", "Hiệp Phú", "Thảo Điền",
              "Cầu Giấy", "Dịch Vọng", "Láng Thượng", "Hoàn Kiếm", "Ba Đình", "Hải Châu", "Thạch Thang",
              "An Hòa", "Tân Phong", "Phước Long", "Vĩnh Ninh", "Tân An", "Trung Tâm"]

# --- purchases -------------------------------------------------------------------------------------
# (category, weight, median basket in đồng, share of women among buyers)
CATEGORIES = [
    ("Mỹ phẩm", 22, 350_000, 0.85), ("Chăm sóc da", 16, 450_000, 0.8), ("Thời trang nữ", 16, 420_000, 0.97),
    ("Thời trang nam", 8, 480_000, 0.1), ("Giày dép", 8, 650_000, 0.6), ("Phụ kiện", 9, 160_000, 0.75),
    ("Mẹ và bé", 8, 320_000, 0.85), ("Thực phẩm chức năng", 7, 750_000, 0.6), ("Nước hoa", 4, 1_200_000, 0.7),
    ("Chăm sóc tóc", 5, 250_000, 0.75),
]
CHANNELS = [("Bán trực tiếp", 40), ("Facebook", 18), ("Zalo", 12), ("Shopee", 12), ("Lazada", 4),
            ("TikTok Shop", 9), ("Website", 5)]
BRANCHES = {
    "south": ["Chi nhánh Quận 1", "Chi nhánh Quận 3", "Chi nhánh Thủ Đức", "Chi nhánh Cần Thơ"],
    "north": ["Chi nhánh Cầu Giấy", "Chi nhánh Hoàn Kiếm"],
    "central": ["Chi nhánh Đà Nẵng"],
}
ONLINE_BRANCH = "Kho online"
WALK_IN_SHARE = 0.04
CANCELLED_SHARE = 0.02
DISCOUNT_SHARE = 0.12
NEVER_BUY_SHARE = 0.12  # registered, then never came back (they may still have their first order)
FIRST_PURCHASE_SHARE = 0.85  # customers registered at their first purchase
PARETO_ALPHA = 1.25
PARETO_CAP = 60.0

# --- tags ------------------------------------------------------------------------------------------
TIER_GROUP = "Hạng thành viên"
TIER_TAG_PREFIX = "Thành viên "
TAG_GROUPS = [TIER_GROUP, "Loại khách", "Kênh liên hệ", "Chăm sóc"]
# (name, group, color, base probability) — probability per customer; VIP/wholesale follow spend.
TAGS = [
    ("VIP", "Loại khách", "#D4A017", 0.0),
    ("Khách sỉ", "Loại khách", "#8E44AD", 0.0),
    ("Đại lý", "Loại khách", "#6C3483", 0.004),
    ("Nhân viên", "Loại khách", "#7F8C8D", 0.002),
    ("Facebook", "Kênh liên hệ", "#1877F2", 0.22),
    ("Zalo", "Kênh liên hệ", "#0068FF", 0.30),
    ("Quan tâm khuyến mãi", "Chăm sóc", "#E67E22", 0.14),
    ("Đã nhận quà sinh nhật", "Chăm sóc", "#E84393", 0.07),
    ("Khiếu nại", "Chăm sóc", "#C0392B", 0.01),
    ("Thành viên Bạc", TIER_GROUP, "#95A5A6", 0.0),
    ("Thành viên Vàng", TIER_GROUP, "#F1C40F", 0.0),
    ("Thành viên Kim cương", TIER_GROUP, "#00BCD4", 0.0),
]
OPT_OUT_SHARE = 0.03
EMAIL_SHARE = 0.3
EMAIL_DOMAINS = [("gmail.com", 82), ("yahoo.com", 8), ("icloud.com", 5), ("outlook.com", 5)]
NOTES = ["Khách quen, thích hàng mới về", "Gọi trước khi giao", "Da nhạy cảm", "Chỉ nhận hàng buổi tối",
         "Hay mua quà tặng", "Giao hàng tại công ty"]

# Lunar new year (Tết) days; the two weeks before are the busiest of the year.
TET = {2022: date(2022, 2, 1), 2023: date(2023, 1, 22), 2024: date(2024, 2, 10), 2025: date(2025, 1, 29),
       2026: date(2026, 2, 17), 2027: date(2027, 2, 6), 2028: date(2028, 1, 26), 2029: date(2029, 2, 13),
       2030: date(2030, 2, 3)}
SALE_DAYS = {(2, 14), (3, 8), (10, 20), (11, 11), (12, 12), (9, 9), (12, 24)}

SHOP_OPEN = 8 * 3600
SHOP_CLOSE = 22 * 3600


@dataclass
class DemoResult:
    customers: int
    purchases: int
    customer_tags: int
    tags: int
    seconds: float
    phases: dict[str, float] = field(default_factory=dict)
    later_indexes: list = field(default_factory=list, repr=False)


# ---------------------------------------------------------------------------------------------------
def _fold_fallback(s: str) -> str:
    s = unicodedata.normalize("NFD", s.lower()).replace("đ", "d")
    s = "".join(ch for ch in s if unicodedata.category(ch) != "Mn")
    return " ".join(s.split())


def _fold_fn() -> Callable[[str], str]:
    try:
        from loyalty_desktop.vn.text import fold
    except ImportError:
        return _fold_fallback
    return fold


def _provinces() -> list[tuple[str, str, float, list[str]]]:
    """Province table with names and regions as ``vn.provinces`` spells them (when present)."""
    try:
        from loyalty_desktop.vn.provinces import PROVINCES
    except ImportError:
        return PROVINCE_TABLE
    by_fold = {}
    for name, region in PROVINCES.items():
        key = _fold_fallback(name)
        for prefix in ("thanh pho ", "tp. ", "tp ", "tinh "):
            if key.startswith(prefix):
                key = key[len(prefix):]
        by_fold[key] = (name, region)
    out = []
    for name, region, pop, old in PROVINCE_TABLE:
        key = _fold_fallback(name)
        if key == "ho chi minh" and key not in by_fold:
            key = next((k for k in by_fold if "ho chi minh" in k), key)
        if key == "hue" and key not in by_fold:
            key = next((k for k in by_fold if k.endswith("hue")), key)
        cur, reg = by_fold.get(key, (name, region))
        out.append((cur, reg, pop, old))
    return out


def _cum(weights) -> list[float]:
    out, total = [], 0.0
    for w in weights:
        total += w
        out.append(total)
    return out


def _picker(rng: random.Random, items: list, weights: list[float]) -> Callable[[], object]:
    cum = _cum(weights)
    total = cum[-1]
    rnd = rng.random
    br = bisect.bisect_right
    n = len(items) - 1

    def pick():
        i = br(cum, rnd() * total)
        return items[i if i <= n else n]

    return pick


def _day_factor(d: date) -> float:
    f = (1.0, 0.95, 0.95, 1.0, 1.1, 1.3, 1.35)[d.weekday()]
    for t in (TET.get(d.year), TET.get(d.year + 1)):
        if t is None:
            continue
        delta = (t - d).days
        if 1 <= delta <= 14:
            f *= 1.7
        elif -3 <= delta <= 0:
            f *= 0.3
    if (d.month, d.day) in SALE_DAYS:
        f *= 1.9
    if d.month == 11 and d.weekday() == 4 and 23 <= d.day <= 29:  # Black Friday
        f *= 1.6
    return f


_TOD: list[str] = []


def _tod(secs: int) -> str:
    """" HH:MM:SS.000000" (SQLAlchemy's SQLite DateTime format), cached for every second of a day."""
    if not _TOD:
        _TOD.extend(f" {h:02d}:{m:02d}:{s:02d}.000000" for h in range(24) for m in range(60) for s in range(60))
    return _TOD[secs]


def _dt(day_str: str, secs: int) -> str:
    return day_str + _tod(secs)


def _lognormal_table(rng: random.Random, sigma: float, size: int = 8192) -> list[float]:
    """Quantiles of a lognormal(0, sigma): sampling an index is much cheaper than lognormvariate."""
    from statistics import NormalDist

    nd = NormalDist(0.0, sigma)
    return [math.exp(nd.inv_cdf((i + 0.5) / size)) for i in range(size)]


# ---------------------------------------------------------------------------------------------------
class _Plan:
    """Everything that is decided per customer and needed again when purchases are generated."""

    def __init__(self, n: int):
        self.created_secs: list[int] = []  # seconds since start (day*86400 + time of day)
        self.cum_weight: list[float] = []
        self.fav_cat: list[int] = []
        self.pref_channel: list[int] = []
        self.basket: list[float] = []
        self.branch: list[str] = []
        self.first_purchase: list[bool] = []


def _customer_rows(rng: random.Random, n: int, start: date, days: int, plan: _Plan, fold,
                   provinces):
    """Yield customer tuples (in id order, ids 1..n) and fill ``plan``. Also returns tag picks."""
    pick_gender = _picker(rng, [g for g, _ in GENDERS], [w for _, w in GENDERS])
    pick_surname = _picker(rng, [s for s, _ in SURNAMES], [w for _, w in SURNAMES])
    pick_mid_m = _picker(rng, [s for s, _ in MIDDLE_MALE], [w for _, w in MIDDLE_MALE])
    pick_mid_f = _picker(rng, [s for s, _ in MIDDLE_FEMALE], [w for _, w in MIDDLE_FEMALE])
    pick_prefix = _picker(rng, [p for p, _ in MOBILE_PREFIXES], [w for _, w in MOBILE_PREFIXES])
    pick_prov = _picker(rng, list(range(len(provinces))), [p[2] for p in provinces])
    pick_domain = _picker(rng, [d for d, _ in EMAIL_DOMAINS], [w for _, w in EMAIL_DOMAINS])
    cat_f = _picker(rng, list(range(len(CATEGORIES))), [c[1] * c[3] for c in CATEGORIES])
    cat_m = _picker(rng, list(range(len(CATEGORIES))), [c[1] * (1 - c[3]) for c in CATEGORIES])
    pick_channel = _picker(rng, list(range(len(CHANNELS))), [w for _, w in CHANNELS])
    rnd, rint, choice = rng.random, rng.randrange, rng.choice
    gauss, pareto, lognorm = rng.gauss, rng.paretovariate, rng.lognormvariate

    # Join dates: growing over the three years (more recent customers), sorted so ids follow time.
    span_days = days
    stamps = sorted(
        int(span_days * (rnd() ** 0.8)) * 86400 + SHOP_OPEN + rint(SHOP_CLOSE - SHOP_OPEN) for _ in range(n)
    )
    day_strs = [(start + timedelta(days=i)).isoformat() for i in range(span_days + 1)]
    today_year = (start + timedelta(days=span_days)).year
    used_phones: set[str] = set()
    folded_cache: dict[str, str] = {}
    total_w = 0.0
    plan.created_secs = stamps
    cum_weight, fav_cat, pref_channel, basket, branch, first = (
        plan.cum_weight, plan.fav_cat, plan.pref_channel, plan.basket, plan.branch, plan.first_purchase)

    for i in range(n):
        cid = i + 1
        gender = pick_gender()
        female = gender == "female" or (gender == "unknown" and rnd() < 0.6)
        age = int(min(72, max(16, gauss(33, 11))))
        surname = pick_surname()
        if female:
            mid = pick_mid_f() if (age > 35 or rnd() < 0.7) else choice(("Ngọc", "Bảo", "Khánh", "Minh", "Gia"))
            given = choice(GIVEN_FEMALE)
            if age < 32 and rnd() < 0.15:
                given = choice(COMPOUND_FEMALE) + " " + given
        else:
            mid = pick_mid_m() if (age > 35 or rnd() < 0.7) else choice(("Minh", "Gia", "Quốc", "Đức", "Hoàng"))
            given = choice(GIVEN_MALE)
            if age < 32 and rnd() < 0.1:
                given = choice(COMPOUND_MALE) + " " + given
        if rnd() < 0.04:  # a few shops type only the given name and surname
            full_name = f"{surname} {given}"
        else:
            full_name = f"{surname} {mid} {given}"
        folded = folded_cache.get(full_name)
        if folded is None:
            folded = folded_cache[full_name] = fold(full_name)

        if rnd() < 0.12:
            birth = None
            birth_md = None
        else:
            year = today_year - age - (1 if rnd() < 0.5 else 0)
            doy = rint(365)
            bd = date(year, 1, 1) + timedelta(days=doy)
            birth = bd.isoformat()
            birth_md = bd.month * 100 + bd.day

        p_idx = None if rnd() < UNKNOWN_PROVINCE_SHARE else pick_prov()
        if p_idx is None:
            province = region = old_province = address = ward = None
        else:
            province, region, _, olds = provinces[p_idx]
            old_province = olds[0] if len(olds) == 1 else olds[int(len(olds) * rnd() ** 1.6)]
            ward = f"Phường {choice(WARD_NAMES)}" if rnd() < 0.6 else f"Xã {choice(WARD_NAMES)}"
            address = f"{rint(1, 400)} {choice(STREETS)}, {ward}, {old_province}"
            if rnd() < 0.5:
                address = f"{rint(1, 400)} {choice(STREETS)}, {ward}"

        # Phone: unique mobile (a few fixed lines).
        if rnd() < FIXED_SHARE:
            area = FIXED_AREA.get(province or "", "28" if region == "south" else "24")
            digits_needed = 10 - len(area)
            while True:
                # Subscriber numbers start with 3 (VNPT) or 6 (Viettel): valid in every area code.
                local = f"{choice('36')}{rint(10 ** (digits_needed - 1)):0{digits_needed - 1}d}"
                e164 = f"+84{area}{local}"
                if e164 not in used_phones:
                    break
            phone_type = "fixed"
            raw = f"0{area} {local}"
        else:
            while True:
                prefix = pick_prefix()
                width = 10 - len(prefix)
                national = f"{prefix}{rint(10 ** width):0{width}d}"
                e164 = f"+84{national[1:]}"
                if e164 not in used_phones:
                    break
            phone_type = "mobile"
            r = rnd()
            if r < 0.6:
                raw = national
            elif r < 0.8:
                raw = f"{national[:4]} {national[4:7]} {national[7:]}"
            elif r < 0.9:
                raw = f"84{national[1:]}"
            else:
                raw = f"{national[:3]}.{national[3:6]}.{national[6:]}"
        used_phones.add(e164)

        email = None
        if rnd() < EMAIL_SHARE:
            base = folded.replace(" ", "") if rnd() < 0.6 else folded.split(" ")[-1] + folded.split(" ")[0]
            suffix = str(today_year - age) if rnd() < 0.5 else str(rint(1, 999))
            email = f"{base}{suffix}@{pick_domain()}"

        note = choice(NOTES) if rnd() < 0.03 else None
        secs = stamps[i]
        created = _dt(day_strs[secs // 86400], secs % 86400)
        updated = created
        opt_out = 1 if rnd() < OPT_OUT_SHARE else 0

        # Behaviour plan.
        w = 0.0 if rnd() < NEVER_BUY_SHARE else min(PARETO_CAP, pareto(PARETO_ALPHA))
        total_w += w
        cum_weight.append(total_w)
        fav_cat.append(cat_f() if female else cat_m())
        pref_channel.append(pick_channel())
        basket.append(lognorm(0.0, 0.35) * (1.8 if w > 25 else 1.0))
        if region is None:
            branch.append(choice(BRANCHES["south"]))
        else:
            branch.append(choice(BRANCHES[region]))
        first.append(rnd() < FIRST_PURCHASE_SHARE)

        yield (cid, f"KH{cid:07d}", full_name, folded, e164, raw, None, phone_type, gender, birth, birth_md,
               email, address, ward, province, old_province, region, note, 0, None, opt_out, created, updated)


CUSTOMER_COLUMNS = ("id", "code", "full_name", "name_folded", "phone", "phone_raw", "phone_alt", "phone_type",
                    "gender", "birth_date", "birth_md", "email", "address", "ward", "province", "old_province",
                    "region", "note", "points", "tier", "sms_opt_out", "created_at", "updated_at")
PURCHASE_COLUMNS = ("customer_id", "source", "invoice_code", "purchased_at", "amount", "discount", "category",
                    "channel", "branch", "cancelled")


def _purchase_days(rng: random.Random, total: int, start: date, days: int, plan: _Plan):
    """Yield (day_index, list of purchase tuples) in chronological order; exactly ``total`` rows."""
    n = len(plan.cum_weight)
    created_day = [s // 86400 for s in plan.created_secs]
    first_flags = plan.first_purchase
    # First purchases happen at registration; scale them down when few purchases are asked for.
    first_share = min(1.0, 0.5 * total / n) if n else 0.0
    firsts_by_day: list[list[int]] = [[] for _ in range(days)]
    for i in range(n):
        if first_flags[i] and (first_share >= 1.0 or rng.random() < first_share):
            d = created_day[i]
            if d < days:
                firsts_by_day[d].append(i)
    n_first = sum(len(x) for x in firsts_by_day)
    if n_first > total:  # tiny totals: keep the earliest
        keep = total
        for lst in firsts_by_day:
            if len(lst) > keep:
                del lst[keep:]
            keep -= len(lst)
        n_first = total
    rest = total - n_first
    n_walk = int(round(rest * WALK_IN_SHARE)) if n else rest
    rest_customers = rest - n_walk

    # Daily volume ∝ seasonality × combined weight of customers who joined before that day.
    cum = plan.cum_weight
    factors, prefix = [], []
    for d in range(days):
        k = bisect.bisect_left(created_day, d)  # customers created before day d
        prefix.append(k)
        w = cum[k - 1] if k else 0.0
        factors.append(_day_factor(start + timedelta(days=d)) * w)
    walk_factors = [_day_factor(start + timedelta(days=d)) for d in range(days)]

    def allocate(count, weights):
        total_w = sum(weights)
        out, acc, prev = [], 0.0, 0
        if total_w <= 0 or count == 0:
            return [0] * len(weights)
        for w in weights:
            acc += w
            cur = int(round(acc * count / total_w))
            out.append(cur - prev)
            prev = cur
        return out

    per_day = allocate(rest_customers, factors)
    if sum(per_day) != rest_customers:  # no customer could buy yet: make them walk-ins
        n_walk += rest_customers - sum(per_day)
    walk_per_day = allocate(n_walk, walk_factors)

    cats = [c[0] for c in CATEGORIES]
    medians = [c[2] for c in CATEGORIES]
    pick_cat = _picker(rng, list(range(len(CATEGORIES))), [c[1] for c in CATEGORIES])
    chans = [c for c, _ in CHANNELS]
    pick_chan = _picker(rng, list(range(len(CHANNELS))), [w for _, w in CHANNELS])
    rnd = rng.random
    spread = _lognormal_table(rng, 0.6)
    n_spread = len(spread)
    _tod(0)  # fills the cache
    tod = _TOD
    br = bisect.bisect_right
    fav, pref, basket, home = plan.fav_cat, plan.pref_channel, plan.basket, plan.branch
    all_branches = [b for bs in BRANCHES.values() for b in bs]
    created_secs = plan.created_secs
    # Busier around lunch and in the evening.
    hour_w = [0 if h < 8 or h >= 22 else (1, 1.3, 1.6, 1.8, 1.5, 1.2, 1.2, 1.3, 1.5, 1.9, 2.2, 2.3, 1.9, 1.2)[h - 8]
              for h in range(24)]
    pick_hour = _picker(rng, list(range(24)), hour_w)
    seq = 0

    def row(cid, day_str, secs, ch_idx, cat_idx, mult, branch):
        nonlocal seq
        seq += 1
        gross = medians[cat_idx] * mult * spread[int(rnd() * n_spread)]
        if rnd() < 0.3:  # "199.000 ₫" prices
            gross = max(1, round(gross / 100_000)) * 100_000 - 1_000
        gross = max(10_000, int(gross / 1000 + 0.5) * 1000)
        discount = 0
        if rnd() < DISCOUNT_SHARE:
            discount = int(gross * (0.05 + 0.15 * rnd()) / 1000) * 1000
        return (cid, SOURCE, f"HD{seq:08d}", day_str + tod[secs], gross - discount, discount, cats[cat_idx],
                chans[ch_idx], branch, 1 if rnd() < CANCELLED_SHARE else 0)

    for d in range(days):
        day_str = (start + timedelta(days=d)).isoformat()
        items = []  # (secs, tuple-builder args)
        for i in firsts_by_day[d]:
            secs = created_secs[i] % 86400
            ch = pref[i]
            items.append((secs, i + 1, ch, fav[i], basket[i], home[i] if ch == 0 else ONLINE_BRANCH))
        k = prefix[d]
        count = per_day[d]
        if count and k:
            top = cum[k - 1]
            for _ in range(count):
                i = br(cum, rnd() * top, 0, k)
                if i >= k:
                    i = k - 1
                ch = pref[i] if rnd() < 0.7 else pick_chan()
                cat = fav[i] if rnd() < 0.55 else pick_cat()
                secs = pick_hour() * 3600 + int(rnd() * 3600)
                items.append((secs, i + 1, ch, cat, basket[i], home[i] if ch == 0 else ONLINE_BRANCH))
        for _ in range(walk_per_day[d]):
            secs = pick_hour() * 3600 + int(rnd() * 3600)
            items.append((secs, None, 0, pick_cat(), 1.0, all_branches[int(rnd() * len(all_branches))]))
        items.sort(key=lambda t: t[0])
        yield d, [row(cid, day_str, secs, ch, cat, mult, b) for secs, cid, ch, cat, mult, b in items]


# ---------------------------------------------------------------------------------------------------
_BULK_TABLES = ("customer", "purchase", "customer_stats", "customer_tag")


def _schema_objects(raw: sqlite3.Connection, kind: str) -> list[tuple[str, str, str]]:
    """(name, table, sql) of the indexes or triggers on the bulk-loaded tables (not automatic ones)."""
    rows = raw.execute(
        "SELECT name, tbl_name, sql FROM sqlite_master WHERE type = ? AND sql IS NOT NULL AND tbl_name IN (%s) "
        "ORDER BY name" % ",".join("?" * len(_BULK_TABLES)),
        (kind, *_BULK_TABLES),
    ).fetchall()
    return [(name, tbl, sql) for name, tbl, sql in rows]


def generate_demo(
    db,
    customers: int,
    purchases: int | None = None,
    seed: int = 1,
    progress: ProgressFn | None = None,
    cancelled: CancelledFn | None = None,
    today: date | None = None,
) -> DemoResult:
    """Fill an empty database with demo data. ``db`` is a ``Database`` or a location (path).

    Raises ``UserError`` if the database already has customers, ``Cancelled`` (everything rolled
    back) when ``cancelled()`` becomes true.
    """
    from loyalty_desktop.db import Database, open_database

    if customers is None or customers < 0:
        raise UserError("The number of customers must be 0 or more.", vi="Số khách hàng phải từ 0 trở lên.")
    if purchases is None:
        purchases = customers * 10
    if purchases < 0:
        raise UserError("The number of purchases must be 0 or more.", vi="Số đơn mua hàng phải từ 0 trở lên.")
    own_db = not isinstance(db, Database)
    database = open_database(db) if own_db else db
    try:
        if not database.is_sqlite:
            raise UserError("Demo data can only be generated into an SQLite database file.",
                            vi="Chỉ tạo được dữ liệu mẫu vào một tệp cơ sở dữ liệu SQLite.")
        return _generate(database, customers, purchases, seed, progress, cancelled, today or date.today())
    finally:
        if own_db:
            database.dispose()


def _generate(database, n_customers, n_purchases, seed, progress, cancelled, today) -> DemoResult:
    from sqlalchemy import create_engine
    from sqlalchemy.pool import StaticPool

    from loyalty_desktop import stats
    from loyalty_desktop.settings import get_setting

    t0 = _time.perf_counter()
    phases: dict[str, float] = {}
    last = [0.0]

    def report(fraction: float, text: str) -> None:
        last[0] = max(last[0], min(1.0, round(fraction, 4)))
        if progress is not None:
            progress(last[0], text)

    is_cancelled = cancelled or (lambda: False)

    def check():
        if is_cancelled():
            raise Cancelled()

    path = str(database.path)
    raw = sqlite3.connect(path, isolation_level=None, timeout=10, check_same_thread=False)
    try:
        existing = raw.execute("SELECT count(*) FROM customer").fetchone()[0]
        if existing:
            raise UserError(
                f"The database already has {existing:,} customers; demo data goes only into an empty "
                "database. Choose a new file, e.g. --db demo.db.",
                vi=f"Cơ sở dữ liệu đã có {format(existing, ',').replace(',', '.')} khách hàng; dữ liệu mẫu chỉ "
                "được tạo vào một cơ sở dữ liệu trống. Hãy chọn một tệp mới, ví dụ --db demo.db.",
            )
        if raw.execute("SELECT count(*) FROM purchase").fetchone()[0] or raw.execute(
            "SELECT count(*) FROM tag"
        ).fetchone()[0]:
            raise UserError("The database already has purchases or tags; demo data goes only into an empty database.",
                            vi="Cơ sở dữ liệu đã có đơn mua hàng hoặc thẻ; dữ liệu mẫu chỉ được tạo vào "
                            "một cơ sở dữ liệu trống.")
        database.engine.dispose()  # pooled connections would keep the file in WAL mode
        try:
            mode = raw.execute("PRAGMA journal_mode=MEMORY").fetchone()[0]
        except sqlite3.OperationalError:  # someone else is connected (the app): stay in WAL
            mode = "wal"
        raw.execute("PRAGMA synchronous=OFF")
        raw.execute("PRAGMA foreign_keys=OFF")
        raw.execute("PRAGMA cache_size=-262144")  # 256 MiB
        sqlite_bulk.use_parallel_sorts(raw)  # CREATE INDEX sorts on worker threads
        raw.execute("PRAGMA busy_timeout=10000")
        raw.set_progress_handler(lambda: 1 if is_cancelled() else 0, 200_000)
        engine = create_engine("sqlite://", creator=lambda: raw, poolclass=StaticPool)
        try:
            with engine.begin() as conn:
                raw.execute("BEGIN")
                result = _load(raw, conn, n_customers, n_purchases, seed, today, report, check, phases)
                t = _time.perf_counter()
                report(0.86, "Computing customer statistics")
                stats.refresh_stats(conn, None, today=today)
                check()
                stats.refresh_rfm(conn)
                with sqlite_bulk.sort_cache(raw):
                    for name, _tbl, sql_text in result.later_indexes:
                        report(0.93, f"Building index {name}")
                        raw.execute(sql_text)
                phases["stats"] = _time.perf_counter() - t
                t = _time.perf_counter()
                report(0.94, "Search index")
                _rebuild_search_index(conn)
                phases["search_index"] = _time.perf_counter() - t
                check()
                t = _time.perf_counter()
                report(0.95, "Points and member tags")
                _finish(raw, get_setting(conn, "points_per_vnd") or 10_000)
                phases["points_tags"] = _time.perf_counter() - t
                check()
        except sqlite3.OperationalError as exc:
            if "interrupt" in str(exc) or is_cancelled():
                raise Cancelled() from None
            raise
        except Exception as exc:  # noqa: BLE001 - SQLAlchemy wraps the interrupt
            if "interrupt" in str(exc) and is_cancelled():
                raise Cancelled() from None
            raise
        finally:
            engine.dispose(close=False)  # the raw connection is ours
        raw.set_progress_handler(None, 0)
        t = _time.perf_counter()
        report(0.97, "Analyzing")
        raw.execute("ANALYZE")
        phases["analyze"] = _time.perf_counter() - t
        if mode != "wal":
            raw.execute("PRAGMA journal_mode=WAL")
        raw.execute("PRAGMA synchronous=NORMAL")
        result.customer_tags = raw.execute("SELECT count(*) FROM customer_tag").fetchone()[0]
    finally:
        raw.close()
    result.seconds = _time.perf_counter() - t0
    result.phases = phases
    report(1.0, "Done")
    return result


def _load(raw, conn, n_customers, n_purchases, seed, today, report, check, phases) -> DemoResult:
    rng = random.Random(seed)
    days = YEARS * 365
    start = today - timedelta(days=days)  # purchases up to and including yesterday
    fold = _fold_fn()
    provinces = _provinces()

    # Indexes and triggers (e.g. the search index's) go; their own SQL brings them back identical
    # after the load. The search index is then refilled in one statement instead of row by row.
    indexes = _schema_objects(raw, "index")
    triggers = _schema_objects(raw, "trigger")
    for name, _tbl, _sql in indexes:
        raw.execute(f'DROP INDEX "{name}"')
    for name, _tbl, _sql in triggers:
        raw.execute(f'DROP TRIGGER "{name}"')

    # Tags and groups.
    t = _time.perf_counter()
    group_ids = {}
    for gid, gname in enumerate(TAG_GROUPS, start=1):
        raw.execute("INSERT INTO tag_group (id, name, name_folded) VALUES (?, ?, ?)", (gid, gname, fold(gname)))
        group_ids[gname] = gid
    tag_ids = {}
    for tid, (tname, gname, color, _p) in enumerate(TAGS, start=1):
        raw.execute(
            "INSERT INTO tag (id, name, name_folded, color, description, group_id, created_at) "
            "VALUES (?, ?, ?, ?, NULL, ?, ?)",
            (tid, tname, fold(tname), color, group_ids[gname], _dt(start.isoformat(), SHOP_OPEN)),
        )
        tag_ids[tname] = tid

    # Customers.
    plan = _Plan(n_customers)
    sql = f"INSERT INTO customer ({', '.join(CUSTOMER_COLUMNS)}) VALUES ({', '.join('?' * len(CUSTOMER_COLUMNS))})"
    gen = _customer_rows(rng, n_customers, start, days, plan, fold, provinces)
    done = 0
    batch = 50_000
    opt_outs = []
    while True:
        chunk = []
        for row in gen:
            chunk.append(row)
            if len(chunk) >= batch:
                break
        if not chunk:
            break
        raw.executemany(sql, chunk)
        opt_outs.extend((r[0], r[21]) for r in chunk if r[20])
        done += len(chunk)
        check()
        report(0.15 * done / max(1, n_customers), f"Customers {done:,} / {n_customers:,}")
    phases["customers"] = _time.perf_counter() - t

    # Consent history of the opted-out customers.
    tag_rng = random.Random(seed * 7919 + 17)
    raw.executemany(
        "INSERT INTO consent_event (customer_id, opted_out, channel, method, note, created_at) "
        "VALUES (?, 1, 'sms', ?, NULL, ?)",
        ((cid, tag_rng.choice(("reply_stop", "manual", "import")), created) for cid, created in opt_outs),
    )

    # Customer tags (VIP/wholesale follow the customer's weight; member tiers are added at the end).
    t = _time.perf_counter()
    rows = []
    cumw = plan.cum_weight
    prev = 0.0
    plain = [(tag_ids[name], p) for name, _g, _c, p in TAGS if p > 0]
    vip, wholesale = tag_ids["VIP"], tag_ids["Khách sỉ"]
    fb, zalo = tag_ids["Facebook"], tag_ids["Zalo"]
    trnd = tag_rng.random
    created_secs = plan.created_secs
    for i in range(n_customers):
        w = cumw[i] - prev
        prev = cumw[i]
        cid = i + 1
        when = _dt((start + timedelta(days=created_secs[i] // 86400)).isoformat(), created_secs[i] % 86400)
        ch = plan.pref_channel[i]
        for tid, p in plain:
            if tid == fb and ch == 1:
                p = 0.8
            elif tid == zalo and ch == 2:
                p = 0.85
            if trnd() < p:
                rows.append((cid, tid, when))
        if w > 12 and trnd() < 0.6:
            rows.append((cid, vip, when))
        if w > 40 and trnd() < 0.5:
            rows.append((cid, wholesale, when))
        if len(rows) >= 100_000:
            raw.executemany("INSERT INTO customer_tag (customer_id, tag_id, created_at) VALUES (?, ?, ?)", rows)
            rows.clear()
    if rows:
        raw.executemany("INSERT INTO customer_tag (customer_id, tag_id, created_at) VALUES (?, ?, ?)", rows)
    phases["tags"] = _time.perf_counter() - t
    check()

    # Purchases, day by day.
    t = _time.perf_counter()
    psql = f"INSERT INTO purchase ({', '.join(PURCHASE_COLUMNS)}) VALUES ({', '.join('?' * len(PURCHASE_COLUMNS))})"
    buf: list = []
    written = 0
    prng = random.Random(seed * 1_000_003 + 1)
    from loyalty_desktop import rollups

    sales_days = rollups.SalesDayCounter(PURCHASE_COLUMNS)  # the dashboard's day rollup, counted as we go
    for d, day_rows in _purchase_days(prng, n_purchases, start, days, plan):
        buf.extend(day_rows)
        sales_days.add_day((start + timedelta(days=d)).isoformat(), day_rows)
        if len(buf) >= 50_000 or d == days - 1:
            raw.executemany(psql, buf)
            written += len(buf)
            buf.clear()
            check()
            report(0.15 + 0.55 * written / max(1, n_purchases), f"Purchases {written:,} / {n_purchases:,}")
    if buf:
        raw.executemany(psql, buf)
        written += len(buf)
    phases["purchases"] = _time.perf_counter() - t
    t = _time.perf_counter()
    sales_days.write(conn)  # (its triggers are dropped during the load; the customer months come with the stats)
    phases["rollups"] = _time.perf_counter() - t
    del plan

    # Indexes back (customer_stats ones after the stats are computed: cheaper than maintaining them).
    t = _time.perf_counter()
    now_idx = [i for i in indexes if i[1] != "customer_stats"]
    with sqlite_bulk.sort_cache(raw):
        for k, (name, _tbl, sql_text) in enumerate(now_idx):
            report(0.70 + 0.16 * k / max(1, len(now_idx)), f"Building index {name}")
            raw.execute(sql_text)
            check()
    for _name, _tbl, sql_text in triggers:
        raw.execute(sql_text)
    from loyalty_desktop import tag_masks

    tag_masks.rebuild(conn)  # the tag combinations (their triggers were dropped with the others)
    phases["indexes"] = _time.perf_counter() - t
    result = DemoResult(customers=n_customers, purchases=written, customer_tags=0, tags=len(TAGS), seconds=0.0)
    result.later_indexes = [i for i in indexes if i[1] == "customer_stats"]
    return result


def _rebuild_search_index(conn) -> None:
    try:
        from loyalty_desktop import search_index
    except ImportError:
        return
    if search_index.available(conn):
        search_index.rebuild(conn)


def _finish(raw: sqlite3.Connection, points_per_vnd: int) -> None:
    """Points (earned minus a deterministic redeemed share) and member-tier tags from the tier."""
    raw.execute(
        "UPDATE customer SET points = "
        "(SELECT total_spent FROM customer_stats s WHERE s.customer_id = customer.id) / ? "
        "* (100 - (id * 37) % 61) / 100",
        (max(1, int(points_per_vnd)),),
    )
    raw.execute(
        "INSERT INTO customer_tag (customer_id, tag_id, created_at) "
        "SELECT c.id, t.id, c.created_at FROM customer c JOIN tag t ON t.name = ? || c.tier "
        "WHERE c.tier IS NOT NULL",
        (TIER_TAG_PREFIX,),
    )
