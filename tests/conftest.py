import os
import shutil
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("MPLBACKEND", "Agg")

SAMPLES = Path(__file__).parent / "data" / "samples"


@pytest.fixture
def db_path(tmp_path) -> Path:
    return tmp_path / "loyalty.db"


@pytest.fixture
def db(db_path):
    from loyalty_desktop.db import open_database

    database = open_database(str(db_path))
    yield database
    database.dispose()


@pytest.fixture
def samples(tmp_path) -> Path:
    """A writable copy of the sample shop files (tests/data/samples, from ../shared/samples)."""
    target = tmp_path / "samples"
    shutil.copytree(SAMPLES, target)
    return target


@pytest.fixture(autouse=True)
def _no_parsed_file_between_tests():
    """The importer keeps the last parsed spreadsheet for the next read of the same file: not across tests."""
    yield
    from loyalty_desktop.importing.readers import forget_parsed

    forget_parsed()
