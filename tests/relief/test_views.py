"""Relief pages: who may use each, bad input next to the field, 404 outside the subtree, query counts."""
from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from apps.core.models import AuditLog, SensitiveConsent
from apps.relief import services
from apps.relief.consents import AID_APPLICATION
from apps.relief.models import AidApplication, Fund, NeedyFile, Visit
from tests.organizing.conftest import id_number

from .conftest import facts
from .factories import allocate

pytestmark = pytest.mark.django_db
PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
       b"\x00\x00\x00\nIDATx\x9cc\x00\x01\x00\x00\x05\x00\x01\r\n-\xb4\x00\x00\x00\x00IEND\xaeB`\x82")


def test_city_creates_a_fund_and_bad_input_saves_nothing(client, city_staff):
    client.force_login(city_staff)
    url = reverse("relief:fund_create")
    bad = client.post(url, {"name": "x", "source": "y", "year": "9999", "total": "-1"})
    assert bad.status_code == 400 and not Fund.objects.exists()
    assert "年度应在 2000 到 2100 之间" in bad.content.decode() and "金额必须大于零" in bad.content.decode()
    assert "请至少选择一项允许的用途" in bad.content.decode()
    good = client.post(url, {"name": "疫情防控专项资金", "source": "市财政", "year": "2020", "total": "1000.50",
                             "purposes": ["aid", "condolence"]})
    assert good.status_code == 302 and Fund.objects.get().total == Decimal("1000.50")


def test_county_cannot_create_funds(client, xiuwu_staff):
    client.force_login(xiuwu_staff)
    assert client.get(reverse("relief:fund_create")).status_code == 403


def test_fund_page_and_allocation_form(client, city_staff, fund, xiuwu_account, org_tree, boai_staff,
                                       django_assert_max_num_queries):
    client.force_login(city_staff)
    with django_assert_max_num_queries(25):
        page = client.get(reverse("relief:fund_detail", args=[fund.pk]))
    assert "修武县总工会" in page.content.decode()
    root = fund.accounts.get(parent__isnull=True)
    too_much = client.post(reverse("relief:fund_allocate", args=[root.pk]),
                           {"organization": org_tree.boai.pk, "amount": "999999"})
    assert too_much.status_code == 400 and "超出可分配余额" in too_much.content.decode()
    client.force_login(boai_staff)
    assert client.get(reverse("relief:fund_detail", args=[fund.pk])).status_code == 404
    assert client.get(reverse("relief:fund_allocate", args=[xiuwu_account.pk])).status_code == 404


def test_ledger_export_is_audited_and_formula_safe(client, city_staff, fund, xiuwu_account, xiuwu_staff):
    services.fund_reserve(account=xiuwu_account, amount=Decimal("1"), reference="=HYPERLINK(\"x\")",
                          actor=xiuwu_staff, note="=1+1")
    client.force_login(city_staff)
    response = client.get(reverse("relief:fund_export", args=[fund.pk]))
    assert response.status_code == 200 and response["Content-Type"].startswith("application/vnd.openxml")
    from io import BytesIO

    from openpyxl import load_workbook

    sheet = load_workbook(BytesIO(b"".join(response.streaming_content))).active
    notes = [row[7] for row in sheet.iter_rows(values_only=True)]
    assert "=1+1" in notes  # stored as text, not as a formula
    assert AuditLog.objects.filter(action="relief.fund.ledger_exported").exists()


def test_lists_keep_a_fixed_query_count(client, city_staff, fund, xiuwu_account, ruleset, grassroots_staff,
                                        django_assert_max_num_queries):
    from tests.factories import UserFactory

    for n in range(6):
        services.aid_apply(actor=grassroots_staff, worker=UserFactory(username=f"1390000010{n}"), **facts())
    client.force_login(city_staff)
    for name in ("relief:aid_list", "relief:fund_list", "relief:visit_plan_list", "relief:registry_list",
                 "relief:dashboard"):
        with django_assert_max_num_queries(30):
            assert client.get(reverse(name)).status_code == 200, name


def test_union_enters_for_a_worker_with_bad_input(client, grassroots_staff, worker, ruleset):
    client.force_login(grassroots_staff)
    url = reverse("relief:aid_enter")
    bad = client.post(url, {"phone": "13911112222", "real_name": "张伟", "workplace": "x", "cause": "infection",
                            "household_size": "0", "household_income": "-5", "description": "短",
                            "document": SimpleUploadedFile("a.pdf", b"MZ\x90\x00 not a pdf")})
    text = bad.content.decode()
    assert bad.status_code == 400 and not AidApplication.objects.exists()
    for message in ("没有找到用该手机号码注册的职工", "家庭人口至少 1 人", "不能为负数", "只接受"):
        assert message in text, message
    good = client.post(url, {"phone": worker.username, "real_name": "张伟", "workplace": "恒达",
                             "cause": "infection", "household_size": "4", "household_income": "2400",
                             "description": "本人感染住院，家庭收入锐减。",
                             "document": SimpleUploadedFile("d.png", PNG)})
    assert good.status_code == 400 and not AidApplication.objects.exists()
    assert good.context["form"].errors["sensitive_consent"] == [
        "代职工办理需要确认已取得职工本人处理敏感个人信息的书面同意。"]
    assert not SensitiveConsent.objects.exists()
    good = client.post(url, {"phone": worker.username, "real_name": "张伟", "workplace": "恒达",
                             "cause": "infection", "household_size": "4", "household_income": "2400",
                             "description": "本人感染住院，家庭收入锐减。", "sensitive_consent": "on",
                             "document": SimpleUploadedFile("d.png", PNG)})
    assert good.status_code == 302
    application = AidApplication.objects.get()
    assert application.status == AidApplication.Status.COUNTY and application.entered_by == grassroots_staff
    consent = SensitiveConsent.objects.get()
    assert consent.kind == SensitiveConsent.Kind.ATTESTED and consent.purpose == "relief.aid_application"
    assert consent.subject == worker and consent.actor == grassroots_staff
    assert consent.wording == AID_APPLICATION.attestation_text and consent.target_id == str(application.pk)


def test_worker_sees_only_their_own_application(client, worker, other_worker, grassroots_staff, ruleset,
                                                boai_staff):
    application = services.aid_apply(actor=grassroots_staff, worker=worker, **facts())
    url = reverse("relief:aid_detail", args=[application.pk])
    client.force_login(worker)
    page = client.get(url)
    assert page.status_code == 200 and "工会代为申请" in page.content.decode()
    me = client.get(reverse("core:me"))
    assert "困难帮扶" in me.content.decode() and "待县（市、区）总工会审核" in me.content.decode()
    client.force_login(other_worker)
    assert client.get(url).status_code == 404
    client.force_login(boai_staff)
    assert client.get(url).status_code == 404
    assert client.post(reverse("relief:aid_review", args=[application.pk]), {"decision": "approve"}).status_code == 404


def test_review_and_pay_through_pages(client, grassroots_staff, worker, ruleset, xiuwu_staff, city_staff,
                                      xiuwu_account, org_tree):
    from apps.accounts.roles import Role
    from tests.factories import make_staff

    application = services.aid_apply(actor=grassroots_staff, worker=worker, **facts())
    review = reverse("relief:aid_review", args=[application.pk])
    client.force_login(xiuwu_staff)
    client.post(review, {"decision": "return", "reason": ""})
    application.refresh_from_db()
    assert application.status == AidApplication.Status.COUNTY
    client.post(review, {"decision": "approve"})
    client.force_login(city_staff)
    bad = client.post(review, {"decision": "approve", "tier": "1", "amount": "9000", "account": xiuwu_account.pk})
    application.refresh_from_db()
    assert application.status == AidApplication.Status.CITY and bad.status_code == 302
    client.post(review, {"decision": "approve", "tier": "1", "amount": "5000.00", "account": xiuwu_account.pk})
    application.refresh_from_db()
    assert application.status == AidApplication.Status.APPROVED
    client.force_login(make_staff(org_tree.xiuwu, Role.COUNTY_STAFF, username="cashier"))
    client.post(reverse("relief:aid_pay", args=[application.pk]))
    application.refresh_from_db()
    xiuwu_account.refresh_from_db()
    assert application.status == AidApplication.Status.PAID and xiuwu_account.spent == Decimal("5000.00")


def test_registry_duplicate_masked_reveal_audited(client, grassroots_staff, xiuwu_staff, boai_staff):
    client.force_login(grassroots_staff)
    data = {"real_name": "李强", "id_number": id_number(11), "workplace": "恒达", "category": "deep",
            "household_size": "3", "household_income": "1500", "hardship": "患病"}
    assert client.post(reverse("relief:registry_create"), data).status_code == 302
    file = NeedyFile.objects.get()
    assert file.id_masked != id_number(11) and id_number(11) not in file.id_cipher
    again = client.post(reverse("relief:registry_create"), data)
    assert again.status_code == 400 and "该职工已建档" in again.content.decode()
    bad = client.post(reverse("relief:registry_create"), {**data, "id_number": "410821199001011234"})
    assert bad.status_code == 400 and NeedyFile.objects.count() == 1
    page = client.get(reverse("relief:registry_detail", args=[file.pk])).content.decode()
    assert id_number(11) not in page and file.id_masked in page
    assert client.post(reverse("relief:registry_reveal", args=[file.pk])).status_code == 403  # grassroots may not
    client.force_login(xiuwu_staff)
    revealed = client.post(reverse("relief:registry_reveal", args=[file.pk])).content.decode()
    assert id_number(11) in revealed
    assert AuditLog.objects.filter(action="relief.registry.id_revealed", actor=xiuwu_staff).count() == 1
    export = client.get(reverse("relief:registry_export"))
    assert export.status_code == 200 and AuditLog.objects.filter(action="relief.registry.exported").exists()
    client.force_login(boai_staff)
    assert client.get(reverse("relief:registry_detail", args=[file.pk])).status_code == 404
    assert client.post(reverse("relief:registry_reveal", args=[file.pk])).status_code == 404


def test_registry_close_needs_reason(client, grassroots_staff):
    file = services.needy_file_create(actor=grassroots_staff, real_name="李强", id_number=id_number(12),
                                      workplace="恒达", category="relative", household_size=3,
                                      household_income=Decimal("1500"), hardship="患病")
    client.force_login(grassroots_staff)
    client.post(reverse("relief:registry_action", args=[file.pk, "close"]), {"reason": ""})
    file.refresh_from_db()
    assert file.status == NeedyFile.Status.OPEN
    client.post(reverse("relief:registry_action", args=[file.pk, "close"]), {"reason": "已再就业，收入稳定"})
    file.refresh_from_db()
    assert file.status == NeedyFile.Status.CLOSED and file.closed_reason == "已再就业，收入稳定"


def test_cash_visit_debits_the_fund_and_needs_proof(client, xiuwu_staff, xiuwu_account):
    client.force_login(xiuwu_staff)
    response = client.post(reverse("relief:visit_plan_create"), {
        "title": "春节慰问一线职工", "group": "frontline", "account": xiuwu_account.pk, "planned_people": "10",
        "budget": "5000", "start_on": "2020-01-20", "end_on": "2020-01-25"})
    assert response.status_code == 302
    plan = xiuwu_account.visit_plans.get()
    url = reverse("relief:visit_record", args=[plan.pk])
    base = {"recipient_name": "王师傅", "recipient_workplace": "南水北调工程", "form": "cash", "value": "500",
            "visited_on": "2020-01-21", "visitors": "王志强"}
    no_proof = client.post(url, base)
    assert no_proof.status_code == 400 and "请上传签收凭证" in no_proof.content.decode()
    wrong = client.post(url, {**base, "acknowledgement": SimpleUploadedFile("x.png", b"GIF89a not png")})
    assert wrong.status_code == 400 and not Visit.objects.exists()
    ok = client.post(url, {**base, "acknowledgement": SimpleUploadedFile("sign.png", PNG)})
    assert ok.status_code == 302
    xiuwu_account.refresh_from_db()
    assert xiuwu_account.spent == Decimal("500.00") and Visit.objects.get().disbursement is not None


def test_tier_rules_readable_by_staff_editable_by_city(client, xiuwu_staff, city_staff, ruleset):
    client.force_login(xiuwu_staff)
    assert "5000.00" in client.get(reverse("relief:tier_rules")).content.decode()
    assert client.post(reverse("relief:tier_rules"), {}).status_code == 403
    client.force_login(city_staff)
    data = {"rules-TOTAL_FORMS": "1", "rules-INITIAL_FORMS": "0", "rules-MIN_NUM_FORMS": "0",
            "rules-MAX_NUM_FORMS": "30", "rules-0-tier": "1", "rules-0-cause": "", "rules-0-income_ceiling": "900",
            "rules-0-amount": "6000", "rules-0-max_amount": "5000"}
    bad = client.post(reverse("relief:tier_rules"), data)
    assert bad.status_code == 400 and "最高金额不能低于标准金额" in bad.content.decode()
    data["rules-0-max_amount"] = "9000"
    assert client.post(reverse("relief:tier_rules"), data).status_code == 302
    assert services.current_ruleset().version == ruleset.version + 1


def test_worker_applies_on_the_public_form(client, worker, ruleset, org_tree):
    client.force_login(worker)
    page = client.get(reverse("relief:aid_apply"))
    assert page.status_code == 200 and "不同意会怎样" in page.content.decode()
    response = client.post(reverse("relief:aid_apply"), {**{k: str(v) for k, v in facts().items()},
                                                          "organization": org_tree.xiuwu.pk})
    assert response.status_code == 302
    application = AidApplication.objects.get()
    assert application.status == AidApplication.Status.COUNTY
    consent = SensitiveConsent.objects.get()
    assert consent.kind == SensitiveConsent.Kind.GIVEN and consent.subject == worker and consent.actor == worker
    assert consent.purpose == "relief.aid_application" and consent.wording == AID_APPLICATION.text
    assert consent.target_id == str(application.pk)


def test_worker_who_does_not_tick_the_consent_saves_nothing(client, worker, ruleset, org_tree):
    client.force_login(worker)
    data = {k: str(v) for k, v in facts().items() if k != "sensitive_consent"}
    response = client.post(reverse("relief:aid_apply"), {**data, "organization": org_tree.xiuwu.pk})
    assert response.status_code == 400
    html = response.content.decode()
    block = html[html.index('id="div_id_sensitive_consent"'):]
    assert "办理此项业务需要您单独同意处理上述敏感个人信息" in block
    assert not AidApplication.objects.exists() and not SensitiveConsent.objects.exists()


def test_the_service_refuses_an_application_without_consent(worker, ruleset, org_tree):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as error:
        services.aid_apply(actor=worker, worker=worker, organization=org_tree.xiuwu,
                           **facts(sensitive_consent=False))
    assert "sensitive_consent" in error.value.message_dict
    assert not AidApplication.objects.exists() and not SensitiveConsent.objects.exists()


def test_dashboard_export(client, city_staff, fund, xiuwu_account, boai_staff):
    client.force_login(city_staff)
    assert client.get(reverse("relief:dashboard_export")).status_code == 200
    client.force_login(boai_staff)
    assert client.get(reverse("relief:dashboard") + f"?fund={fund.pk}").status_code == 404
    assert allocate is not None


def test_worker_withdraws_an_undecided_application_and_its_consent(client, worker, other_worker, ruleset, org_tree):
    application = services.aid_apply(actor=worker, worker=worker, organization=org_tree.xiuwu, **facts())
    client.force_login(other_worker)
    assert client.post(reverse("relief:aid_withdraw", args=[application.pk])).status_code == 404
    client.force_login(worker)
    page = client.get(reverse("relief:aid_detail", args=[application.pk])).content.decode()
    assert 'data-testid="withdraw"' in page
    response = client.post(reverse("relief:aid_withdraw", args=[application.pk]))
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == AidApplication.Status.WITHDRAWN
    assert application.steps.filter(kind="withdrawn").exists()
    assert AuditLog.objects.filter(action="relief.aid.withdrawn", target_id=str(application.pk)).exists()
    assert list(SensitiveConsent.objects.order_by("id").values_list("kind", flat=True)) == ["given", "withdrawn"]
    # Withdrawn, the worker may apply again.
    assert services.aid_apply(actor=worker, worker=worker, organization=org_tree.xiuwu, **facts()).pk


def test_an_approved_application_cannot_be_withdrawn(grassroots_staff, worker, xiuwu_staff, city_staff,
                                                     xiuwu_account, ruleset):
    from django.core.exceptions import PermissionDenied, ValidationError

    from .conftest import pay_through

    paid = pay_through(services.aid_apply(actor=grassroots_staff, worker=worker, **facts()),
                       county_staff=xiuwu_staff, city_staff=city_staff, account=xiuwu_account)
    with pytest.raises(PermissionDenied):
        services.aid_withdraw(actor=grassroots_staff, application=paid)
    with pytest.raises(ValidationError):
        services.aid_withdraw(actor=worker, application=paid)
    paid.refresh_from_db()
    assert paid.status == AidApplication.Status.PAID
    assert not SensitiveConsent.objects.filter(kind="withdrawn").exists()
