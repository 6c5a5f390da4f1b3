"""The staff second factor: enrolment, verification, recovery codes, the attempt limit, the reset,
and its enforcement on the console, the admin and every staff page (these tests sign in for real
or use ``force_login`` without the conftest's pre-verified device: ``real_otp``)."""
from __future__ import annotations

import re

import pytest
from django.test import override_settings
from django.urls import reverse
from django.utils.http import urlencode
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from apps.accounts.roles import Role
from apps.accounts.two_factor import services
from apps.core.models import AuditLog
from tests.conftest import pass_second_factor
from tests.factories import PASSWORD, make_staff, totp_code

pytestmark = pytest.mark.real_otp

SETUP = reverse("accounts:two_factor_setup")
VERIFY = reverse("accounts:two_factor_verify")


def _sign_in(client, username):
    return client.post(reverse("accounts:login"), {"username": username, "password": PASSWORD})


def _enrol(client, user, next_url="/console/"):
    client.get(f"{SETUP}?next={next_url}")
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    response = client.post(SETUP, {"code": totp_code(device), "next": next_url})
    return device, response


def _verified_device(user):
    device = TOTPDevice.objects.create(user=user, name="身份验证器", confirmed=True)
    return device


def _shown_codes(html):
    return re.findall(r"user-select-all\">([a-z2-9]{4}-[a-z2-9]{4})<", html)


def _audit(action):
    return AuditLog.objects.filter(action=action)


# Enforcement --------------------------------------------------------------------------------

STAFF_PAGES = ["core:console", "core:audit_list", "admin:index", "admin:accounts_user_changelist",
               "reports:task_list", "recruitment:console_posts", "training:console_courses",
               "core:me", "core:home", "accounts:profile"]


@pytest.mark.parametrize("name", STAFF_PAGES)
def test_unverified_staff_session_is_sent_to_the_second_step(client, city_staff, name):
    client.force_login(city_staff)
    path = reverse(name)
    for response in (client.get(path), client.post(path)):
        assert response.status_code == 302
        assert response["Location"] == f"{VERIFY}?{urlencode({'next': path})}"


@pytest.mark.parametrize("name", STAFF_PAGES[:7])
def test_the_same_pages_open_once_verified(client, city_staff, name):
    client.force_login(city_staff)
    pass_second_factor(client, city_staff)
    assert client.get(reverse(name)).status_code == 200


def test_password_sign_in_leads_a_new_staff_member_to_setup(client, xiuwu_staff):
    response = _sign_in(client, "xiuwu_staff")
    assert response.status_code == 302
    response = client.get(response["Location"], follow=True)
    assert response.redirect_chain[-1][0].startswith(SETUP)
    body = response.content.decode()
    assert "<svg" in body and "二维码" in body
    device = TOTPDevice.objects.get(user=xiuwu_staff)
    assert services.secret_for_display(device) in body
    assert not device.confirmed


def test_worker_is_never_asked(client, worker):
    _sign_in(client, worker.phone)
    assert client.get(reverse("core:me")).status_code == 200
    assert client.get(SETUP).status_code == 302  # nothing to set up: straight on
    assert client.get(VERIFY).status_code == 302
    assert not TOTPDevice.objects.filter(user=worker).exists()


def test_employer_is_never_asked(client, xiuwu_enterprise):
    from tests.recruitment.factories import make_employer

    employer = make_employer(xiuwu_enterprise, "employer_hengda")
    assert not services.needs_second_factor(employer)
    _sign_in(client, "employer_hengda")
    assert client.get(reverse("recruitment:employer_home")).status_code == 200


def test_volunteer_lawyer_without_organisation_needs_it(db):
    from tests.factories import UserFactory

    lawyer = UserFactory(username="lawyer", roles=[Role.VOLUNTEER_LAWYER])
    assert services.needs_second_factor(lawyer)


@pytest.mark.parametrize("side", ["user", "group"])
def test_a_signed_in_worker_given_a_role_is_asked_at_once(client, worker, side):
    """The "no group" answer is remembered between requests; a new role must not wait for it to expire."""
    from apps.accounts.roles import role_group

    client.force_login(worker)
    assert client.get(reverse("core:me")).status_code == 200  # remembered: no group
    assert client.get(reverse("core:me")).status_code == 200
    group = role_group(Role.VOLUNTEER_LAWYER)
    if side == "user":
        worker.groups.add(group)
    else:
        group.user_set.add(worker)
    response = client.get(reverse("core:me"))
    assert response.status_code == 302 and response["Location"].startswith(VERIFY)
    worker.groups.clear()
    assert client.get(reverse("core:me")).status_code == 200


def test_second_step_pages_logout_and_healthz_stay_open(client, city_staff):
    client.force_login(city_staff)
    assert client.get(SETUP).status_code == 200
    assert client.get(reverse("core:healthz")).status_code in (200, 503)
    assert client.post(reverse("accounts:logout")).status_code == 302


def test_conftest_force_login_is_verified_unless_real_otp(client, city_staff):
    client.force_login(city_staff)
    assert client.get("/console/").status_code == 302
    pass_second_factor(client, city_staff)
    assert client.get("/console/").status_code == 200
    assert client.get("/admin/").status_code == 200


# Enrolment ----------------------------------------------------------------------------------

def test_enrolment_with_a_real_code_shows_ten_recovery_codes_once(client, xiuwu_staff):
    client.force_login(xiuwu_staff)
    device, response = _enrol(client, xiuwu_staff)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:two_factor_recovery_codes"))
    page = client.get(response["Location"])
    codes = _shown_codes(page.content.decode())
    assert len(set(codes)) == 10
    assert 'href="/console/"' in page.content.decode()
    device.refresh_from_db()
    assert device.confirmed
    # Shown once only; stored only as keyed hashes.
    assert client.get(response["Location"]).status_code == 302
    assert not StaticToken.objects.filter(token__in=[c.replace("-", "") for c in codes]).exists()
    assert client.get("/console/").status_code == 200
    assert _audit("accounts.two_factor.enrolled").filter(actor=xiuwu_staff).count() == 1


def test_setup_page_keeps_the_same_secret_until_confirmed(client, xiuwu_staff):
    client.force_login(xiuwu_staff)
    first = client.get(SETUP).content
    second = client.get(SETUP).content
    assert TOTPDevice.objects.filter(user=xiuwu_staff).count() == 1
    secret = services.secret_for_display(TOTPDevice.objects.get(user=xiuwu_staff))
    assert secret.encode() in first and secret.encode() in second


def test_enrolled_staff_are_sent_to_verify_not_setup(client, xiuwu_staff):
    _verified_device(xiuwu_staff)
    client.force_login(xiuwu_staff)
    response = client.get(SETUP + "?next=/reports/")
    assert response.status_code == 302 and response["Location"].startswith(VERIFY)


def test_wrong_code_at_enrolment_does_not_confirm(client, xiuwu_staff):
    client.force_login(xiuwu_staff)
    client.get(SETUP)
    device = TOTPDevice.objects.get(user=xiuwu_staff)
    wrong = f"{(int(totp_code(device)) + 1) % 1_000_000:06d}"
    response = client.post(SETUP, {"code": wrong})
    assert response.status_code == 200
    assert "验证码不正确" in response.content.decode()
    device.refresh_from_db()
    assert not device.confirmed
    assert client.get("/console/").status_code == 302


# Verification -------------------------------------------------------------------------------

def test_totp_code_verifies_and_respects_a_safe_next(client, xiuwu_staff):
    device = _verified_device(xiuwu_staff)
    _sign_in(client, "xiuwu_staff")
    before = client.session.session_key
    response = client.post(VERIFY, {"code": totp_code(device), "next": "/reports/"})
    assert response.status_code == 302 and response["Location"] == "/reports/"
    assert client.session[DEVICE_ID_SESSION_KEY] == device.persistent_id
    assert client.session.session_key != before
    assert client.get("/console/").status_code == 200


@pytest.mark.parametrize("next_url", ["https://evil.example/", "//evil.example/", "javascript:alert(1)"])
def test_offsite_next_is_ignored(client, xiuwu_staff, next_url):
    device = _verified_device(xiuwu_staff)
    client.force_login(xiuwu_staff)
    response = client.post(VERIFY, {"code": totp_code(device), "next": next_url})
    assert response["Location"] == reverse("core:console")


def test_a_code_is_not_accepted_twice(client, xiuwu_staff):
    device = _verified_device(xiuwu_staff)
    code = totp_code(device)
    assert services.two_factor_verify(user=xiuwu_staff, code=code)
    with pytest.raises(Exception, match="验证码不正确"):
        services.two_factor_verify(user=xiuwu_staff, code=code)


def test_wrong_code_shows_a_chinese_error_and_does_not_verify(client, xiuwu_staff):
    device = _verified_device(xiuwu_staff)
    client.force_login(xiuwu_staff)
    wrong = f"{(int(totp_code(device)) + 500_000) % 1_000_000:06d}"
    response = client.post(VERIFY, {"code": wrong})
    assert response.status_code == 200
    assert "验证码不正确" in response.content.decode()
    assert DEVICE_ID_SESSION_KEY not in client.session
    assert client.get("/console/").status_code == 302
    failure = _audit("accounts.two_factor.failed").get()
    assert failure.outcome == AuditLog.Outcome.FAILED and failure.actor == xiuwu_staff


@pytest.mark.parametrize(("code", "message"), [
    ("", "请输入验证码"),
    ("abcdef", "6 位数字验证码"),
    ("12345", "6 位数字验证码"),
    ("1" * 21, "最多 20 个字符"),
    ("١٢٣٤٥٦", "6 位数字验证码"),  # Arabic-Indic digits are not the authenticator's digits
])
def test_bad_input_is_refused_with_a_clear_message(client, xiuwu_staff, code, message):
    _verified_device(xiuwu_staff)
    client.force_login(xiuwu_staff)
    response = client.post(VERIFY, {"code": code})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert DEVICE_ID_SESSION_KEY not in client.session
    assert not _audit("accounts.two_factor.failed").exists()


def test_nul_byte_in_the_code_is_refused_before_the_form(client, xiuwu_staff):
    _verified_device(xiuwu_staff)
    client.force_login(xiuwu_staff)
    response = client.post(VERIFY, {"code": "12\x0034"})
    assert response.status_code == 400
    assert DEVICE_ID_SESSION_KEY not in client.session
    assert not _audit("accounts.two_factor.failed").exists()


def test_full_width_digits_and_spaces_are_accepted(client, xiuwu_staff):
    device = _verified_device(xiuwu_staff)
    code = totp_code(device)
    typed = " ".join(chr(ord(d) + 0xFEE0) for d in code)  # １ ２ ３ … from a Chinese input method
    client.force_login(xiuwu_staff)
    assert client.post(VERIFY, {"code": typed})["Location"] == reverse("core:console")


def test_setup_refuses_letters(client, xiuwu_staff):
    client.force_login(xiuwu_staff)
    client.get(SETUP)
    response = client.post(SETUP, {"code": "abcd-efgh"})
    assert "请输入身份验证器上显示的 6 位数字" in response.content.decode()


# Recovery codes -----------------------------------------------------------------------------

def test_recovery_code_works_once_only(client, xiuwu_staff):
    services.two_factor_setup_device(user=xiuwu_staff)
    device = TOTPDevice.objects.get(user=xiuwu_staff)
    codes = services.two_factor_enrol(user=xiuwu_staff, device_id=device.pk, code=totp_code(device)).recovery_codes
    client.force_login(xiuwu_staff)
    response = client.post(VERIFY, {"code": codes[0].upper()}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("core:console")
    assert "还剩 9 个" in response.content.decode()
    used = _audit("accounts.two_factor.recovery_used").get()
    assert used.after == {"recovery_codes_left": 9}

    other = client.__class__()
    other.force_login(xiuwu_staff)
    response = other.post(VERIFY, {"code": codes[0]})
    assert "恢复码不正确或已使用过" in response.content.decode()
    assert other.get("/console/").status_code == 302


def test_own_recovery_codes_can_be_regenerated_after_verifying(client, xiuwu_staff):
    services.two_factor_setup_device(user=xiuwu_staff)
    device = TOTPDevice.objects.get(user=xiuwu_staff)
    old = services.two_factor_enrol(user=xiuwu_staff, device_id=device.pk, code=totp_code(device)).recovery_codes
    client.force_login(xiuwu_staff)
    client.post(VERIFY, {"code": old[0]})  # verified by a recovery code: stays verified after regenerating
    assert "剩余恢复码" in client.get(reverse("accounts:two_factor")).content.decode()
    response = client.post(reverse("accounts:two_factor"))
    page = client.get(response["Location"]).content.decode()
    new = _shown_codes(page)
    assert len(set(new)) == 10 and not set(new) & set(old)
    assert client.get("/console/").status_code == 200
    with pytest.raises(Exception, match="恢复码不正确"):
        services.two_factor_verify(user=xiuwu_staff, code=old[1])
    assert services.two_factor_verify(user=xiuwu_staff, code=new[0]).recovery_codes_left == 9
    assert _audit("accounts.two_factor.recovery_regenerated").count() == 1


def test_regenerating_needs_a_verified_session(client, xiuwu_staff):
    _verified_device(xiuwu_staff)
    client.force_login(xiuwu_staff)
    response = client.post(reverse("accounts:two_factor"))
    assert response["Location"].startswith(VERIFY)


def test_worker_has_no_second_factor_page(client, worker):
    client.force_login(worker)
    assert client.get(reverse("accounts:two_factor")).status_code == 404


# Attempt limit ------------------------------------------------------------------------------

def test_five_wrong_codes_lock_the_second_step_for_fifteen_minutes(client, xiuwu_staff):
    device = _verified_device(xiuwu_staff)
    client.force_login(xiuwu_staff)
    right = totp_code(device)
    wrong = f"{(int(right) + 1) % 1_000_000:06d}"
    for _ in range(services.FAILURE_LIMIT):
        assert "验证码不正确" in client.post(VERIFY, {"code": wrong}).content.decode()
    response = client.post(VERIFY, {"code": right})  # right, but locked: not even checked
    body = response.content.decode()
    assert "错误次数过多" in body and "验证码不正确" not in body
    assert DEVICE_ID_SESSION_KEY not in client.session
    assert _audit("accounts.two_factor.locked").count() == 1
    device.refresh_from_db()
    assert device.last_t == -1  # the right code was never tried, so it is still unused

    from django.core.cache import cache

    from apps.core.ratelimit import cache_key

    cache.delete(cache_key(("two-factor-attempts", xiuwu_staff.pk)))  # the fifteen minutes pass
    assert client.post(VERIFY, {"code": right})["Location"] == reverse("core:console")


def test_throttled_answers_are_the_same_for_right_and_wrong_codes(client, xiuwu_staff):
    device = _verified_device(xiuwu_staff)
    client.force_login(xiuwu_staff)
    right = totp_code(device)
    wrong = f"{(int(right) + 1) % 1_000_000:06d}"
    for _ in range(services.FAILURE_LIMIT):
        client.post(VERIFY, {"code": wrong})
    def page(code):
        html = client.post(VERIFY, {"code": code}).content.decode()
        return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", html)

    assert page(wrong) == page(right)
    assert right not in page(right)  # the typed code is not echoed back


def test_the_limit_is_per_account(client, xiuwu_staff, boai_staff):
    _verified_device(xiuwu_staff)
    other = _verified_device(boai_staff)
    for _ in range(services.FAILURE_LIMIT + 1):
        with pytest.raises(Exception):  # noqa: B017
            services.two_factor_verify(user=xiuwu_staff, code="000000" if totp_code(other) != "000000" else "111111")
    assert services.two_factor_verify(user=boai_staff, code=totp_code(other))


# Reset --------------------------------------------------------------------------------------

def _reset_url(person):
    return reverse("accounts:two_factor_reset", args=[person.pk])


def test_city_office_resets_a_county_staff_device_and_it_is_audited(client, city_staff, xiuwu_staff):
    device = _verified_device(xiuwu_staff)
    staff_client = client.__class__()
    staff_client.force_login(xiuwu_staff)
    pass_second_factor(staff_client, xiuwu_staff)
    assert staff_client.get("/console/").status_code == 200

    client.force_login(city_staff)
    pass_second_factor(client, city_staff)
    assert "确认重置" in client.get(_reset_url(xiuwu_staff)).content.decode()
    assert client.post(_reset_url(xiuwu_staff)).status_code == 302
    assert not TOTPDevice.objects.filter(pk=device.pk).exists()
    entry = _audit("accounts.two_factor.reset").get()
    assert entry.actor == city_staff and entry.target_id == str(xiuwu_staff.pk)
    assert entry.organization == xiuwu_staff.organization
    # The staff member's open session has lost its second step; the next sign-in enrols again.
    response = staff_client.get("/console/")
    assert response.status_code == 302 and response["Location"].startswith(VERIFY)
    assert staff_client.get(response["Location"])["Location"].startswith(SETUP)


def test_county_staff_of_another_district_gets_404(client, boai_staff, xiuwu_staff):
    _verified_device(xiuwu_staff)
    client.force_login(boai_staff)
    pass_second_factor(client, boai_staff)
    assert client.get(_reset_url(xiuwu_staff)).status_code == 404
    assert client.post(_reset_url(xiuwu_staff)).status_code == 404
    assert TOTPDevice.objects.filter(user=xiuwu_staff).exists()


def test_county_staff_cannot_reset_even_inside_their_subtree_nor_a_city_person(
        client, xiuwu_staff, grassroots_staff, city_staff):
    _verified_device(grassroots_staff)
    client.force_login(xiuwu_staff)
    pass_second_factor(client, xiuwu_staff)
    assert client.post(_reset_url(grassroots_staff)).status_code == 403
    assert client.post(_reset_url(city_staff)).status_code == 404
    assert TOTPDevice.objects.filter(user=grassroots_staff).exists()
    assert not _audit("accounts.two_factor.reset").exists()


def test_nobody_resets_their_own_device_and_workers_are_out_of_reach(client, city_staff, worker):
    client.force_login(city_staff)
    pass_second_factor(client, city_staff)
    assert client.post(_reset_url(city_staff)).status_code == 403
    assert client.post(_reset_url(worker)).status_code == 404
    assert client.post(reverse("accounts:two_factor_reset", args=[10**12])).status_code == 404


def test_city_office_below_the_root_is_kept_to_its_subtree(org_tree, xiuwu_staff, boai_staff):
    xiuwu_office = make_staff(org_tree.xiuwu, Role.CITY_OFFICE, username="odd_office", is_staff=True)
    assert services.can_reset_second_factor(xiuwu_office, xiuwu_staff)  # its own organisation is in its subtree
    grassroots = make_staff(org_tree.xiuwu_grassroots, Role.GRASSROOTS_STAFF)
    assert services.can_reset_second_factor(xiuwu_office, grassroots)
    assert not services.can_reset_second_factor(xiuwu_office, boai_staff)


def test_admin_action_resets_and_is_offered_to_the_city_office_only(client, city_staff, xiuwu_staff):
    _verified_device(xiuwu_staff)
    client.force_login(xiuwu_staff)
    pass_second_factor(client, xiuwu_staff)
    changelist = reverse("admin:accounts_user_changelist")
    assert "reset_second_factor" not in client.get(changelist).content.decode()

    client.force_login(city_staff)
    pass_second_factor(client, city_staff)
    assert "reset_second_factor" in client.get(changelist).content.decode()
    response = client.post(changelist, {"action": "reset_second_factor", "_selected_action": [xiuwu_staff.pk]},
                           follow=True)
    assert "已重置 1 人" in response.content.decode()
    assert not TOTPDevice.objects.filter(user=xiuwu_staff).exists()
    assert _audit("accounts.two_factor.reset").count() == 1


def test_admin_does_not_show_authenticator_secrets(client, db):
    from tests.factories import UserFactory

    admin_user = UserFactory(username="root", is_superuser=True, is_staff=True)
    client.force_login(admin_user)
    pass_second_factor(client, admin_user)
    assert client.get("/admin/otp_totp/totpdevice/").status_code == 404
    assert client.get("/admin/otp_static/staticdevice/").status_code == 404


REDIS_DOWN = {"default": {"BACKEND": "apps.core.cache.ForgivingRedisCache", "LOCATION": "redis://127.0.0.1:1/0",
                          "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5}}}


@override_settings(CACHES=REDIS_DOWN)
def test_with_redis_down_the_audit_trail_limits_wrong_codes(client, xiuwu_staff):
    device = _verified_device(xiuwu_staff)
    client.force_login(xiuwu_staff)
    for _ in range(services.FAILURE_LIMIT):
        assert client.post(VERIFY, {"code": "000000"}).status_code == 200
    response = client.post(VERIFY, {"code": totp_code(device)})
    assert services.THROTTLED_MESSAGE in response.content.decode()
    assert DEVICE_ID_SESSION_KEY not in client.session


@override_settings(CACHES=REDIS_DOWN)
def test_with_redis_down_a_right_code_still_signs_in(client, xiuwu_staff):
    device = _verified_device(xiuwu_staff)
    client.force_login(xiuwu_staff)
    assert client.post(VERIFY, {"code": totp_code(device)})["Location"] == reverse("core:console")
