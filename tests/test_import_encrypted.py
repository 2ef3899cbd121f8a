"""A real password-protected workbook (Excel "Encrypt with Password", made with msoffcrypto-tool, password
"matkhau") is refused with a plain message and changes nothing."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from sqlalchemy import func, select

from loyalty_desktop.errors import UserError
from loyalty_desktop.importing import run_import
from loyalty_desktop.importing.readers import FileProblem, open_workbook
from loyalty_desktop.models import Customer, ImportRecord, Purchase

ENCRYPTED = Path(__file__).parent / "data" / "files" / "password_matkhau.xlsx"


def _counts(db):
    with db.connect() as conn:
        return tuple(conn.execute(select(func.count()).select_from(t)).scalar_one()
                     for t in (Customer, Purchase, ImportRecord))


def test_the_fixture_is_a_real_encrypted_office_file():
    head = ENCRYPTED.read_bytes()[:8]
    assert head == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # OLE container, as Excel writes encrypted workbooks


@pytest.mark.parametrize("kind", ["customers", "purchases"])
def test_password_protected_workbook_is_refused_and_nothing_changes(db, tmp_path, kind):
    path = tmp_path / "khach_hang.xlsx"
    shutil.copy(ENCRYPTED, path)
    before = path.read_bytes()
    with pytest.raises(UserError) as info:
        run_import(db, path, kind)
    message = str(info.value)
    assert "password" in message.lower() and "khach_hang.xlsx" in message
    assert "Traceback" not in message
    assert _counts(db) == (0, 0, 0)
    assert path.read_bytes() == before


def test_reader_names_the_problem():
    with pytest.raises(FileProblem, match="password"):
        open_workbook(ENCRYPTED)
