"""PIPL rights that the privacy notice promises: a copy of one's records, closing the account, purges."""
from __future__ import annotations

import json
from datetime import timedelta
from io import BytesIO
from urllib.parse import unquote

import pytest
from django.contrib.sessions.models import Session
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from apps.accounts import services as account_services
from apps.accounts.models import SmsVerification, User
from apps.core.models import AuditLog
from apps.notifications.models import Notification
from apps.recruitment.models import Application, SavedJob, SeekerProfile
from apps.recruitment.privacy import resumes_purge_stale
from tests.factories import PASSWORD, UserFactory
from tests.recruitment.factories import JobPostFactory, make_application, make_employer, make_seeker_profile


@pytest.fixture
def job_seeker(worker, org_tree, xiuwu_enterprise):
    make_employer(xiuwu_enterprise, "employer_hengda")
    post = JobPostFactory(enterprise=xiuwu_enterprise, title="数控车工")
    profile = make_seeker_profile(worker, org_tree.xiuwu, resume_text="=HYPERLINK(\"http://evil\")", skills="焊接")
    profile.resume_pdf.save("cv.pdf", ContentFile(b"%PDF-1.4 test"), save=True)
    make_application(post, worker, cover_letter="我有五年经验")
    SavedJob.objects.create(user=worker, post=post)
    Notification.objects.create(recipient=worker, title="欢迎加入", body="您好")
    return worker


def test_export_is_for_signed_in_people_only(client, db):
    response = client.get(reverse("core:my_data_export"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))


def test_worker_downloads_their_records_from_every_app_as_excel(client, job_seeker, other_worker):
    Notification.objects.create(recipient=other_worker, title="别人的消息")
    client.force_login(job_seeker)
    response = client.get(reverse("core:my_data_export"))
    assert response.status_code == 200
    assert "filename*=UTF-8''" in response["Content-Disposition"]
    assert "我的个人信息" in unquote(response["Content-Disposition"])
    workbook = load_workbook(BytesIO(response.content))
    expected = {"账号信息", "站内消息", "求职登记", "求职申请", "收藏的岗位", "学习记录", "答题记录"}
    assert expected <= set(workbook.sheetnames)
    cells = [str(c) for sheet in workbook for row in sheet.iter_rows(values_only=True) for c in row if c]
    assert "数控车工" in cells and "我有五年经验" in cells and "欢迎加入" in cells
    assert "别人的消息" not in cells
    # A résumé that looks like a formula is written as text, not run by Excel.
    formula = [c for sheet in workbook for row in sheet.iter_rows() for c in row if c.value == '=HYPERLINK("http://evil")']
    assert formula and all(c.data_type == "s" for c in formula)


def test_json_copy_holds_the_same_records(client, job_seeker):
    client.force_login(job_seeker)
    response = client.get(reverse("core:my_data_export") + "?format=json")
    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    document = json.loads(response.content)
    titles = [part["类别"] for part in document["内容"]]
    assert titles[0] == "账号信息"
    applications = next(part for part in document["内容"] if part["类别"] == "求职申请")
    assert applications["记录"][0]["岗位"] == "数控车工"


def test_closing_needs_the_right_password_and_changes_nothing_otherwise(client, job_seeker):
    client.force_login(job_seeker)
    response = client.post(reverse("accounts:close_account"), {"password": "wrong", "confirm": "on"})
    assert response.status_code == 200
    assert "密码不正确" in response.content.decode()
    job_seeker.refresh_from_db()
    assert job_seeker.is_active and job_seeker.phone
    response = client.post(reverse("accounts:close_account"), {"password": PASSWORD})
    assert "请勾选确认后再注销" in response.content.decode()
    assert User.objects.get(pk=job_seeker.pk).is_active


def test_closing_anonymises_erases_and_says_what_stays(client, job_seeker, django_capture_on_commit_callbacks):
    phone = job_seeker.phone
    SmsVerification.objects.create(phone=phone, purpose="register", code_digest="x",
                                   expires_at=timezone.now())
    account_services.user_set_id_number(user=job_seeker, id_number="11010519491231002X")
    client.force_login(job_seeker)
    resume_name = SeekerProfile.objects.get(user=job_seeker).resume_pdf.name
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("accounts:close_account"), {"password": PASSWORD, "confirm": "on"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "账号已注销" in html and "依规保留" in html and "招聘档案" in html
    user = User.objects.get(pk=job_seeker.pk)
    assert not user.is_active and not user.has_usable_password()
    assert user.phone is None and user.real_name == "已注销用户" and user.username.startswith("closed-")
    assert user.id_number_digest is None and user.id_number_cipher == "" and user.id_number_masked == ""
    profile = SeekerProfile.objects.get(user=user)
    assert profile.phone == "" and profile.resume_text == "" and not profile.resume_pdf
    assert not profile.allow_recommendation
    assert not SeekerProfile._meta.get_field("resume_pdf").storage.exists(resume_name)
    application = Application.objects.get(seeker=user)
    assert application.status == Application.Status.WITHDRAWN and application.cover_letter == ""
    assert not SavedJob.objects.filter(user=user).exists()
    assert not Notification.objects.filter(recipient=user).exists()
    assert not SmsVerification.objects.filter(phone=phone).exists()
    assert AuditLog.objects.filter(action="accounts.user.closed", target_id=str(user.pk)).exists()
    # The session ended, and the phone number is free to register again.
    assert client.get(reverse("core:me")).status_code == 302
    assert not User.objects.filter(phone=phone).exists()


def test_closed_account_cannot_sign_in(client, job_seeker):
    account_services.user_close_account(user=job_seeker, password=PASSWORD)
    response = client.post(reverse("accounts:login"), {"username": "13900000001", "password": PASSWORD})
    assert response.status_code == 200 and "_auth_user_id" not in client.session


def test_staff_cannot_close_their_own_account(client, xiuwu_staff):
    client.force_login(xiuwu_staff)
    response = client.post(reverse("accounts:close_account"), {"password": PASSWORD, "confirm": "on"})
    assert response.status_code == 200
    assert "平台管理员停用" in response.content.decode()
    assert User.objects.get(pk=xiuwu_staff.pk).is_active


def test_sms_codes_are_purged_a_day_after_sending(db):
    now = timezone.now()
    old = SmsVerification.objects.create(phone="13900000009", purpose="register", code_digest="x", expires_at=now)
    SmsVerification.objects.filter(pk=old.pk).update(created_at=now - timedelta(hours=25))
    fresh = SmsVerification.objects.create(phone="13900000009", purpose="register", code_digest="y", expires_at=now)
    assert account_services.sms_codes_purge(now=now) == 1
    assert list(SmsVerification.objects.values_list("pk", flat=True)) == [fresh.pk]


def test_expired_sessions_are_purged(client, worker):
    client.force_login(worker)
    Session.objects.create(session_key="x" * 32, session_data="", expire_date=timezone.now() - timedelta(days=1))
    assert account_services.sessions_purge() == 1
    assert Session.objects.count() == 1


def test_stale_resumes_are_purged_unless_an_application_is_open(db, org_tree, xiuwu_enterprise):
    make_employer(xiuwu_enterprise, "employer_hengda")
    post = JobPostFactory(enterprise=xiuwu_enterprise)
    idle, busy, recent = (UserFactory(username=f"1390000990{i}") for i in range(3))
    for person in (idle, busy, recent):
        make_seeker_profile(person, org_tree.xiuwu, resume_text="简历正文")
    make_application(post, busy)
    long_ago = timezone.now() - timedelta(days=400)
    SeekerProfile.objects.filter(user__in=[idle, busy]).update(updated_at=long_ago)
    assert resumes_purge_stale() == 1
    assert SeekerProfile.objects.get(user=idle).resume_text == ""
    assert SeekerProfile.objects.get(user=busy).resume_text == "简历正文"
    assert SeekerProfile.objects.get(user=recent).resume_text == "简历正文"
    assert resumes_purge_stale() == 0  # idempotent


def test_purges_are_scheduled(db):
    from apps.core.schedules import declared_periodic_tasks

    tasks = {t["task"] for t in declared_periodic_tasks()}
    assert {"apps.accounts.tasks.purge_sms_codes", "apps.accounts.tasks.purge_expired_sessions",
            "apps.recruitment.tasks.purge_stale_resumes"} <= tasks


def test_privacy_notice_states_the_purge_periods(client, db, settings):
    html = client.get(reverse("core:privacy")).content.decode()
    assert f"发出 {settings.PRIVACY_RETENTION['sms_code_hours']} 小时后自动删除" in html
    assert f"{settings.PRIVACY_RETENTION['resume_idle_days']} 天未更新" in html
    assert "身份证号码" in html and "12351" in html and reverse("core:my_data_export") not in html


def test_registration_checkbox_links_to_both_documents(client, db):
    session = client.session
    session["register_phone"] = "13900000123"
    session.save()
    html = client.get(reverse("accounts:register")).content.decode()
    assert f'href="{reverse("core:agreement")}"' in html and f'href="{reverse("core:privacy")}"' in html


def test_footer_links_to_both_documents(client, db):
    html = client.get("/").content.decode()
    assert "用户协议" in html and "个人信息保护说明" in html


def test_privacy_notice_lists_what_every_installed_app_collects(client, db):
    from apps.core.registry import privacy_notes

    html = client.get(reverse("core:privacy")).content.decode()
    notes = list(privacy_notes)
    assert len({note.info for note in notes}) >= 8  # one app or more each, from their providers
    for note in notes:
        assert note.info in html and note.purpose in html
    # Health and money records are marked sensitive, and the notice names them once more below the table.
    sensitive = [note for note in notes if note.sensitive]
    assert sensitive and html.count("敏感个人信息") >= len(sensitive) + 1
    assert "孕期、哺乳期" in html.split('data-testid="sensitive"')[1].split("</p>")[0]


def test_privacy_notice_drops_an_app_that_is_not_installed(client, db):
    from apps.core.registry import PrivacyNote, privacy_notes

    note = PrivacyNote(info="测试用途的信息", when="测试", purpose="测试", keep="保存 {sms_code_hours} 小时")
    privacy_notes.register(note)
    try:
        assert "保存 24 小时" in client.get(reverse("core:privacy")).content.decode()
    finally:
        privacy_notes.unregister(note)
    assert "测试用途的信息" not in client.get(reverse("core:privacy")).content.decode()
