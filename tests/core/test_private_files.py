"""Serving private files through core's view, asking the owning app who may see them.

Uses the Enterprise model with a throwaway registration so the mechanism is tested without any
business app: the checker lets only city staff download.
"""
from __future__ import annotations

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import storages

from apps.core.models import Enterprise
from apps.core.uploads import private_file_url, private_files

PDF = b"%PDF-1.4\n%%EOF\n"


@pytest.fixture
def enterprise_with_file(xiuwu_enterprise):
    storage = storages["private"]
    name = storage.save("tests/licence.pdf", ContentFile(PDF))
    # A stand-in file attribute on the instance, as a PrivateFileField would provide.
    Enterprise.licence = property(lambda self: storage.open(name) and _Stored(storage, name))
    private_files.register(Enterprise, lambda user, obj, field: getattr(user, "username", "") == "city_office")
    yield xiuwu_enterprise
    del Enterprise.licence
    private_files._checkers.pop("core.enterprise")
    storage.delete(name)


class _Stored:
    def __init__(self, storage, name):
        self.storage, self.name = storage, name

    def __bool__(self):
        return True

    @property
    def size(self):
        return self.storage.size(self.name)

    def open(self, mode="rb"):
        return self.storage.open(self.name, mode)


def test_allowed_user_downloads_as_attachment(client, city_staff, enterprise_with_file):
    client.force_login(city_staff)
    response = client.get(private_file_url(enterprise_with_file, "licence"))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert b"".join(response.streaming_content) == PDF


def test_others_get_404(client, worker, enterprise_with_file):
    client.force_login(worker)
    assert client.get(private_file_url(enterprise_with_file, "licence")).status_code == 404
    client.logout()
    assert client.get(private_file_url(enterprise_with_file, "licence")).status_code == 404


def test_byte_ranges_for_video_players(client, city_staff, enterprise_with_file):
    client.force_login(city_staff)
    response = client.get(private_file_url(enterprise_with_file, "licence"), HTTP_RANGE="bytes=0-3")
    assert response.status_code == 206
    assert response.content == PDF[:4]
    assert response["Content-Range"] == f"bytes 0-3/{len(PDF)}"


def test_unregistered_models_are_never_served(client, city_staff, xiuwu_enterprise):
    client.force_login(city_staff)
    assert client.get(f"/files/accounts.user/{city_staff.pk}/password/").status_code == 404


def test_private_storage_has_no_public_url():
    with pytest.raises(ValueError):
        storages["private"].url("x.pdf")


def test_pdf_can_be_opened_in_the_browser_when_asked(client, city_staff, enterprise_with_file):
    client.force_login(city_staff)
    response = client.get(private_file_url(enterprise_with_file, "licence", inline=True))
    assert response["Content-Disposition"].startswith("inline")
