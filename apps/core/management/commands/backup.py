"""``manage.py backup``: pg_dump (custom format) plus the uploads, into one folder (see apps.core.backup)."""
from __future__ import annotations

import os
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from apps.core.backup import BackupError, make_backup


class Command(BaseCommand):
    help = "备份数据库（pg_dump 自定义格式）和上传文件（私有与公开）到一个新目录。"

    def add_arguments(self, parser):
        parser.add_argument("--output", default=os.environ.get("BACKUP_DIR", "backups"),
                            help="备份存放的目录（默认：环境变量 BACKUP_DIR，或 ./backups）")

    def handle(self, *args, output, **options):
        try:
            folder = make_backup(Path(output))
        except BackupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(self.style.SUCCESS(f"备份完成：{folder}"))
