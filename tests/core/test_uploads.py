from __future__ import annotations

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings

from apps.core.uploads import RandomName, UploadField, validate_upload

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
       b"\x00\x00\x00\nIDATx\x9cc\x00\x01\x00\x00\x05\x00\x01\r\n-\xb4\x00\x00\x00\x00IEND\xaeB`\x82")


def test_a_real_pdf_is_accepted():
    assert validate_upload(SimpleUploadedFile("简历.pdf", PDF), "pdf") == "application/pdf"


def test_a_renamed_image_is_refused_as_pdf():
    fake = SimpleUploadedFile("resume.pdf", PNG, content_type="application/pdf")
    with pytest.raises(ValidationError) as error:
        validate_upload(fake, "pdf")
    assert "只接受 PDF" in error.value.messages[0]


@override_settings(UPLOAD_KINDS={"pdf": {"mimes": ["application/pdf"], "max_mb": 1}})
def test_oversize_file_is_refused_with_the_limit():
    big = SimpleUploadedFile("big.pdf", PDF + b"0" * (1024 * 1024 + 1))
    with pytest.raises(ValidationError) as error:
        validate_upload(big, "pdf")
    assert "文件过大" in error.value.messages[0]


def test_form_field_reports_errors_in_chinese():
    field = UploadField(kind="image")
    with pytest.raises(ValidationError) as error:
        field.clean(SimpleUploadedFile("photo.jpg", b"not an image at all"))
    assert "文件类型不符" in error.value.messages[0]


def test_docx_is_told_apart_from_a_zip():
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    docx = SimpleUploadedFile("材料.docx", buffer.getvalue())
    assert validate_upload(docx, "document").endswith("wordprocessingml.document")
    plain_zip = io.BytesIO()
    with zipfile.ZipFile(plain_zip, "w") as archive:
        archive.writestr("a.txt", "x")
    with pytest.raises(ValidationError):
        validate_upload(SimpleUploadedFile("材料.docx", plain_zip.getvalue()), "document")


def test_stored_names_are_random_and_keep_no_personal_name():
    name = RandomName("recruitment/resumes")(None, "张伟-身份证.PDF")
    assert name.startswith("recruitment/resumes/") and name.endswith(".pdf")
    assert "张伟" not in name
    assert RandomName("x")(None, "a.pdf") != RandomName("x")(None, "a.pdf")
