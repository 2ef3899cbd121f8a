"""Database location, migrations with backup, and refusal of files that are not ours."""

import json
import sqlite3
from datetime import datetime

import pytest
from sqlalchemy import func, select, text

from loyalty_desktop import cli
from loyalty_desktop.db import head_revision, make_engine, open_database, resolve_location, upgrade
from loyalty_desktop.errors import DatabaseError
from loyalty_desktop.models import Customer, Purchase


def test_location_precedence(monkeypatch, tmp_path):
    monkeypatch.setenv("LOYALTY_DB", str(tmp_path / "env.db"))
    assert resolve_location(str(tmp_path / "cli.db")) == str(tmp_path / "cli.db")
    assert resolve_location(None) == str(tmp_path / "env.db")
    monkeypatch.delenv("LOYALTY_DB")
    assert resolve_location(None).endswith("loyalty.db")


def test_new_database_is_at_head_with_wal_and_foreign_keys(db):
    assert db.schema_revision() == head_revision()
    with db.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1


def test_revisions_read_without_alembic_match_alembic():
    from alembic.script import ScriptDirectory

    from loyalty_desktop.db import MIGRATIONS_DIR, known_revisions

    script = ScriptDirectory(str(MIGRATIONS_DIR))
    assert known_revisions() == {rev.revision for rev in script.walk_revisions()}
    assert head_revision() == script.get_current_head()


def test_datetimes_are_naive_local_time(db):
    """One convention for every timestamp: naive local shop time in, the same out; aware values refused."""
    from datetime import timezone

    from pydantic import ValidationError

    when = datetime(2026, 3, 4, 5, 6, 7)
    with db.session() as session:
        session.add(Customer(phone="+84912345678", full_name="A", created_at=when, updated_at=when))
        session.commit()
        stored = session.exec(select(Customer)).scalars().one()
        assert stored.created_at == when and stored.created_at.tzinfo is None
        assert stored.updated_at == when
    with pytest.raises(ValidationError):
        Customer.model_validate({"phone": "+84912345679", "created_at": datetime.now(timezone.utc)})
    default = Customer(phone="+84912345670")
    assert default.created_at.tzinfo is None and abs((datetime.now() - default.created_at).total_seconds()) < 60


def test_upgrade_from_first_migration_keeps_every_row(tmp_path):
    path = tmp_path / "old.db"
    engine = make_engine(str(path))
    upgrade(engine, "0001")
    with engine.begin() as conn:
        conn.execute(text(
            "INSERT INTO customer (id, full_name, name_folded, phone, phone_type, gender, points, sms_opt_out,"
            " created_at, updated_at) VALUES (1, 'Nguyễn Văn A', 'nguyen van a', '+84912345678', 'mobile',"
            " 'male', 10, 0, '2024-01-01 00:00:00', '2024-01-01 00:00:00')"))
        conn.execute(text(
            "INSERT INTO purchase (customer_id, source, invoice_code, purchased_at, amount, discount, cancelled)"
            " VALUES (1, 'pos', 'HD1', '2024-02-01 10:00:00', 150000, 0, 0)"))
    engine.dispose()

    db = open_database(str(path))
    assert db.schema_revision() == head_revision() != "0001"
    with db.connect() as conn:
        assert conn.execute(select(Customer.full_name)).scalar_one() == "Nguyễn Văn A"
        assert conn.execute(select(func.sum(Purchase.amount))).scalar_one() == 150000
    backups = list(tmp_path.glob("old.backup-schema-0001-*.db"))
    assert len(backups) == 1
    with sqlite3.connect(backups[0]) as raw:
        assert raw.execute("SELECT version_num FROM alembic_version").fetchone()[0] == "0001"
    db.dispose()


def test_missing_folder_is_a_clear_error(tmp_path):
    with pytest.raises(DatabaseError, match="does not exist"):
        open_database(str(tmp_path / "nope" / "x.db"))


def test_folder_instead_of_file(tmp_path):
    with pytest.raises(DatabaseError, match="folder"):
        open_database(str(tmp_path))


def test_not_a_database_file_is_left_untouched(tmp_path):
    path = tmp_path / "customers.xlsx.db"
    path.write_bytes(b"PK\x03\x04 this is a zip, not a database" * 10)
    before = path.read_bytes()
    with pytest.raises(DatabaseError, match="not a Loyalty Desktop database"):
        open_database(str(path))
    assert path.read_bytes() == before


def test_foreign_sqlite_database_is_refused(tmp_path):
    path = tmp_path / "other.db"
    with sqlite3.connect(path) as raw:
        raw.execute("CREATE TABLE things (id INTEGER)")
    with pytest.raises(DatabaseError, match="not a Loyalty Desktop database"):
        open_database(str(path))
    with sqlite3.connect(path) as raw:
        assert [r[0] for r in raw.execute("SELECT name FROM sqlite_master WHERE type='table'")] == ["things"]


def test_newer_schema_is_refused_and_unchanged(db_path):
    open_database(str(db_path)).dispose()
    with sqlite3.connect(db_path) as raw:
        raw.execute("UPDATE alembic_version SET version_num = '9999'")
    before = db_path.read_bytes()
    with pytest.raises(DatabaseError, match="newer version"):
        open_database(str(db_path))
    assert db_path.read_bytes() == before


def test_cli_info_json(db_path, capsys):
    assert cli.main(["--db", str(db_path), "info", "--json"]) == 0
    info = json.loads(capsys.readouterr().out)
    assert info == {"customers": 0, "purchases": 0, "tags": 0, "segments": 0, "campaigns": 0,
                    "schema": head_revision(), "path": str(db_path)}


def test_cli_user_errors_are_one_line(tmp_path, capsys):
    bad = tmp_path / "bad.db"
    bad.write_text("hello")
    assert cli.main(["--db", str(bad), "info", "--json"]) == 1
    err = capsys.readouterr().err.strip()
    assert err.startswith("loyalty-desktop: error:") and "\n" not in err and "Traceback" not in err
    assert cli.main(["--db", str(tmp_path / "missing" / "x.db"), "init"]) == 1


def test_none_binds_as_null_through_the_fast_adapter(tmp_path):
    """loyalty_desktop.db registers an adapter for None (sqlite3's adapter lookup made each NULL cost ~12
    ints); values must still arrive exactly as before."""
    assert (type(None), sqlite3.PrepareProtocol) in sqlite3.adapters
    conn = sqlite3.connect(tmp_path / "n.db")
    conn.execute("CREATE TABLE t (a, b INTEGER, c TEXT)")
    conn.executemany("INSERT INTO t VALUES (?, ?, ?)", [(None, None, None), (None, 0, "x"), (1, None, None)])
    assert conn.execute("SELECT typeof(a), typeof(b), typeof(c) FROM t ORDER BY rowid").fetchall() == [
        ("null", "null", "null"), ("null", "integer", "text"), ("integer", "null", "null")]
    assert conn.execute("SELECT count(*) FROM t WHERE a IS NULL").fetchone()[0] == 2
    conn.close()
