"""Cache of dashboard aggregates, valid while the data has not changed.

At 1M customers / 10M purchases the purchase-based figures (24-month series, revenue by category and
channel) read millions of rows: tens of seconds on a busy 2-core machine. Their inputs change only when
purchases or customers are written, so the all-customer aggregates are kept in a small JSON file in the
user's cache folder (never in the shop's database), keyed by the period and stamped with a cheap
**fingerprint** of the data: highest purchase and customer ids, number of customers, total spent over the per-customer
stats, the latest purchase, the day the stats windows are current for, and (with the rollups of schema
0005) the shop's total orders and revenue over the day rollup and the month totals. Any import, new
customer, deletion, cancellation or amount change of a purchase changes it — walk-in sales included
where the rollups exist (without them an in-place edit of a walk-in sale does not: the dashboard's
Refresh button recomputes everything).

Segment-restricted figures are not cached (they depend on the rule and are cheaper: fewer customers).
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import threading
from pathlib import Path
from typing import Any, Callable

from sqlalchemy import func, select
from sqlalchemy.engine import Connection

from loyalty_desktop.models import Customer, CustomerStats, Purchase

log = logging.getLogger(__name__)
ENV_VAR = "LOYALTY_ANALYTICS_CACHE"  # a folder, or "off"
VERSION = 2  # bump when an aggregate's shape changes

_lock = threading.Lock()
_caches: dict[str, "AnalyticsCache"] = {}


def fingerprint(conn: Connection) -> str:
    """A cheap (tens of ms at 1M/10M) stamp of everything the aggregates read."""
    c, p, s = Customer.__table__, Purchase.__table__, CustomerStats.__table__
    # Separate statements: each is an index seek or a scan of one narrow covering index.
    max_p = conn.execute(select(func.max(p.c.id))).scalar()
    max_c = conn.execute(select(func.max(c.c.id))).scalar()
    n_c = conn.execute(select(func.count()).select_from(c)).scalar()
    spent = conn.execute(select(func.sum(s.c.total_spent))).scalar()
    last = conn.execute(select(func.max(s.c.last_purchase_at))).scalar()
    try:
        from loyalty_desktop.stats import windows_as_of

        as_of = windows_as_of(conn)
    except ImportError:
        as_of = None
    from loyalty_desktop import rollups

    sales = rollups.stamp(conn)  # a scan of the small day rollup
    return f"v{VERSION}:{max_p}:{max_c}:{n_c}:{spent}:{last}:{as_of}:{sales}"


def default_folder() -> Path | None:
    value = os.environ.get(ENV_VAR)
    if value and value.lower() == "off":
        return None
    if value:
        return Path(value)
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("LoyaltyDesktop", appauthor=False)) / "analytics"


class AnalyticsCache:
    """{key: (fingerprint, value)} for one database, in memory and in a JSON file (when a folder is set)."""

    def __init__(self, location: str, folder: Path | None = None) -> None:
        if "://" not in location:
            location = os.path.abspath(location)
        self.location = location
        self.path = None
        if folder is not None:
            digest = hashlib.sha1(location.encode("utf-8")).hexdigest()[:16]
            self.path = Path(folder) / f"{digest}.json"
        self._entries: dict[str, list] = {}
        self._loaded = False
        self._lock = threading.Lock()

    @classmethod
    def for_location(cls, location: str, folder: Path | None | str = "default") -> "AnalyticsCache":
        """One shared cache object per database location (per folder)."""
        folder = default_folder() if folder == "default" else folder
        if "://" not in location:
            location = os.path.abspath(location)
        key = f"{location}|{folder}"
        with _lock:
            cache = _caches.get(key)
            if cache is None:
                cache = _caches[key] = cls(location, folder)
            return cache

    def _load(self) -> None:
        if self._loaded:
            return
        self._loaded = True
        if self.path and self.path.exists():
            try:
                data = json.loads(self.path.read_text(encoding="utf-8"))
                if data.get("location") == self.location and data.get("version") == VERSION:
                    self._entries = data.get("entries", {})
            except (OSError, ValueError):
                log.info("analytics cache %s unreadable; starting afresh", self.path)

    def get(self, key: str, fp: str) -> Any | None:
        with self._lock:
            self._load()
            entry = self._entries.get(key)
        if entry and entry[0] == fp:
            return entry[1]
        return None

    def put(self, key: str, fp: str, value: Any) -> None:
        with self._lock:
            self._load()
            # Entries stamped with another fingerprint are stale: drop them.
            self._entries = {k: v for k, v in self._entries.items() if v[0] == fp}
            self._entries[key] = [fp, value]
            self._save()

    def clear(self) -> None:
        with self._lock:
            self._entries = {}
            self._loaded = True
            self._save()

    def _save(self) -> None:
        if not self.path:
            return
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            tmp = self.path.with_suffix(f".{os.getpid()}.{threading.get_ident()}.tmp")
            tmp.write_text(json.dumps({"version": VERSION, "location": self.location, "entries": self._entries},
                                      ensure_ascii=False), encoding="utf-8")
            os.replace(tmp, self.path)
        except OSError:
            log.info("could not write analytics cache %s", self.path, exc_info=True)


def cached(cache: AnalyticsCache | None, conn: Connection, key: str, compute: Callable[[], Any],
           fp: str | None = None, refresh: bool = False) -> tuple[Any, bool]:
    """(value, came_from_cache). Without a cache, just computes."""
    if cache is None:
        return compute(), False
    fp = fp or fingerprint(conn)
    if not refresh:
        hit = cache.get(key, fp)
        if hit is not None:
            return hit, True
    value = compute()
    # Stamp with the fingerprint read before computing: a write meanwhile makes the entry stale, not wrong.
    cache.put(key, fp, value)
    return value, False
