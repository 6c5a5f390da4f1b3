"""The icon sprite: only the Bootstrap Icons the portal uses, one SVG file, ``{% icon "name" %}``.

``manage.py build_icons`` collects the names (templates' ``{% icon %}`` tags, the icons apps give
their navigation and console entries, ``icon="..."`` in Python) and writes ``static/img/icons.svg``
from Bootstrap Icons' SVG sources (``npm install`` puts them in ``node_modules/bootstrap-icons``).
With ``--convert`` it first rewrites old ``<i class="bi bi-name">`` markup to the tag.
"""
from __future__ import annotations

import re
from pathlib import Path
from xml.etree import ElementTree

from django.conf import settings

SPRITE_PATH = "img/icons.svg"
SVG_NS = "http://www.w3.org/2000/svg"
TAG_RE = re.compile(r"""\{%\s*icon\s+["']([a-z0-9-]+)["']""")
PY_RE = re.compile(r"""\bicon\s*=\s*["']([a-z0-9-]+)["']""")
TUPLE_RE = re.compile(r"""\(\s*"[^"]+",\s*"[a-z_]+:[a-z_]+",\s*"([a-z0-9-]+)\"""")
OLD_MARKUP_RE = re.compile(
    r"""<i class="bi bi-(\{\{\s*[\w.]+\s*\}\}|[a-z0-9-]+)((?:\s+[\w-]+)*)"(?:\s+aria-hidden="true")?></i>""")


def _base_dir() -> Path:
    return Path(settings.BASE_DIR)


def template_files() -> list[Path]:
    return sorted((_base_dir() / "templates").rglob("*.html"))


def used_icon_names() -> set[str]:
    from .registry import console_menu, nav_items

    names = {item.icon for item in nav_items} | {link.icon for link in console_menu}
    for path in template_files():
        names.update(TAG_RE.findall(path.read_text(encoding="utf-8")))
    for path in (_base_dir() / "apps").rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        names.update(PY_RE.findall(text))
        names.update(TUPLE_RE.findall(text))
    return names


def convert_markup(text: str) -> str:
    """``<i class="bi bi-x extra"></i>`` → ``{% icon "x" class="extra" %}`` (variables unquoted)."""

    def replace(match: re.Match) -> str:
        name, extra = match.group(1), match.group(2).strip()
        name = name.strip("{} ").strip() if name.startswith("{{") else f'"{name}"'
        return "{% icon " + name + (f' class="{extra}"' if extra else "") + " %}"

    return OLD_MARKUP_RE.sub(replace, text)


def build_sprite(names: set[str], source_dir: Path) -> str:
    ElementTree.register_namespace("", SVG_NS)
    symbols = []
    missing = []
    for name in sorted(names):
        path = source_dir / f"{name}.svg"
        if not path.exists():
            missing.append(name)
            continue
        root = ElementTree.fromstring(path.read_text(encoding="utf-8"))
        inner = "".join(ElementTree.tostring(child, encoding="unicode") for child in root)
        inner = inner.replace(f' xmlns="{SVG_NS}"', "").replace("ns0:", "")
        symbols.append(f'<symbol id="{name}" viewBox="{root.get("viewBox", "0 0 16 16")}">{inner}</symbol>')
    if missing:
        raise ValueError(f"Bootstrap Icons has no icon named: {', '.join(missing)}")
    return (f'<svg xmlns="{SVG_NS}" style="display:none">'
            "<!-- Bootstrap Icons v1.13 (MIT), only the icons the portal uses: manage.py build_icons -->"
            + "".join(symbols) + "</svg>\n")


def sprite_symbols(sprite_text: str) -> set[str]:
    return set(re.findall(r'<symbol id="([a-z0-9-]+)"', sprite_text))
