"""One way for every app to take and serve files.

* ``UploadField(kind=...)`` in a form checks the size and the real type (read from the bytes,
  not the name or the browser's claim) against ``settings.UPLOAD_KINDS``.
* ``PrivateFileField(upload_to="recruitment/resumes")`` on a model stores the file in the
  private storage under a random name; it has no public URL.
* ``private_files.register(Model, checker)`` tells core who may download a model's files:
  ``checker(user, obj, field_name) -> bool``. The file is then served only through
  ``core:private_file`` (``private_file_url(obj, "field")``), as an attachment, and with
  X-Accel-Redirect when nginx is in front.
"""
from __future__ import annotations

import os
import re
import uuid
from collections.abc import Callable

import filetype
from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import storages
from django.core.signals import setting_changed
from django.db import models
from django.db.models.fields.files import FieldFile
from django.http import HttpResponse, StreamingHttpResponse
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils import timezone
from django.utils.deconstruct import deconstructible
from django.utils.functional import LazyObject, empty

from apps.core.downloads import content_disposition

_MIME_LABELS = {
    "application/pdf": "PDF",
    "image/jpeg": "JPG",
    "image/png": "PNG",
    "image/webp": "WebP",
    "video/mp4": "MP4",
    "video/webm": "WebM",
    "application/msword": "Word（.doc）",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "Word（.docx）",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "Excel（.xlsx）",
}


# The extension a stored file gets and the type it is served with follow its detected type.
EXTENSIONS = {
    "application/pdf": "pdf",
    "image/jpeg": "jpg",
    "image/png": "png",
    "image/webp": "webp",
    "video/mp4": "mp4",
    "video/webm": "webm",
    "application/msword": "doc",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xlsx",
}


def detect_mime(uploaded) -> str | None:
    """The file's type judged from its first bytes."""
    position = uploaded.tell() if hasattr(uploaded, "tell") else 0
    uploaded.seek(0)
    head = uploaded.read(8192)
    uploaded.seek(position)
    kind = filetype.guess(head)
    if kind is None:
        return None
    mime = kind.mime
    # .docx and .xlsx are zip files; filetype tells them apart by their content listing.
    if mime == "application/zip":
        uploaded.seek(0)
        import zipfile

        try:
            with zipfile.ZipFile(uploaded) as archive:
                names = set(archive.namelist())
        except zipfile.BadZipFile:
            names = set()
        uploaded.seek(position)
        if "word/document.xml" in names:
            return "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
        if "xl/workbook.xml" in names:
            return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return mime


def validate_upload(uploaded, kind: str) -> str:
    """Raise ValidationError unless ``uploaded`` fits ``settings.UPLOAD_KINDS[kind]``; return its MIME type."""
    rule = settings.UPLOAD_KINDS[kind]
    limit = rule["max_mb"] * 1024 * 1024
    if uploaded.size > limit:
        raise ValidationError(
            "文件过大：%(size)s，上限为 %(limit)s。",
            code="file_too_large",
            params={"size": filesizeformat(uploaded.size), "limit": filesizeformat(limit)},
        )
    if uploaded.size == 0:
        raise ValidationError("文件是空的。", code="file_empty")
    mime = detect_mime(uploaded)
    if mime not in rule["mimes"]:
        allowed = "、".join(_MIME_LABELS.get(m, m) for m in rule["mimes"])
        raise ValidationError("文件类型不符：只接受 %(allowed)s 文件。", code="file_type", params={"allowed": allowed})
    return mime


class UploadField(forms.FileField):
    def __init__(self, *, kind: str, **kwargs):
        self.kind = kind
        super().__init__(**kwargs)
        accept = ",".join(settings.UPLOAD_KINDS[kind]["mimes"])
        self.widget.attrs.setdefault("accept", accept)
        if not self.help_text:
            limit = settings.UPLOAD_KINDS[kind]["max_mb"]
            labels = "、".join(_MIME_LABELS.get(m, m) for m in settings.UPLOAD_KINDS[kind]["mimes"])
            self.help_text = f"{labels}，不超过 {limit} MB"

    def clean(self, data, initial=None):
        value = super().clean(data, initial)
        if value and hasattr(value, "size") and value is not initial:
            validate_upload(value, self.kind)
        return value


@deconstructible
class RandomName:
    """upload_to callable: ``<prefix>/<yyyy>/<mm>/<random>.<ext>``; the uploader's name is not kept."""

    def __init__(self, prefix: str) -> None:
        self.prefix = prefix.strip("/")

    def __call__(self, instance, filename: str) -> str:
        # PrivateFieldFile.save() has already replaced the extension with the detected type's.
        ext = os.path.splitext(filename)[1].lower().lstrip(".")
        ext = ext if ext in EXTENSIONS.values() else "bin"
        now = timezone.now()
        return f"{self.prefix}/{now:%Y}/{now:%m}/{uuid.uuid4().hex}.{ext}"

    def __eq__(self, other) -> bool:
        return isinstance(other, RandomName) and other.prefix == self.prefix


class _PrivateStorage(LazyObject):
    """``storages["private"]``, resolved when first used and again after the STORAGES setting changes.

    A file field builds its storage when the models are imported, which is before a test run (or
    anything else) can point STORAGES at another place; holding this proxy instead of the storage
    itself makes every field follow the setting in force when a file is saved or read.
    """

    def _setup(self):
        self._wrapped = storages["private"]


private_storage = _PrivateStorage()


def _storages_changed(*, setting, **kwargs) -> None:
    if setting == "STORAGES":
        private_storage._wrapped = empty


setting_changed.connect(_storages_changed)


def _private_storage():
    # The migrations name this function; it hands every PrivateFileField the one proxy above.
    return private_storage


class PrivateFieldFile(FieldFile):
    def save(self, name, content, save=True):
        """Store under an extension taken from the bytes, whatever name the uploader gave."""
        mime = detect_mime(content)
        name = f"upload.{EXTENSIONS.get(mime, 'bin')}"
        super().save(name, content, save=save)


class PrivateFileField(models.FileField):
    attr_class = PrivateFieldFile

    def __init__(self, *args, upload_to: str | RandomName = "files", **kwargs):
        if isinstance(upload_to, str):
            upload_to = RandomName(upload_to)
        kwargs.setdefault("storage", _private_storage)
        kwargs.setdefault("max_length", 200)
        super().__init__(*args, upload_to=upload_to, **kwargs)


Checker = Callable[[object, models.Model, str], bool]


class PrivateFileRegistry:
    def __init__(self) -> None:
        self._checkers: dict[str, tuple[type[models.Model], Checker]] = {}

    def register(self, model: type[models.Model], checker: Checker) -> None:
        self._checkers[model._meta.label_lower] = (model, checker)

    def lookup(self, label: str) -> tuple[type[models.Model], Checker] | None:
        return self._checkers.get(label)


private_files = PrivateFileRegistry()


# Types a browser may show in the page instead of downloading (asked for with ``inline=True``).
INLINE_TYPES = {"application/pdf", "image/jpeg", "image/png", "image/webp", "video/mp4", "video/webm"}


def private_file_url(obj: models.Model, field_name: str, *, inline: bool = False) -> str:
    url = reverse(
        "core:private_file", kwargs={"label": obj._meta.label_lower, "pk": obj.pk, "field_name": field_name}
    )
    return f"{url}?inline=1" if inline else url


def stored_content_type(stored) -> str:
    """The type of a stored file read from its first bytes (older files kept the uploader's extension)."""
    try:
        with stored.open("rb") as handle:
            mime = detect_mime(handle)
    except (OSError, ValueError):
        mime = None
    return mime if mime in EXTENSIONS else "application/octet-stream"


CHUNK_SIZE = 64 * 1024
_RANGE_RE = re.compile(r"^bytes=([0-9]{0,30})-([0-9]{0,30})$")


def parse_range(header: str, size: int) -> tuple[int, int] | None | str:
    """The single byte range asked for, as (first, last) inclusive, clipped to the file.

    None when there is no usable Range header (absent, malformed, several ranges: send the whole
    file, as RFC 9110 allows); "unsatisfiable" when it starts past the end (answer 416).
    """
    match = _RANGE_RE.match(header.strip()) if header else None
    if not match or not (match.group(1) or match.group(2)):
        return None
    first, last = match.group(1), match.group(2)
    if first:
        start = int(first)
        end = min(int(last), size - 1) if last else size - 1
        if last and int(last) < start:
            return None  # "bytes=5-2" is invalid syntax, not an unsatisfiable range
        if start >= size:
            return "unsatisfiable"
        return start, end
    suffix = int(last)
    if suffix == 0 or size == 0:
        return "unsatisfiable"
    return max(size - suffix, 0), size - 1


def _chunks(stored, start: int, length: int):
    """Read ``length`` bytes from ``start`` in chunks; the file is closed when the response ends."""
    handle = stored.open("rb")
    try:
        handle.seek(start)
        while length > 0:
            chunk = handle.read(min(CHUNK_SIZE, length))
            if not chunk:
                break
            length -= len(chunk)
            yield chunk
    finally:
        handle.close()


def file_response(request, stored, *, download_name: str, inline: bool = False) -> HttpResponse:
    """Send a stored file: through nginx (X-Accel-Redirect) when configured, else streamed.

    The type comes from the file's bytes, never from a name; an attachment unless ``inline`` is
    asked for a type browsers show safely; byte ranges are honoured (streamed in chunks) so video
    players can seek.
    """
    content_type = stored_content_type(stored)
    extension = EXTENSIONS.get(content_type, "bin")
    disposition = "inline" if inline and content_type in INLINE_TYPES else "attachment"
    if settings.PRIVATE_FILES_X_ACCEL_PREFIX:
        response = HttpResponse(content_type=content_type)
        response["X-Accel-Redirect"] = settings.PRIVATE_FILES_X_ACCEL_PREFIX.rstrip("/") + "/" + stored.name
    else:
        response = _ranged_response(request, stored, content_type)
    response["Content-Disposition"] = content_disposition(f"{download_name}.{extension}",
                                                          inline=disposition == "inline")
    response["Cache-Control"] = "private, no-store"
    return response


def _ranged_response(request, stored, content_type: str) -> HttpResponse:
    size = stored.size
    wanted = parse_range(request.headers.get("Range", ""), size)
    if wanted == "unsatisfiable":
        response = HttpResponse(status=416)
        response["Content-Range"] = f"bytes */{size}"
        return response
    if wanted is None:
        response = StreamingHttpResponse(_chunks(stored, 0, size), content_type=content_type)
        response["Content-Length"] = str(size)
    else:
        start, end = wanted
        response = StreamingHttpResponse(_chunks(stored, start, end - start + 1), status=206,
                                         content_type=content_type)
        response["Content-Range"] = f"bytes {start}-{end}/{size}"
        response["Content-Length"] = str(end - start + 1)
    response["Accept-Ranges"] = "bytes"
    return response
