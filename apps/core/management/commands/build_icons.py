"""Write static/img/icons.svg with only the icons the portal uses."""
from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from apps.core import icons


class Command(BaseCommand):
    help = "生成图标精灵 static/img/icons.svg（只含用到的 Bootstrap Icons）。"

    def add_arguments(self, parser):
        parser.add_argument("--source", default=str(Path(settings.BASE_DIR) / "node_modules/bootstrap-icons/icons"),
                            help="Bootstrap Icons 的 SVG 目录（npm install 后位于 node_modules）")
        parser.add_argument("--convert", action="store_true",
                            help='先把模板里的 <i class="bi bi-名称"></i> 改写为 {% icon "名称" %}')

    def handle(self, *args, source: str, convert: bool, **options):
        if convert:
            changed = 0
            for path in icons.template_files():
                text = path.read_text(encoding="utf-8")
                new = icons.convert_markup(text)
                if new != text:
                    path.write_text(new, encoding="utf-8")
                    changed += 1
            self.stdout.write(f"改写了 {changed} 个模板。")
        source_dir = Path(source)
        if not source_dir.is_dir():
            raise CommandError(f"找不到图标源目录 {source_dir}：请先运行 npm install。")
        names = icons.used_icon_names()
        try:
            sprite = icons.build_sprite(names, source_dir)
        except ValueError as error:
            raise CommandError(str(error)) from error
        target = Path(settings.BASE_DIR) / "static" / icons.SPRITE_PATH
        target.write_text(sprite, encoding="utf-8")
        self.stdout.write(f"{len(names)} 个图标 → {target}（{len(sprite.encode()) // 1024} KB）")
