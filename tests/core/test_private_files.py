"""Serving private files through core's view, asking the owning app who may see them.

Uses a course cover (a PrivateFileField) with its checker swapped for one that lets only city
staff download, so the mechanism is tested apart from the training app's own rules.
"""
from __future__ import annotations

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import storages

from apps.core.uploads import parse_range, private_file_url, private_files
from apps.training.models import Course

PDF = b"%PDF-1.4\n" + bytes(range(256)) * 4 + b"\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture
def course_with_file(org_tree):
    previous = private_files._checkers["training.course"]
    private_files.register(Course, lambda user, obj, field: getattr(user, "username", "") == "city_office")
    course = Course.objects.create(title="安全生产", organization=org_tree.city, is_published=True)
    course.cover.save("营业执照.png", ContentFile(PDF))  # the name says PNG, the bytes say PDF
    yield course
    private_files._checkers["training.course"] = previous
    course.cover.storage.delete(course.cover.name)


enterprise_with_file = course_with_file  # the tests below were written for an enterprise's licence


def test_allowed_user_downloads_as_attachment(client, city_staff, enterprise_with_file):
    client.force_login(city_staff)
    response = client.get(private_file_url(enterprise_with_file, "cover"))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert b"".join(response.streaming_content) == PDF


def test_others_get_404(client, worker, enterprise_with_file):
    client.force_login(worker)
    assert client.get(private_file_url(enterprise_with_file, "cover")).status_code == 404
    client.logout()
    assert client.get(private_file_url(enterprise_with_file, "cover")).status_code == 404


def test_byte_ranges_for_video_players(client, city_staff, enterprise_with_file):
    client.force_login(city_staff)
    response = client.get(private_file_url(enterprise_with_file, "cover"), HTTP_RANGE="bytes=0-3")
    assert response.status_code == 206
    assert b"".join(response.streaming_content) == PDF[:4]
    assert response["Content-Range"] == f"bytes 0-3/{len(PDF)}"


def test_unregistered_models_are_never_served(client, city_staff, xiuwu_enterprise):
    client.force_login(city_staff)
    assert client.get(f"/files/accounts.user/{city_staff.pk}/password/").status_code == 404


@pytest.mark.parametrize("field", ["title", "organization", "pk", "id", "nonexistent", "__class__", "cover_id",
                                   "save", "_state", "get_category_display"])
def test_only_file_fields_are_served(client, city_staff, course_with_file, field):
    client.force_login(city_staff)
    assert client.get(f"/files/training.course/{course_with_file.pk}/{field}/").status_code == 404


@pytest.mark.parametrize("pk", ["0", "999999", "9223372036854775808", "99999999999999999999999999"])
def test_missing_or_impossible_ids_are_404(client, city_staff, course_with_file, pk):
    client.force_login(city_staff)
    assert client.get(f"/files/training.course/{pk}/cover/").status_code == 404


def test_stored_extension_and_served_type_come_from_the_bytes(client, city_staff, course_with_file):
    assert course_with_file.cover.name.endswith(".pdf") and "营业执照" not in course_with_file.cover.name
    client.force_login(city_staff)
    response = client.get(private_file_url(course_with_file, "cover", inline=True))
    assert response["Content-Type"] == "application/pdf"
    disposition = response["Content-Disposition"]
    assert disposition.startswith("inline;") and disposition.endswith(f"-{course_with_file.pk}.pdf")


def test_html_renamed_as_an_image_is_stored_and_served_as_an_opaque_download(client, city_staff, course_with_file):
    course_with_file.cover.storage.delete(course_with_file.cover.name)
    course_with_file.cover.save("cover.png", ContentFile(b"<html><script>alert(1)</script></html>"))
    assert course_with_file.cover.name.endswith(".bin")
    client.force_login(city_staff)
    response = client.get(private_file_url(course_with_file, "cover", inline=True))
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"


def test_a_file_stored_under_a_wrong_extension_before_is_served_by_its_bytes(client, city_staff, course_with_file):
    storage = course_with_file.cover.storage
    name = storage.save("training/covers/old.pdf", ContentFile(PNG))
    old_name = course_with_file.cover.name
    Course.objects.filter(pk=course_with_file.pk).update(cover=name)
    client.force_login(city_staff)
    response = client.get(private_file_url(course_with_file, "cover"))
    assert response["Content-Type"] == "image/png" and response["Content-Disposition"].endswith(".png")
    storage.delete(name)
    Course.objects.filter(pk=course_with_file.pk).update(cover=old_name)


@pytest.mark.parametrize(("header", "expected"), [
    ("", None),
    ("bytes=0-", (0, 99)),
    ("bytes=0-9", (0, 9)),
    ("bytes=10-10", (10, 10)),
    ("bytes=90-500", (90, 99)),
    ("bytes=-10", (90, 99)),
    ("bytes=-500", (0, 99)),
    ("bytes=100-", "unsatisfiable"),
    ("bytes=100-200", "unsatisfiable"),
    ("bytes=-0", "unsatisfiable"),
    ("bytes=99999999999999999999999999-", "unsatisfiable"),
    ("bytes=5-2", None),
    ("bytes=-", None),
    ("bytes=0-1,5-6", None),
    ("bytes=a-b", None),
    ("items=0-5", None),
    ("bytes=0-\x00", None),
    ("bytes=" + "9" * 5000 + "-", None),
    ("bytes=１-２", None),
])
def test_range_parsing(header, expected):
    assert parse_range(header, 100) == expected


def test_suffix_range_and_open_range_stream_the_right_bytes(client, city_staff, course_with_file):
    client.force_login(city_staff)
    url = private_file_url(course_with_file, "cover")
    response = client.get(url, HTTP_RANGE="bytes=-6")
    assert response.status_code == 206 and b"".join(response.streaming_content) == PDF[-6:]
    assert response["Content-Range"] == f"bytes {len(PDF) - 6}-{len(PDF) - 1}/{len(PDF)}"
    response = client.get(url, HTTP_RANGE="bytes=0-")
    assert response.status_code == 206 and b"".join(response.streaming_content) == PDF
    assert response["Content-Length"] == str(len(PDF))


def test_unsatisfiable_range_is_416(client, city_staff, course_with_file):
    client.force_login(city_staff)
    response = client.get(private_file_url(course_with_file, "cover"), HTTP_RANGE=f"bytes={len(PDF)}-")
    assert response.status_code == 416
    assert response["Content-Range"] == f"bytes */{len(PDF)}"


def test_malformed_range_gets_the_whole_file(client, city_staff, course_with_file):
    client.force_login(city_staff)
    response = client.get(private_file_url(course_with_file, "cover"), HTTP_RANGE="bytes=oops")
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF


def test_a_big_range_is_read_in_chunks_not_at_once(client, city_staff, course_with_file, monkeypatch):
    from apps.core import uploads

    storage = course_with_file.cover.storage
    big = b"\x1aE\xdf\xa3" + b"v" * (3 * uploads.CHUNK_SIZE + 5)  # webm magic, then filler
    name = storage.save("training/covers/big.webm", ContentFile(big))
    old_name = course_with_file.cover.name
    Course.objects.filter(pk=course_with_file.pk).update(cover=name)
    reads = []
    original_open = storage.open

    class Spy:
        def __init__(self, handle):
            self.handle = handle

        def __getattr__(self, name):
            return getattr(self.handle, name)

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            self.handle.close()

        def read(self, size=-1):
            reads.append(size)
            return self.handle.read(size)

    def spying_open(path, mode="rb"):
        return Spy(original_open(path, mode))

    monkeypatch.setattr(storage, "open", spying_open)
    client.force_login(city_staff)
    response = client.get(private_file_url(course_with_file, "cover"), HTTP_RANGE="bytes=0-")
    assert response.status_code == 206 and response.streaming
    body = b"".join(response.streaming_content)
    assert body == big
    assert max(reads) <= uploads.CHUNK_SIZE and -1 not in reads
    monkeypatch.undo()
    storage.delete(name)
    Course.objects.filter(pk=course_with_file.pk).update(cover=old_name)


def test_private_storage_has_no_public_url():
    with pytest.raises(ValueError):
        storages["private"].url("x.pdf")


def test_pdf_can_be_opened_in_the_browser_when_asked(client, city_staff, enterprise_with_file):
    client.force_login(city_staff)
    response = client.get(private_file_url(enterprise_with_file, "cover", inline=True))
    assert response["Content-Disposition"].startswith("inline")
