"""The production topology for real: nginx from deploy/nginx/jiaozuo.conf in front of gunicorn on PostgreSQL.

Skipped (with the reason) where nginx or PostgreSQL is missing; under CI=true that is a failure.
"""
from __future__ import annotations

import gzip
import http.client
import os
import re
import ssl

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import connection

from apps.core.uploads import private_file_url
from tests.conftest import require, require_postgres
from tests.recruitment.factories import make_seeker_profile

from .stack import NGINX, PRIVATE_PREFIX, Stack, database_url

pytestmark = pytest.mark.django_db(transaction=True)

# The test's client connects from this loopback address; nginx sees it, gunicorn sees nginx (127.0.0.1).
CLIENT_ADDRESS = "127.0.0.23"
PDF = b"%PDF-1.4\n" + b"resume of a worker " * 200 + b"\n%%EOF\n"


class Browser:
    """A tiny HTTPS client that connects from CLIENT_ADDRESS and keeps its cookies."""

    def __init__(self, port: int):
        self.port = port
        self.cookies: dict[str, str] = {}
        self.context = ssl.create_default_context()
        self.context.check_hostname = False
        self.context.verify_mode = ssl.CERT_NONE

    def connection(self) -> http.client.HTTPSConnection:
        return http.client.HTTPSConnection("127.0.0.1", self.port, context=self.context, timeout=30,
                                           source_address=(CLIENT_ADDRESS, 0))

    def request(self, method: str, path: str, body: bytes | None = None, headers: dict | None = None):
        conn = self.connection()
        headers = dict(headers or {})
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        content = response.read()
        for value in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = value.partition("=")
            self.cookies[name.strip()] = rest.split(";", 1)[0]
        conn.close()
        return response, content


@pytest.fixture(scope="module")
def stack(tmp_path_factory, django_db_setup, django_db_blocker):
    """One nginx and one gunicorn for the module (collectstatic and start-up are the slow part)."""
    require(NGINX is not None, "需要 nginx（apt-get install nginx）")
    with django_db_blocker.unblock():
        require_postgres()
        db = connection.settings_dict
    # The storage the private file fields really use (made when the models load).
    from apps.recruitment.models import SeekerProfile

    private_root = str(SeekerProfile._meta.get_field("resume_pdf").storage.location)
    os.makedirs(private_root, exist_ok=True)
    env = {**os.environ, "DATABASE_URL": database_url(db), "DEBUG": "0", "FORCE_HTTPS": "1", "BEHIND_PROXY": "1",
           "ALLOWED_HOSTS": "127.0.0.1,localhost", "STATIC_MANIFEST": "1", "PRIVATE_MEDIA_ROOT": private_root,
           "MEDIA_ROOT": settings.MEDIA_ROOT, "PRIVATE_FILES_X_ACCEL_PREFIX": PRIVATE_PREFIX}
    env.pop("TRUSTED_PROXY_COUNT", None)
    folder = tmp_path_factory.mktemp("topology")
    running = Stack(folder, env, media_root=folder / "media", private_root=private_root)
    yield running
    running.stop()


def _session_of(user) -> str:
    """A signed-in session for ``user`` (each in its own client: signing in again flushes a session)."""
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def test_private_file_goes_through_nginx_only_after_the_permission_check(stack, worker, other_worker, org_tree):
    profile = make_seeker_profile(worker, org_tree.xiuwu)
    profile.resume_pdf.save("cv.pdf", ContentFile(PDF), save=True)
    url = private_file_url(profile, "resume_pdf")
    owner, outsider, anonymous = Browser(stack.https_port), Browser(stack.https_port), Browser(stack.https_port)
    owner.cookies[settings.SESSION_COOKIE_NAME] = _session_of(worker)
    outsider.cookies[settings.SESSION_COOKIE_NAME] = _session_of(other_worker)

    response, body = owner.request("GET", url)
    assert response.status == 200
    assert body == PDF  # the bytes came from nginx's internal location, not from the application
    assert response.getheader("X-Accel-Redirect") is None
    assert response.getheader("Content-Type") == "application/pdf"
    assert "attachment" in response.getheader("Content-Disposition")
    assert "no-store" in response.getheader("Cache-Control")

    for refused in (outsider, anonymous):
        response, body = refused.request("GET", url)
        assert response.status == 404
        assert PDF not in body

    # The internal location itself answers nobody, not even the owner.
    direct = PRIVATE_PREFIX + profile.resume_pdf.name
    for who in (owner, anonymous):
        response, body = who.request("GET", direct)
        assert response.status == 404
        assert PDF not in body
    # Nor does a path that climbs out of it.
    response, body = owner.request("GET", PRIVATE_PREFIX + "../" + profile.resume_pdf.name)
    assert response.status in (400, 404) and PDF not in body


def test_static_files_come_from_nginx_compressed(stack):
    browser = Browser(stack.https_port)
    response, page = browser.request("GET", "/accounts/login/")
    assert response.status == 200
    css = re.search(rb'href="(/static/[^"]+\.css)"', page).group(1).decode()
    assert re.search(r"\.[0-9a-f]{12}\.css$", css), css  # collectstatic's hashed name

    response, body = browser.request("GET", css, headers={"Accept-Encoding": "gzip"})
    assert response.status == 200
    assert response.getheader("Content-Encoding") == "gzip"
    assert b"{" in gzip.decompress(body)
    assert "immutable" in response.getheader("Cache-Control")
    plain_response, plain = browser.request("GET", css)
    assert plain_response.getheader("Content-Encoding") is None
    assert gzip.decompress(body) == plain

    # gunicorn answered the page but never the stylesheet.
    access = stack.gunicorn_access.read_text()
    assert "/accounts/login/" in access
    assert "/static/" not in access


def _failed_login(browser: Browser, username: str, headers: dict | None = None) -> int:
    response, page = browser.request("GET", "/accounts/login/", headers=headers)
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1).decode()
    origin = f"https://127.0.0.1:{browser.port}"
    body = f"csrfmiddlewaretoken={token}&username={username}&password=wrong-password-123".encode()
    response, _ = browser.request("POST", "/accounts/login/", body=body, headers={
        **(headers or {}), "Content-Type": "application/x-www-form-urlencoded", "Origin": origin,
        "Referer": origin + "/accounts/login/"})
    return response.status


def test_the_address_the_app_records_is_the_one_nginx_saw(stack):
    from axes.models import AccessAttempt

    browser = Browser(stack.https_port)
    assert _failed_login(browser, "nobody-plain") == 200
    assert AccessAttempt.objects.get(username="nobody-plain").ip_address == CLIENT_ADDRESS

    # A forged X-Forwarded-For is kept to the left of what nginx appends, and ignored.
    forged = {"X-Forwarded-For": "203.0.113.9", "X-Forwarded-Proto": "http", "X-Real-IP": "203.0.113.9"}
    assert _failed_login(browser, "nobody-forged", headers=forged) == 200
    assert AccessAttempt.objects.get(username="nobody-forged").ip_address == CLIENT_ADDRESS


def test_plain_http_is_redirected_to_https(stack):
    conn = http.client.HTTPConnection("127.0.0.1", stack.http_port, timeout=10)
    conn.request("GET", "/accounts/login/?next=/")
    response = conn.getresponse()
    assert response.status == 301
    assert response.getheader("Location").startswith("https://")


def test_an_upload_over_the_limit_is_refused_by_nginx_with_the_portals_page(stack):
    limit_mb = max(kind["max_mb"] for kind in settings.UPLOAD_KINDS.values())
    browser = Browser(stack.https_port)
    conn = browser.connection()
    # nginx reads Content-Length first and refuses before any of the body is sent.
    conn.putrequest("POST", "/recruitment/")
    conn.putheader("Content-Type", "multipart/form-data; boundary=x")
    conn.putheader("Content-Length", str((limit_mb + 2) * 1024 * 1024))
    conn.endheaders()
    response = conn.getresponse()
    body = response.read().decode()
    conn.close()
    assert response.status == 413
    assert "上传的文件太大" in body
    assert response.getheader("Content-Type").startswith("text/html")
    assert "POST /recruitment/" not in stack.gunicorn_access.read_text()
