"""Static files in production: hashed names, gzip copies, served compressed by WhiteNoise."""
from __future__ import annotations

from django.core.management import call_command
from django.template import Context, Template
from django.test import Client, override_settings


def test_whitenoise_serves_compressed_hashed_files(tmp_path, settings, db):
    storages = {**settings.STORAGES,
                "staticfiles": {"BACKEND": "apps.core.storage.ManifestStaticStorage"}}  # as deployed
    with override_settings(STORAGES=storages, STATIC_ROOT=tmp_path):
        call_command("collectstatic", interactive=False, verbosity=0)
        css = Template("{% load static %}{% static 'css/portal.css' %}").render(Context())
        sprite = Template('{% icon "bell" %}').render(Context())
        assert css.startswith("/static/css/portal.") and css != "/static/css/portal.css"
        assert "/static/img/icons." in sprite and ".svg#bell" in sprite and "icons.svg#" not in sprite
        assert list(tmp_path.glob("css/portal.*.css.gz")) and list(tmp_path.glob("img/icons.*.svg.gz"))
        response = Client().get(css, HTTP_ACCEPT_ENCODING="gzip")
        assert response.status_code == 200
        assert response["Content-Encoding"] == "gzip"
        assert "immutable" in response["Cache-Control"] or "max-age" in response["Cache-Control"]


def test_an_address_is_worked_out_once_per_storage_and_follows_static_url(monkeypatch):
    from django.contrib.staticfiles.storage import StaticFilesStorage, staticfiles_storage
    from django.templatetags.static import static

    asked = []
    original = StaticFilesStorage.url
    monkeypatch.setattr(StaticFilesStorage, "url", lambda self, name: asked.append(name) or original(self, name))
    with override_settings(STATIC_URL="/assets/"):  # a storage made anew for the new address
        assert [static("css/portal.css") for _ in range(3)] == ["/assets/css/portal.css"] * 3
        assert static("a b.css") == "/assets/a%20b.css"
        assert asked == ["css/portal.css", "a b.css"]
    assert static("css/portal.css") == "/static/css/portal.css"
    assert type(staticfiles_storage._wrapped).__name__ == "StaticStorage"
