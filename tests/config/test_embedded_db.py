"""The embedded PostgreSQL: a maintained server, and a clear refusal of pgserver's old data."""
import os

import pytest
from django.db import connection

from config import embedded_db

embedded_only = pytest.mark.skipif(bool(os.environ.get("DATABASE_URL")), reason="a real server is configured")


@embedded_only
def test_the_embedded_server_is_postgresql_18_with_its_contrib_modules():
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version_num")
        assert int(cursor.fetchone()[0]) >= 180000
        cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        cursor.execute("SELECT similarity('教育工会', '教育工会云')")
        assert cursor.fetchone()[0] > 0.5


def test_template_dumps_use_the_bundled_pg_dump_of_the_same_major_version():
    from tenants.template import _pg_dump_binary

    if os.environ.get("PG_DUMP"):
        pytest.skip("PG_DUMP overrides the bundled pg_dump")
    assert _pg_dump_binary() == str(embedded_db.pg_bin_dir() / "pg_dump")


def _old_folder(parent, name):
    folder = parent / name
    folder.mkdir()
    (folder / "PG_VERSION").write_text("16\n")
    (folder / "base").mkdir()
    return folder


def test_a_postgresql_16_data_folder_is_refused_with_a_message_saying_how_to_move_it(tmp_path):
    folder = _old_folder(tmp_path, "pg")
    with pytest.raises(embedded_db.OldDataFolder) as refused:
        embedded_db.start(folder)
    message = str(refused.value)
    assert "PostgreSQL 16" in message and "make clean-data" in message and "README" in message
    assert "无法打开" in message and "cannot open" in message
    assert (folder / "base").exists(), "the old data is left untouched"


def test_an_old_test_database_folder_is_simply_recreated(tmp_path, capsys):
    folder = _old_folder(tmp_path, "pg-test")
    embedded_db.check_data_version(folder)
    assert not folder.exists()
    assert "PostgreSQL 16" in capsys.readouterr().err


def test_a_folder_of_the_current_version_passes(tmp_path):
    folder = tmp_path / "pg"
    folder.mkdir()
    (folder / "PG_VERSION").write_text(f"{embedded_db.server_major_version()}\n")
    embedded_db.check_data_version(folder)
    assert folder.exists()
