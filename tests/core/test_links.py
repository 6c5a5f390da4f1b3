"""Addresses people type that the portal renders as links: ``http``/``https`` only, refused in the service.

The template walk below finds every ``href="{{ … }}"`` in the templates. Each one is either built by
the code (the reviewed list ``BUILT_BY_CODE``) or is a user-typed field that passes through the
``web_link`` filter and is listed in ``USER_LINK_FIELDS`` with a service test refusing hostile values.
"""
from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone

from apps.core.fields import WebLinkFormField
from apps.core.templatetags.portal import web_link
from apps.core.validators import validate_web_link
from apps.recruitment import services
from apps.recruitment.models import FairParticipation, Interview, JobFair, LiveSession
from apps.volunteers.models import Activity
from tests.recruitment.factories import JobPostFactory, make_employer, make_seeker_profile

HOSTILE = [
    "javascript:alert(1)",
    "JAVASCRIPT:alert(1)",
    " javascript:alert(1)",
    "java\tscript:alert(1)",
    "javascript&colon;alert(1)",
    "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    "vbscript:msgbox(1)",
    "//evil.example/live",
    "/\\evil.example",
    "https:\\\\evil.example",
    "https:evil.example",
    "ftp://files.example.cn/a",
    "file:///etc/passwd",
    "https://live.example.cn/\x00",
    "https://live.example.cn/a\nb",
    "https://live.example.cn/\u202eexe",
    "https://live.example.cn/\u200b",
    "http://",
    "腾讯会议 123456",
]
# Through the services: one of each family (the validator above meets them all).
HOSTILE_SAMPLE = ["javascript:alert(1)", "data:text/html,x", "vbscript:msgbox(1)", "//evil.example/live",
                  "https://live.example.cn/\x00", "腾讯会议 123456"]
GOOD = ["https://meeting.tencent.com/dm/abc", "http://live.example.cn:8080/room?id=1&x=2", "https://直播.中国/1"]

# Template expressions that are addresses the code builds (reverse(), registries), not user input.
BUILT_BY_CODE = {"verify_url", "back", "row.url", "row.link", "item.url", "todo.url", "section.more_url", "link.url",
                 "card.url",  # a job's own page, reversed in the selector
                 "document_url", "photo_url", "e.evidence_url", "attachment_url",
                 "url", "v.proof_url",  # private_file_url() of uploads
                 "next",  # the second-factor pages pass it through redirects.safe_next
                 "guide.url"}  # core.registry.guidance_articles: an article's own page, reversed by publicity
# (template expression, model, field) of every user-typed address rendered as a link.
USER_LINK_FIELDS = [
    ("session.link", LiveSession, "link"),
    ("interview.location", Interview, "location"),
    ("activity.online_link", Activity, "online_link"),
]


@pytest.mark.parametrize("value", HOSTILE)
def test_validator_refuses_with_a_chinese_message(value):
    with pytest.raises(ValidationError) as caught:
        validate_web_link(value)
    assert re.search(r"[\u4e00-\u9fff]", " ".join(caught.value.messages))
    assert web_link(value) == ""


@pytest.mark.parametrize("value", GOOD)
def test_validator_accepts_web_addresses(value):
    validate_web_link(value)
    assert web_link(value) == value


def test_form_field_refuses_javascript_and_completes_a_bare_host():
    field = WebLinkFormField()
    with pytest.raises(ValidationError):
        field.clean("javascript:alert(1)")
    assert field.clean("live.example.cn/1") == "https://live.example.cn/1"


def test_every_href_from_a_variable_is_reviewed():
    pattern = re.compile(r"""href=["']\{\{\s*([\w.]+)\s*((?:\|[^}]*)?)\}\}""")
    user_exprs = {expr for expr, _, _ in USER_LINK_FIELDS}
    unreviewed = []
    for path in Path(settings.BASE_DIR, "templates").rglob("*.html"):
        for expr, filters in pattern.findall(path.read_text()):
            if expr in BUILT_BY_CODE:
                continue
            if expr in user_exprs and "web_link" in filters:
                continue
            unreviewed.append(f"{path.name}: {expr}{filters}")
    assert not unreviewed, f"未经审查的链接（用户输入须经 web_link 过滤并在服务中校验）：{unreviewed}"


def test_every_listed_field_is_a_real_model_field():
    for _, model, field in USER_LINK_FIELDS:
        model._meta.get_field(field)


# --- the services refuse hostile values -----------------------------------------------------------


@pytest.fixture
def application(worker, org_tree, xiuwu_enterprise):
    employer = make_employer(xiuwu_enterprise, "employer_hengda")
    post = JobPostFactory(enterprise=xiuwu_enterprise)
    make_seeker_profile(worker, org_tree.xiuwu)
    return employer, services.application_submit(seeker=worker, post=post)


@pytest.mark.parametrize("value", HOSTILE_SAMPLE)
def test_video_interview_link_refused_by_the_service(application, value):
    employer, app = application
    with pytest.raises(ValidationError) as caught:
        services.interview_invite(actor=employer, application=app, scheduled_at=timezone.now() + timedelta(days=1),
                                  mode=Interview.Mode.VIDEO, location=value)
    assert "location" in caught.value.message_dict
    assert not Interview.objects.exists()


def test_onsite_interview_takes_an_address(application):
    employer, app = application
    interview = services.interview_invite(actor=employer, application=app,
                                          scheduled_at=timezone.now() + timedelta(days=1),
                                          mode=Interview.Mode.ONSITE, location="修武县产业园区 3 号楼")
    assert interview.location == "修武县产业园区 3 号楼"


def test_an_address_is_never_rendered_as_a_link(client, worker, application):
    employer, app = application
    services.interview_invite(actor=employer, application=app, scheduled_at=timezone.now() + timedelta(days=1),
                              mode=Interview.Mode.ONSITE, location="javascript:alert(1)")
    Interview.objects.update(mode=Interview.Mode.VIDEO)  # as if stored before validation existed
    client.force_login(worker)
    from django.urls import reverse

    page = client.get(reverse("recruitment:application_detail", args=[app.pk])).content.decode()
    assert 'href="javascript' not in page


@pytest.fixture
def fair(xiuwu_enterprise):
    make_employer(xiuwu_enterprise, "employer_hengda")
    fair = JobFair.objects.create(title="春风行动", organizer=xiuwu_enterprise.district,
                                  starts_on=timezone.localdate(), ends_on=timezone.localdate() + timedelta(days=7))
    FairParticipation.objects.create(fair=fair, enterprise=xiuwu_enterprise, status="joined")
    return fair


@pytest.mark.parametrize("value", HOSTILE_SAMPLE)
def test_live_stream_link_refused_by_the_service(city_staff, fair, xiuwu_enterprise, value):
    with pytest.raises(ValidationError) as caught:
        services.live_session_add(actor=city_staff, fair=fair, data={
            "enterprise": xiuwu_enterprise, "title": "直播带岗", "starts_at": timezone.now(), "link": value})
    assert "link" in caught.value.message_dict
    assert not LiveSession.objects.exists()


def test_live_stream_link_accepted(city_staff, fair, xiuwu_enterprise):
    session = services.live_session_add(actor=city_staff, fair=fair, data={
        "enterprise": xiuwu_enterprise, "title": "直播带岗", "starts_at": timezone.now(),
        "link": "https://live.example.cn/1"})
    assert session.link == "https://live.example.cn/1"


def test_the_employer_sees_the_refusal_next_to_the_field(client, application):
    from django.urls import reverse

    employer, app = application
    client.force_login(employer)
    when = (timezone.localtime() + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    response = client.post(reverse("recruitment:employer_application", args=[app.pk]),
                           {"scheduled_at": when, "mode": "video", "link": "javascript:alert(1)"})
    assert response.status_code == 400
    assert "http://" in str(response.context["form"].errors["link"])
    assert not Interview.objects.exists()
