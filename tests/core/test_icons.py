"""Icons come from one small SVG sprite holding exactly the icons in use; no icon font."""
from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.template import Context, Template

from apps.core import icons


def _sprite() -> str:
    return (Path(settings.BASE_DIR) / "static" / icons.SPRITE_PATH).read_text(encoding="utf-8")


def test_every_icon_in_use_is_in_the_sprite():
    missing = icons.used_icon_names() - icons.sprite_symbols(_sprite())
    assert not missing, f"运行 manage.py build_icons 重新生成图标：缺少 {sorted(missing)}"


def test_sprite_is_small():
    assert len(_sprite().encode()) < 48 * 1024


def test_no_template_uses_the_icon_font():
    offenders = [str(p) for p in icons.template_files() if '<i class="bi' in p.read_text(encoding="utf-8")]
    assert not offenders, f'改用 {{% icon "名称" %}}（manage.py build_icons --convert）：{offenders}'
    assert not (Path(settings.BASE_DIR) / "static/vendor/bootstrap-icons").exists()


def test_icon_tag_is_hidden_from_screen_readers_unless_labelled():
    html = Template('{% icon "briefcase" %}|{% icon "bell" label="消息" class="me-1" %}').render(Context())
    plain, labelled = html.split("|")
    assert 'aria-hidden="true"' in plain and 'href="/static/img/icons.svg#briefcase"' in plain
    assert 'role="img" aria-label="消息"' in labelled and 'class="bi me-1"' in labelled


def test_icon_markup_is_built_once_but_follows_a_new_static_address():
    from django.test import override_settings

    template = Template('{% icon "briefcase" %}')
    assert 'href="/static/img/icons.svg#briefcase"' in template.render(Context())
    with override_settings(STATIC_URL="/assets/"):
        assert 'href="/assets/img/icons.svg#briefcase"' in template.render(Context())
    assert 'href="/static/img/icons.svg#briefcase"' in template.render(Context())


def test_old_markup_is_converted():
    text = '<i class="bi bi-award text-danger"></i> <i class="bi bi-{{ item.icon }}" aria-hidden="true"></i>'
    assert icons.convert_markup(text) == '{% icon "award" class="text-danger" %} {% icon item.icon %}'
