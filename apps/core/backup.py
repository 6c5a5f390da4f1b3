"""Consistent backups and restores: ``pg_dump --format=custom`` plus tar archives of the uploads.

A backup is one folder ``jiaozuo-<YYYYmmdd-HHMMSS>/`` holding

* ``database.dump`` — ``pg_dump --format=custom --no-owner --no-privileges`` (one snapshot
  transaction, so the rows are consistent with each other while the portal keeps serving);
* ``private_media.tar.gz`` and ``media.tar.gz`` — the private and public uploads, archived
  *after* the dump: a file is written before the row naming it commits, so every file the dump
  refers to is in the archive (an archive may hold a few newer files no row names yet; harmless);
* ``manifest.json`` — when, from which server version, and the SHA-256 of each part; a restore
  checks them before it touches anything.

A restore goes only into an EMPTY database (no tables; create it with ``createdb``) and into
empty upload folders: it never overwrites a live portal.
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import tarfile
from datetime import datetime
from pathlib import Path

from django.conf import settings
from django.db import connection

DUMP = "database.dump"
ARCHIVES = {"private_media": "private_media.tar.gz", "media": "media.tar.gz"}
MANIFEST = "manifest.json"


class BackupError(Exception):
    """A backup or restore that cannot go on; the message is for the operator (Chinese)."""


def upload_roots() -> dict[str, Path]:
    return {"private_media": Path(settings.STORAGES["private"]["OPTIONS"]["location"]),
            "media": Path(settings.MEDIA_ROOT)}


def _pg_env() -> dict[str, str]:
    if connection.vendor != "postgresql":
        raise BackupError("备份和恢复只支持 PostgreSQL：请设置 DATABASE_URL=postgres://…")
    db = connection.settings_dict
    env = {**os.environ, "PGDATABASE": db["NAME"]}
    for key, name in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER"), ("PASSWORD", "PGPASSWORD")):
        if db.get(key):
            env[name] = str(db[key])
    return env


def _tool(name: str) -> str:
    path = shutil.which(name)
    if not path:
        raise BackupError(f"找不到 {name}：请安装与服务器版本相同的 PostgreSQL 客户端（postgresql-client）。")
    return path


def _run(command: list[str], env: dict[str, str]) -> str:
    result = subprocess.run(command, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        detail = result.stderr.strip()[-2000:]
        raise BackupError(f"{Path(command[0]).name} 失败（退出码 {result.returncode}）：{detail}")
    return result.stdout


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1024 * 1024), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _count_files(root: Path) -> int:
    return sum(len(files) for _, _, files in os.walk(root)) if root.is_dir() else 0


def make_backup(output: Path) -> Path:
    """Write one backup folder under ``output`` and return its path."""
    env = _pg_env()
    pg_dump = _tool("pg_dump")
    folder = Path(output) / f"jiaozuo-{datetime.now():%Y%m%d-%H%M%S}"
    folder.mkdir(parents=True, exist_ok=False)
    os.chmod(folder, 0o700)  # personal data: readable by the service user only
    try:
        _run([pg_dump, "--format=custom", "--no-owner", "--no-privileges", f"--file={folder / DUMP}"], env)
        counts = {}
        for part, root in upload_roots().items():
            with tarfile.open(folder / ARCHIVES[part], "w:gz") as archive:
                if root.is_dir():
                    archive.add(root, arcname=".")
            counts[part] = _count_files(root)
        manifest = {
            "created": datetime.now().astimezone().isoformat(timespec="seconds"),
            "server_version": connection.pg_version,
            "pg_dump": _run([pg_dump, "--version"], env).strip(),
            "files": counts,
            "sha256": {name: _sha256(folder / name) for name in (DUMP, *ARCHIVES.values())},
        }
        (folder / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=2))
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    return folder


def database_is_empty() -> bool:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f') "
            "AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%%'"
        )
        return cursor.fetchone()[0] == 0


def check_backup(folder: Path) -> dict:
    folder = Path(folder)
    try:
        manifest = json.loads((folder / MANIFEST).read_text())
    except (OSError, ValueError):
        raise BackupError(f"{folder} 不是本平台的备份：缺少或无法读取 {MANIFEST}。") from None
    for name, expected in manifest.get("sha256", {}).items():
        path = folder / name
        if not path.is_file() or _sha256(path) != expected:
            raise BackupError(f"备份文件 {name} 缺失或已损坏（SHA-256 不符），没有恢复任何内容。")
    if set(manifest.get("sha256", {})) != {DUMP, *ARCHIVES.values()}:
        raise BackupError("备份不完整：清单中缺少数据库或文件归档。")
    return manifest


def restore_backup(folder: Path) -> dict:
    """Restore ``folder`` into the (empty) configured database and (empty) upload folders."""
    folder = Path(folder)
    env = _pg_env()
    pg_restore = _tool("pg_restore")
    manifest = check_backup(folder)
    if not database_is_empty():
        raise BackupError(f"目标数据库 {connection.settings_dict['NAME']} 不是空的：恢复只写入新建的空数据库"
                          "（createdb 新建后再恢复），不会覆盖现有数据。")
    roots = upload_roots()
    for root in roots.values():
        if root.is_dir() and any(root.iterdir()):
            raise BackupError(f"文件目录 {root} 不是空的：恢复只写入空目录，不会覆盖现有文件。")
    connection.close()  # pg_restore works alone on the database
    _run([pg_restore, "--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction",
          f"--dbname={env['PGDATABASE']}", str(folder / DUMP)], env)
    for part, root in roots.items():
        root.mkdir(parents=True, exist_ok=True)
        with tarfile.open(folder / ARCHIVES[part], "r:gz") as archive:
            # "data" refuses absolute paths, links out of the folder and device files.
            archive.extractall(root, filter="data")
    return manifest
