"""Flows a person meets: applying before 求职登记, 学历 wording, an interview form that fits its mode."""
from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from apps.recruitment import services
from apps.recruitment.forms import SeekerProfileForm
from apps.recruitment.models import Application, Education, Interview, SeekerProfile

from .factories import make_application, make_seeker_profile

pytestmark = pytest.mark.django_db


def _profile_data(org_tree, **overrides):
    data = {"real_name": "张伟", "phone": "13900000001", "district": org_tree.xiuwu.pk, "key_group": "migrant",
            "education": "", "experience_years": 3, "desired_categories": ["welding"],
            "desired_districts": [org_tree.xiuwu.pk], "desired_salary": 5000, "allow_recommendation": "on"}
    data.update(overrides)
    return data


# --- applying before 求职登记 ----------------------------------------------------------------------

def test_apply_without_profile_keeps_the_note_and_comes_back_to_finish(client, worker, post, org_tree):
    client.force_login(worker)
    note = "本人有五年电焊经验，持焊工证，可随时到岗。"
    response = client.post(reverse("recruitment:job_apply", args=[post.pk]), {"cover_letter": note})
    assert response.status_code == 302 and "/profile/" in response["Location"]
    assert not Application.objects.exists()
    profile_page = client.get(response["Location"])
    assert 'data-testid="resume-apply"' in profile_page.content.decode()
    saved = client.post(response["Location"], _profile_data(org_tree))
    assert saved.status_code == 302
    assert saved["Location"] == post.get_absolute_url() + "#apply"
    page = client.get(post.get_absolute_url()).content.decode()
    assert note in page and 'data-testid="draft-kept"' in page
    client.post(reverse("recruitment:job_apply", args=[post.pk]), {"cover_letter": note})
    assert Application.objects.get().cover_letter == note
    assert note not in client.get(post.get_absolute_url()).content.decode().split('id="apply"')[-1]


def test_the_draft_belongs_to_its_post_only(client, worker, post, boai_post, org_tree):
    client.force_login(worker)
    client.post(reverse("recruitment:job_apply", args=[post.pk]), {"cover_letter": "给恒达的留言"})
    assert "给恒达的留言" not in client.get(boai_post.get_absolute_url()).content.decode()


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/x", "javascript:alert(1)",
                                    "/jobs/\u202e", "http:/\\evil.example"])
def test_profile_next_never_leaves_the_site(client, worker, org_tree, target):
    client.force_login(worker)
    response = client.post(reverse("recruitment:seeker_profile") + "?" + __import__("urllib.parse").parse.urlencode(
        {"next": target}), _profile_data(org_tree))
    assert response.status_code == 302
    assert response["Location"] == reverse("recruitment:my_applications")


# --- 学历 --------------------------------------------------------------------------------------------

def test_education_is_optional_without_star_and_without_a_not_filled_default(client, worker, org_tree):
    form = SeekerProfileForm()
    assert form.fields["education"].required is False
    assert "不填写" not in dict(form.fields["education"].choices).values()
    assert "不限" not in dict(form.fields["education"].choices).values()
    client.force_login(worker)
    page = client.get(reverse("recruitment:seeker_profile")).content.decode()
    label = page[page.index('for="id_education"'):page.index("</label>", page.index('for="id_education"'))]
    assert "asteriskField" not in label and "*" not in label
    assert client.post(reverse("recruitment:seeker_profile"), _profile_data(org_tree)).status_code == 302
    assert SeekerProfile.objects.get(user=worker).education == Education.NONE


def test_a_bad_education_value_is_refused_and_nothing_saved(client, worker, org_tree):
    client.force_login(worker)
    response = client.post(reverse("recruitment:seeker_profile"), _profile_data(org_tree, education="phd"))
    assert response.status_code == 400 and "education" in response.context["form"].errors
    assert not SeekerProfile.objects.exists()


def test_a_person_is_never_described_as_education_unlimited(client, employer, worker, post, org_tree):
    profile = make_seeker_profile(worker, org_tree.xiuwu)
    SeekerProfile.objects.filter(pk=profile.pk).update(education=Education.NONE)
    application = make_application(post, worker)
    client.force_login(employer)
    for url in (reverse("recruitment:employer_applicants", args=[post.pk]),
                reverse("recruitment:employer_application", args=[application.pk])):
        page = client.get(url).content.decode()
        assert "学历不限" not in page and "学历未填写" in page


# --- the interview form fits its mode ---------------------------------------------------------------

def _when():
    return (timezone.localtime() + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")


@pytest.mark.parametrize(("mode", "field", "value", "stored"), [
    ("phone", "phone", "138 0000 0000", "13800000000"),
    ("phone", "phone", "0391-3568888", "0391-3568888"),
    ("video", "link", "https://meeting.tencent.com/dm/abc", "https://meeting.tencent.com/dm/abc"),
    ("onsite", "address", "焦作市山阳区人民路 100 号 3 楼", "焦作市山阳区人民路 100 号 3 楼"),
])
def test_each_mode_takes_its_own_field(client, employer, seeker, post, mode, field, value, stored):
    application = make_application(post, seeker)
    client.force_login(employer)
    url = reverse("recruitment:employer_application", args=[application.pk])
    # The other fields may hold leftovers from switching modes; only the chosen mode's field counts.
    data = {"scheduled_at": _when(), "mode": mode, "phone": "不是电话", "link": "javascript:alert(1)",
            "address": "", field: value}
    assert client.post(url, data).status_code == 302
    interview = Interview.objects.get()
    assert interview.mode == mode and interview.location == stored


@pytest.mark.parametrize(("mode", "field", "value", "message"), [
    ("phone", "phone", "", "手机号码"),
    ("phone", "phone", "12345", "固定电话"),
    ("phone", "phone", "https://m.example.cn/1", "手机号码"),
    ("video", "link", "", "http"),
    ("video", "link", "javascript:alert(1)", "http"),
    ("video", "link", "ftp://files.example.cn/x", "http"),
    ("video", "link", "meeting.example.cn", "http"),
    ("video", "link", "https://m.example.cn/\u200b", "字符"),
    ("onsite", "address", "", "地址"),
    ("onsite", "address", "https://m.example.cn/1", "视频面试"),
    ("onsite", "address", "楼" * 400, "不超过 300"),
])
def test_bad_place_for_the_mode_is_refused_next_to_its_field(client, employer, seeker, post, mode, field, value,
                                                             message):
    application = make_application(post, seeker)
    client.force_login(employer)
    url = reverse("recruitment:employer_application", args=[application.pk])
    response = client.post(url, {"scheduled_at": _when(), "mode": mode, field: value})
    assert response.status_code == 400
    assert message in " ".join(response.context["form"].errors.get(field, []))
    assert not Interview.objects.exists()


@pytest.mark.parametrize(("data", "field"), [
    ({"mode": "carrier-pigeon", "link": "https://m.example.cn/1"}, "mode"),
    ({"mode": "video", "link": "https://m.example.cn/1", "scheduled_at": "9999-12-31T10:00"}, "scheduled_at"),
    ({"mode": "video", "link": "https://m.example.cn/1", "scheduled_at": "2020-01-01T10:00"}, "scheduled_at"),
])
def test_bad_mode_or_time_is_refused(client, employer, seeker, post, data, field):
    application = make_application(post, seeker)
    client.force_login(employer)
    response = client.post(reverse("recruitment:employer_application", args=[application.pk]),
                           {"scheduled_at": _when(), **data})
    assert response.status_code == 400 and field in response.context["form"].errors
    assert not Interview.objects.exists()


def test_the_service_refuses_a_place_that_does_not_fit_the_mode(employer, seeker, post):
    application = make_application(post, seeker)
    with pytest.raises(ValidationError) as raised:
        services.interview_invite(actor=employer, application=application, mode="video",
                                  scheduled_at=timezone.now() + timedelta(days=1), location="javascript:alert(1)")
    assert "location" in raised.value.message_dict
    assert not Interview.objects.exists()


def test_once_sent_the_invite_gives_way_to_the_interview(client, employer, seeker, post):
    application = make_application(post, seeker)
    client.force_login(employer)
    url = reverse("recruitment:employer_application", args=[application.pk])
    page = client.get(url).content.decode()
    assert 'data-testid="invite-form"' in page and 'data-testid="open-interview"' not in page
    client.post(url, {"scheduled_at": _when(), "mode": "onsite", "address": "焦作市山阳区人民路 100 号"})
    page = client.get(url).content.decode()
    open_box = page[page.index('data-testid="open-interview"'):]
    assert "焦作市山阳区人民路 100 号" in open_box and "现场面试" in open_box
    # The form is still there to change the time, folded away under 改约.
    assert "改约时间或方式" in open_box and "<details" in open_box and "<details class=\"mt-2\" open" not in page


def test_the_form_marks_each_place_field_with_its_mode_for_the_script(client, employer, seeker, post):
    application = make_application(post, seeker)
    client.force_login(employer)
    page = client.get(reverse("recruitment:employer_application", args=[application.pk])).content.decode()
    for mode in ("phone", "video", "onsite"):
        assert f'data-interview-place="{mode}"' in page
    assert 'data-interview-mode="1"' in page and "js/recruitment.js" in page
