"""Database location, engine, SQLite tuning, migrations at start-up and backups.

SQLite is the default (one file per shop); the same core runs on PostgreSQL when a URL is given.
Each thread opens its own connection from the engine's pool; workers return plain rows.
"""

from __future__ import annotations

import functools
import os
import re
import shutil
import sqlite3
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Iterator

from sqlalchemy import Engine, create_engine, event, inspect, text
from sqlalchemy.engine import Connection
from sqlalchemy.exc import DatabaseError as SADatabaseError
from sqlalchemy.exc import OperationalError
from sqlmodel import Session

from loyalty_desktop import APP_NAME
from loyalty_desktop.errors import DatabaseError

MIGRATIONS_DIR = Path(__file__).with_name("migrations")
ENV_VAR = "LOYALTY_DB"


def default_db_path() -> Path:
    """Per-user data folder: %LOCALAPPDATA%\\LoyaltyDesktop\\loyalty.db on Windows."""
    from platformdirs import user_data_dir

    return Path(user_data_dir(APP_NAME, appauthor=False, roaming=False)) / "loyalty.db"


def resolve_location(cli_value: str | None = None) -> str:
    """``--db`` wins over ``LOYALTY_DB``, which wins over the per-user default."""
    value = cli_value or os.environ.get(ENV_VAR) or ""
    return value if value else str(default_db_path())


def is_url(location: str) -> bool:
    return "://" in location


# The sqlite3 module binds int, float and str directly but sends every other value (None, bool…)
# through its adapter lookup, which costs ~0.9 µs a value when no adapter is registered (an int:
# ~0.07 µs). An adapter that returns None binds the same NULL in a third of that time. The 200k new
# customers of an import carry ~4.4 NULLs each: writing their rows took 2.3–2.6 s and takes 1.5–1.8 s.
# ``{}.get`` is a C callable that returns None. (Bulk rows hold 0/1 rather than bools for the same reason.)
sqlite3.register_adapter(type(None), {}.get)


def _sqlite_pragmas(dbapi_conn, _record) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA busy_timeout=10000")
    cur.execute("PRAGMA temp_store=MEMORY")
    cur.execute("PRAGMA cache_size=-65536")  # 64 MiB
    cur.execute("PRAGMA mmap_size=268435456")
    cur.close()


def make_engine(location: str) -> Engine:
    if is_url(location):
        return create_engine(location, pool_pre_ping=True)
    engine = create_engine(
        f"sqlite:///{location}",
        connect_args={"check_same_thread": False, "timeout": 10},
    )
    event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def _alembic_config(engine: Engine):
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.attributes["engine"] = engine
    return cfg


_REVISION_LINE = re.compile(r"""^(revision|down_revision)\s*(?::[^=]*)?=\s*['"]?([\w-]+)['"]?""", re.M)


@functools.cache
def _revision_parents() -> dict[str, str | None]:
    """revision → its down_revision, read from the migration files' headers.

    Importing alembic and walking its script directory costs ~0.35 s at every start-up, although alembic
    is needed only when a database must be upgraded; tests/test_db.py checks this reading against alembic's.
    """
    parents: dict[str, str | None] = {}
    for path in sorted((MIGRATIONS_DIR / "versions").glob("*.py")):
        found = dict(m.groups() for m in _REVISION_LINE.finditer(path.read_text(encoding="utf-8")))
        if "revision" in found:
            down = found.get("down_revision")
            parents[found["revision"]] = None if down in (None, "None") else down
    return parents


def known_revisions() -> set[str]:
    return set(_revision_parents())


def head_revision() -> str:
    parents = _revision_parents()
    heads = set(parents) - set(parents.values())
    if len(heads) != 1:
        raise RuntimeError(f"migrations must have exactly one head, found {sorted(heads)}")
    return heads.pop()


def current_revision(conn: Connection) -> str | None:
    if not inspect(conn).has_table("alembic_version"):
        return None
    return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()


def sqlite_has(conn: Connection, *names: str, kind: str | None = None) -> bool:
    """True on SQLite when every named schema object exists (``kind``: only among tables, indexes or
    triggers). False on other databases: the triggers and derived tables this asks about are SQLite's."""
    if conn.dialect.name != "sqlite":
        return False
    marks = ", ".join("?" * len(names))
    sql = f"SELECT count(*) FROM sqlite_master WHERE name IN ({marks})" + (" AND type = ?" if kind else "")
    return conn.exec_driver_sql(sql, (*names, kind) if kind else names).scalar() == len(set(names))


@dataclass
class Database:
    """An open, migrated database."""

    location: str
    engine: Engine

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    @property
    def path(self) -> Path | None:
        return None if is_url(self.location) else Path(self.location)

    @property
    def display_name(self) -> str:
        return self.path.name if self.path else self.engine.url.render_as_string(hide_password=True)

    def session(self) -> Session:
        return Session(self.engine, expire_on_commit=False)

    @contextmanager
    def connect(self) -> Iterator[Connection]:
        with self.engine.connect() as conn:
            yield conn

    @contextmanager
    def begin(self) -> Iterator[Connection]:
        """One write transaction: everything inside commits together or not at all."""
        with self.engine.begin() as conn:
            yield conn

    def schema_revision(self) -> str | None:
        with self.engine.connect() as conn:
            return current_revision(conn)

    def checkpoint(self) -> None:
        """Copy the write-ahead log into the database file (SQLite; nothing elsewhere), without waiting
        for readers or writers (``PASSIVE``). A bulk import leaves it for afterwards
        (``sqlite_bulk.checkpoint_later``); the app runs it on a worker once the import's report is shown."""
        if self.is_sqlite:
            with self.engine.connect() as conn:
                conn.exec_driver_sql("PRAGMA wal_checkpoint(PASSIVE)").fetchall()

    def dispose(self) -> None:
        self.engine.dispose()


def _check_sqlite_file(path: Path, create: bool) -> None:
    if path.exists() and path.is_dir():
        raise DatabaseError(f"'{path}' is a folder, not a database file.",
                            vi=f"“{path}” là một thư mục, không phải tệp cơ sở dữ liệu.")
    if not path.exists():
        if not create:
            raise DatabaseError(f"Database file '{path}' does not exist.",
                                vi=f"Tệp cơ sở dữ liệu “{path}” không tồn tại.")
        if not path.parent.exists():
            raise DatabaseError(f"Folder '{path.parent}' does not exist; cannot create the database there.",
                                vi=f"Thư mục “{path.parent}” không tồn tại; không thể tạo cơ sở dữ liệu ở đó.")
        return
    if path.stat().st_size == 0:
        return
    with open(path, "rb") as fh:
        header = fh.read(16)
    if header != b"SQLite format 3\x00":
        raise DatabaseError(f"'{path}' is not a Loyalty Desktop database (not an SQLite file).",
                            vi=f"“{path}” không phải cơ sở dữ liệu của Loyalty Desktop (không phải tệp SQLite).")


def backup_sqlite(path: Path, label: str) -> Path:
    """Copy the database (consistently, through SQLite's backup API) next to itself."""
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    target = path.with_name(f"{path.stem}.backup-{label}-{stamp}{path.suffix}")
    src = sqlite3.connect(path)
    try:
        dst = sqlite3.connect(target)
        with dst:
            src.backup(dst)
        dst.close()
    finally:
        src.close()
    return target


def upgrade(engine: Engine, revision: str = "head") -> None:
    from alembic import command

    command.upgrade(_alembic_config(engine), revision)


def open_database(location: str | None = None, *, create: bool = True, migrate: bool = True) -> Database:
    """Open (and create, and migrate) the database. Raises DatabaseError with a clear message.

    An existing database at an older schema is backed up next to itself before it is upgraded.
    A database from a newer app version, or a file that is not ours, is refused untouched.
    """
    location = resolve_location(location)
    if not is_url(location):
        path = Path(location).expanduser()
        if not path.parent.exists() and path.parent == default_db_path().parent:
            path.parent.mkdir(parents=True, exist_ok=True)
        _check_sqlite_file(path, create)
        location = str(path)
        existed = path.exists() and path.stat().st_size > 0
    else:
        existed = True
    engine = make_engine(location)
    try:
        with engine.connect() as conn:
            rev = current_revision(conn)
            has_tables = bool(inspect(conn).get_table_names())
    except (SADatabaseError, OperationalError) as exc:
        engine.dispose()
        raise DatabaseError(f"Cannot open database '{location}': {_plain(exc)}",
                            vi=f"Không mở được cơ sở dữ liệu “{location}”: {_plain(exc)}") from None
    if rev is None and has_tables:
        engine.dispose()
        raise DatabaseError(f"'{location}' is an SQLite database, but not a Loyalty Desktop database.",
                            vi=f"“{location}” là cơ sở dữ liệu SQLite nhưng không phải của Loyalty Desktop.")
    if rev is not None and rev not in known_revisions():
        engine.dispose()
        raise DatabaseError(
            f"'{location}' was made by a newer version of Loyalty Desktop (schema {rev}). "
            "Please update the app to open it.",
            vi=f"“{location}” được tạo bởi phiên bản Loyalty Desktop mới hơn (lược đồ {rev}). "
            "Vui lòng cập nhật ứng dụng để mở tệp này.",
        )
    if migrate and rev != head_revision():
        if existed and rev is not None and not is_url(location):
            backup_sqlite(Path(location), f"schema-{rev}")
        try:
            upgrade(engine)
        except Exception as exc:  # a failed migration must not leave a half-open database
            engine.dispose()
            raise DatabaseError(f"Could not upgrade database '{location}': {_plain(exc)}",
                                vi=f"Không nâng cấp được cơ sở dữ liệu “{location}”: {_plain(exc)}") from exc
    return Database(location=location, engine=engine)


def _plain(exc: Exception) -> str:
    orig = getattr(exc, "orig", None)
    return str(orig or exc).splitlines()[0]
