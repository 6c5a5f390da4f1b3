"""``manage.py restore FOLDER``: into an EMPTY database and empty upload folders only (see apps.core.backup)."""
from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from apps.core.backup import BackupError, restore_backup


class Command(BaseCommand):
    help = "把 manage.py backup 生成的备份恢复到一个空数据库和空的文件目录（不覆盖现有数据）。"

    def add_arguments(self, parser):
        parser.add_argument("folder", help="备份目录，例如 backups/jiaozuo-20261201-030000")

    def handle(self, *args, folder, **options):
        try:
            manifest = restore_backup(Path(folder))
        except BackupError as error:
            raise CommandError(str(error)) from None
        files = manifest.get("files", {})
        self.stdout.write(self.style.SUCCESS(
            f"恢复完成：数据库（{manifest.get('created')} 的备份），私有文件 {files.get('private_media', 0)} 个，"
            f"公开文件 {files.get('media', 0)} 个。请接着运行 manage.py migrate 确认结构为最新。"))
