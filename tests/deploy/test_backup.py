"""manage.py backup and restore for real: pg_dump/pg_restore against PostgreSQL, into a fresh database."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys

import psycopg2
import pytest
from django.db import connection

from apps.accounts.models import User
from apps.core.models import Organization
from apps.recruitment.models import SeekerProfile
from tests.conftest import require, require_postgres
from tests.recruitment.factories import make_seeker_profile

from .stack import ROOT, database_url

pytestmark = pytest.mark.django_db(transaction=True)

RESUME = "recruitment/resumes/2026/12/0123456789abcdef.pdf"
PDF = b"%PDF-1.4\n" + "简历".encode() * 300 + b"\n%%EOF\n"
PICTURE = "news/2026/12/photo.png"
PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8


def _manage(*args: str, database: str, private: object, media: object) -> subprocess.CompletedProcess:
    env = {**os.environ, "DATABASE_URL": database, "PRIVATE_MEDIA_ROOT": str(private), "MEDIA_ROOT": str(media)}
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=180)


@pytest.fixture
def fresh_database():
    """An empty database beside the test database, dropped afterwards."""
    require_postgres()
    name = f"{connection.settings_dict['NAME']}_restored"[:63]
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        cursor.execute(f'CREATE DATABASE "{name}"')
    yield name
    connection.close()
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _rows(dbname: str, sql: str) -> list[tuple]:
    db = connection.settings_dict
    with psycopg2.connect(dbname=dbname, host=db["HOST"] or "127.0.0.1", port=db["PORT"] or 5432,
                          user=db["USER"] or "postgres", password=db["PASSWORD"] or None) as conn, \
            conn.cursor() as cursor:
        cursor.execute(sql)
        return cursor.fetchall()


QUERIES = [
    "SELECT id, username, real_name FROM accounts_user ORDER BY id",
    "SELECT id, name, parent_id FROM core_organization ORDER BY id",
    "SELECT user_id, real_name, resume_pdf FROM recruitment_seekerprofile ORDER BY user_id",
]


def test_backup_then_restore_into_a_fresh_database_gives_the_same_rows_and_files(
        tmp_path, worker, other_worker, org_tree, fresh_database):
    require_postgres()
    require(bool(shutil.which("pg_dump") and shutil.which("pg_restore")),
            "需要 pg_dump 和 pg_restore（apt-get install postgresql-client）")
    source_private, source_media = tmp_path / "private", tmp_path / "media"
    (source_private / RESUME).parent.mkdir(parents=True)
    (source_private / RESUME).write_bytes(PDF)
    (source_media / PICTURE).parent.mkdir(parents=True)
    (source_media / PICTURE).write_bytes(PNG)
    profile = make_seeker_profile(worker, org_tree.xiuwu)
    SeekerProfile.objects.filter(pk=profile.pk).update(resume_pdf=RESUME)
    source = connection.settings_dict["NAME"]
    expected = [_rows(source, sql) for sql in QUERIES]
    assert len(expected[0]) >= 2 and expected[2] == [(worker.pk, profile.real_name, RESUME)]

    backed = _manage("backup", "--output", str(tmp_path / "backups"), database=database_url(connection.settings_dict),
                     private=source_private, media=source_media)
    assert backed.returncode == 0, backed.stderr
    [folder] = (tmp_path / "backups").iterdir()
    assert sorted(p.name for p in folder.iterdir()) == [
        "database.dump", "manifest.json", "media.tar.gz", "private_media.tar.gz"]
    assert (folder / "database.dump").read_bytes()[:5] == b"PGDMP"  # pg_dump's custom format

    # The source changes after the backup; the restore brings back the state of the backup.
    User.objects.filter(pk=other_worker.pk).update(real_name="备份之后改的名字")
    Organization.objects.filter(pk=org_tree.boai_grassroots.pk).delete()

    target_url = database_url(connection.settings_dict, fresh_database)
    restored_private, restored_media = tmp_path / "restored-private", tmp_path / "restored-media"
    restored = _manage("restore", str(folder), database=target_url, private=restored_private, media=restored_media)
    assert restored.returncode == 0, restored.stderr
    assert "恢复完成" in restored.stdout
    assert [_rows(fresh_database, sql) for sql in QUERIES] == expected
    assert (restored_private / RESUME).read_bytes() == PDF
    assert (restored_media / PICTURE).read_bytes() == PNG

    # A second restore into the same (no longer empty) database is refused, and changes nothing.
    again = _manage("restore", str(folder), database=target_url, private=tmp_path / "p2", media=tmp_path / "m2")
    assert again.returncode != 0
    assert "不是空的" in again.stderr
    assert not (tmp_path / "p2").exists()


def test_restore_refuses_a_damaged_backup_and_a_non_empty_file_folder(tmp_path, fresh_database):
    require_postgres()
    require(bool(shutil.which("pg_dump")), "需要 pg_dump（apt-get install postgresql-client）")
    source_url = database_url(connection.settings_dict)
    backed = _manage("backup", "--output", str(tmp_path / "b"), database=source_url, private=tmp_path / "none",
                     media=tmp_path / "none")
    assert backed.returncode == 0, backed.stderr
    [folder] = (tmp_path / "b").iterdir()
    target_url = database_url(connection.settings_dict, fresh_database)

    occupied = tmp_path / "occupied"
    occupied.mkdir()
    (occupied / "live.pdf").write_bytes(b"%PDF live")
    refused = _manage("restore", str(folder), database=target_url, private=occupied, media=tmp_path / "m")
    assert refused.returncode != 0 and "不是空的" in refused.stderr
    assert (occupied / "live.pdf").read_bytes() == b"%PDF live"

    with open(folder / "media.tar.gz", "r+b") as archive:
        archive.seek(10)
        archive.write(b"\x00\x01\x02")
    damaged = _manage("restore", str(folder), database=target_url, private=tmp_path / "p", media=tmp_path / "m")
    assert damaged.returncode != 0 and "已损坏" in damaged.stderr
    assert _rows(fresh_database, "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'") == [(0,)]
