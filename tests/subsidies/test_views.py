"""Pages: public programme, the worker's form and her record, the review queue, batches, refusals."""
from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from apps.core.models import SensitiveConsent
from apps.relief.models import FundAccount
from apps.subsidies import services
from apps.subsidies.consents import TRANSPORT_SUBSIDY
from apps.subsidies.models import Application, PaymentBatch

from .factories import approved, bank_card, make_programme, png, resident_id, submit

pytestmark = pytest.mark.django_db
S = Application.Status


@pytest.fixture
def programme(city_staff):
    return make_programme(city_staff)


@pytest.fixture
def people(grassroots_staff, xiuwu_staff, city_staff):
    return {"union_staff": grassroots_staff, "county_staff": xiuwu_staff, "city_staff": city_staff}


def _form(programme, enterprise, **changes):
    data = {"real_name": "李娜", "id_number": resident_id(301), "phone": "13912340001",
            "enterprise": enterprise.pk, "origin": "贵州省遵义市", "band": "far",
            "returned_on": (timezone.localdate() - timedelta(days=2)).isoformat(),
            "receipt_1": png(301), "bank_name": "中国农业银行焦作分行", "bank_account": bank_card(301),
            "sensitive_consent": "on"}
    data.update(changes)
    return data


def test_the_programme_page_is_public(client, programme):
    assert client.get(reverse("subsidies:programme_list")).status_code == 200
    response = client.get(reverse("subsidies:programme_detail", args=[programme.pk]))
    assert response.status_code == 200 and programme.name in response.content.decode()


def test_applying_needs_an_account(client, programme):
    response = client.get(reverse("subsidies:apply", args=[programme.pk]))
    assert response.status_code == 302 and "login" in response["Location"]


def test_a_worker_applies_and_sees_her_record_on_me(client, worker, programme, xiuwu_enterprise):
    client.force_login(worker)
    response = client.post(reverse("subsidies:apply", args=[programme.pk]), _form(programme, xiuwu_enterprise))
    application = Application.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("subsidies:my_application",
                                                                           args=[application.pk])
    assert application.amount == Decimal("300.00")
    page = client.get(reverse("core:me")).content.decode()
    assert "补贴申请" in page and "待单位工会确认返岗" in page


def test_without_the_separate_consent_nothing_is_saved(client, worker, programme, xiuwu_enterprise):
    client.force_login(worker)
    data = _form(programme, xiuwu_enterprise)
    del data["sensitive_consent"]
    response = client.post(reverse("subsidies:apply", args=[programme.pk]), data)
    assert response.status_code == 400
    assert response.context["form"].errors["sensitive_consent"] == ["办理此项业务需要您单独同意处理上述敏感个人信息。"]
    html = response.content.decode()
    # The message sits in the checkbox's own block, after the wording it refers to.
    block = html[html.index('id="div_id_sensitive_consent"'):]
    assert block.index("银行卡号") < block.index("办理此项业务需要您单独同意处理上述敏感个人信息")
    assert not Application.objects.exists() and not SensitiveConsent.objects.exists()


def test_the_application_carries_exactly_one_consent_with_its_wording(client, worker, programme, xiuwu_enterprise):
    client.force_login(worker)
    client.post(reverse("subsidies:apply", args=[programme.pk]), _form(programme, xiuwu_enterprise))
    application = Application.objects.get()
    consent = SensitiveConsent.objects.get()
    assert consent.subject == worker and consent.actor == worker and consent.kind == "given"
    assert consent.purpose == "subsidies.transport_application" and consent.wording == TRANSPORT_SUBSIDY.text
    assert consent.target_type == "subsidies.application" and consent.target_id == str(application.pk)


def test_the_service_refuses_without_consent(worker, programme, xiuwu_enterprise):
    with pytest.raises(ValidationError) as error:
        submit(programme, worker, xiuwu_enterprise, sensitive_consent=False)
    assert "sensitive_consent" in error.value.message_dict
    assert not Application.objects.exists() and not SensitiveConsent.objects.exists()


def test_withdrawing_the_application_withdraws_its_consent(client, worker, programme, xiuwu_enterprise):
    client.force_login(worker)
    client.post(reverse("subsidies:apply", args=[programme.pk]), _form(programme, xiuwu_enterprise))
    application = Application.objects.get()
    client.post(reverse("subsidies:my_withdraw", args=[application.pk]))
    application.refresh_from_db()
    assert application.status == S.WITHDRAWN
    assert list(SensitiveConsent.objects.order_by("id").values_list("kind", flat=True)) == ["given", "withdrawn"]


@pytest.mark.parametrize("changes, field, message", [
    ({"id_number": "410821199001011234"}, "id_number", "校验位"),
    ({"bank_account": "6222020000000000001"}, "bank_account", "校验不通过"),
    ({"returned_on": "9999-12-31"}, "returned_on", "返岗日期须在"),
    ({"returned_on": "2001-01-01"}, "returned_on", "返岗日期须在"),
    ({"phone": "abc"}, "phone", "手机"),
])
def test_bad_input_shows_a_message_next_to_the_field(client, worker, programme, xiuwu_enterprise, changes,
                                                      field, message):
    client.force_login(worker)
    response = client.post(reverse("subsidies:apply", args=[programme.pk]),
                           _form(programme, xiuwu_enterprise, **changes))
    assert response.status_code == 400
    assert message in str(response.context["form"].errors[field])
    assert not Application.objects.exists()


def test_a_receipt_that_is_not_an_image_or_pdf_is_refused_in_the_form(client, worker, programme, xiuwu_enterprise):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(worker)
    fake = SimpleUploadedFile("ticket.jpg", b"<script>alert(1)</script>", content_type="image/jpeg")
    response = client.post(reverse("subsidies:apply", args=[programme.pk]),
                           _form(programme, xiuwu_enterprise, receipt_1=fake))
    assert response.status_code == 400 and "receipt_1" in response.context["form"].errors
    assert not Application.objects.exists()


def test_a_second_application_shows_the_rule(client, worker, programme, xiuwu_enterprise):
    client.force_login(worker)
    client.post(reverse("subsidies:apply", args=[programme.pk]), _form(programme, xiuwu_enterprise))
    response = client.post(reverse("subsidies:apply", args=[programme.pk]),
                           _form(programme, xiuwu_enterprise, receipt_1=png(302)))
    assert response.status_code == 400 and "每人限领一次" in str(response.context["form"].errors["id_number"])
    assert Application.objects.count() == 1


def test_another_worker_gets_404_on_my_application(client, worker, other_worker, programme, xiuwu_enterprise):
    application = submit(programme, worker, xiuwu_enterprise)
    client.force_login(other_worker)
    assert client.get(reverse("subsidies:my_application", args=[application.pk])).status_code == 404
    assert client.get(reverse("subsidies:application_list")).status_code == 403


def test_another_district_gets_404(client, boai_staff, programme, worker, xiuwu_enterprise):
    application = submit(programme, worker, xiuwu_enterprise)
    client.force_login(boai_staff)
    assert client.get(reverse("subsidies:application_detail", args=[application.pk])).status_code == 404
    assert client.post(reverse("subsidies:application_decide", args=[application.pk]),
                       {"decision": "pass"}).status_code == 404


def test_the_union_confirms_through_the_page(client, grassroots_staff, programme, worker, xiuwu_enterprise):
    application = submit(programme, worker, xiuwu_enterprise)
    client.force_login(grassroots_staff)
    page = client.get(reverse("subsidies:application_detail", args=[application.pk]))
    assert "确认返岗" in page.content.decode()
    client.post(reverse("subsidies:application_decide", args=[application.pk]), {"decision": "pass"})
    application.refresh_from_db()
    assert application.status == S.CONFIRMED


def test_rejecting_without_a_reason_shows_the_message(client, grassroots_staff, programme, worker,
                                                      xiuwu_enterprise):
    application = submit(programme, worker, xiuwu_enterprise)
    client.force_login(grassroots_staff)
    response = client.post(reverse("subsidies:application_decide", args=[application.pk]), {"decision": "reject"})
    assert response.status_code == 400 and "理由" in str(response.context["form"].errors["comment"])
    application.refresh_from_db()
    assert application.status == S.SUBMITTED


def test_an_amount_above_the_cap_shows_the_message(client, people, programme, worker, xiuwu_enterprise):
    application = submit(programme, worker, xiuwu_enterprise)
    services.application_confirm(actor=people["union_staff"], application=application)
    services.application_review(actor=people["county_staff"], application=application)
    client.force_login(people["city_staff"])
    response = client.post(reverse("subsidies:application_decide", args=[application.pk]),
                           {"decision": "pass", "amount": "9999"})
    assert response.status_code == 400 and "上限" in str(response.context["form"].errors["amount"])
    application.refresh_from_db()
    assert application.status == S.REVIEWED


def test_the_review_queue_has_a_fixed_query_count(client, xiuwu_staff, programme, worker, other_worker,
                                                  xiuwu_enterprise, django_assert_max_num_queries):
    for _ in range(3):
        submit(programme, worker, xiuwu_enterprise)
    client.force_login(xiuwu_staff)
    with django_assert_max_num_queries(16) as few:
        client.get(reverse("subsidies:application_list"))
    for _ in range(6):
        submit(programme, other_worker, xiuwu_enterprise)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse("subsidies:application_list"))
    assert len(response.context["page_obj"].object_list) == 9


def test_batch_pages_export_and_pay(client, people, programme, worker, xiuwu_enterprise,
                                    django_assert_max_num_queries):
    application = approved(programme, worker, xiuwu_enterprise, **people)
    application.real_name = "=HYPERLINK(\"http://x\")"
    application.save(update_fields=["real_name"])
    city = people["city_staff"]
    client.force_login(city)
    response = client.post(reverse("subsidies:batch_new", args=[programme.pk]), {"application": [application.pk]})
    batch = PaymentBatch.objects.get()
    assert response["Location"] == reverse("subsidies:batch_detail", args=[batch.pk])
    with django_assert_max_num_queries(20):
        assert client.get(reverse("subsidies:batch_list")).status_code == 200
    export = client.get(reverse("subsidies:batch_export", args=[batch.pk]))
    content = b"".join(export.streaming_content)
    import io

    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[1][1] == "=HYPERLINK(\"http://x\")" and sheet.cell(2, 2).data_type == "s"
    assert len(rows[1][2]) == 19 and rows[1][2].isdigit()  # the whole account number for the bank
    before = FundAccount.objects.get(pk=programme.fund_account_id).available
    client.post(reverse("subsidies:batch_paid", args=[batch.pk]))
    client.post(reverse("subsidies:batch_paid", args=[batch.pk]))
    account = FundAccount.objects.get(pk=programme.fund_account_id)
    assert account.spent == Decimal("300.00") and account.available == before
    application.refresh_from_db()
    assert application.status == S.PAID


def test_county_staff_cannot_open_batches(client, xiuwu_staff):
    client.force_login(xiuwu_staff)
    assert client.get(reverse("subsidies:batch_list")).status_code == 403


def test_another_county_cannot_see_a_city_batch(client, people, boai_staff, programme, worker, xiuwu_enterprise):
    application = approved(programme, worker, xiuwu_enterprise, **people)
    batch = services.batch_create(actor=people["city_staff"], programme=programme, applications=[application])
    client.force_login(boai_staff)
    assert client.get(reverse("subsidies:batch_detail", args=[batch.pk])).status_code == 403


def test_the_worker_corrects_her_account_after_a_return(client, people, programme, worker, xiuwu_enterprise):
    application = approved(programme, worker, xiuwu_enterprise, **people)
    city = people["city_staff"]
    batch = services.batch_create(actor=city, programme=programme, applications=[application])
    services.batch_mark_paid(actor=city, batch=batch)
    services.item_return(actor=city, item=batch.items.get(), reason="账号错误")
    client.force_login(worker)
    url = reverse("subsidies:my_application", args=[application.pk])
    bad = client.post(url, {"bank_name": "中国银行", "bank_account": "6222020000000000001"})
    assert bad.status_code == 400 and "校验不通过" in str(bad.context["form"].errors["bank_account"])
    client.post(url, {"bank_name": "中国银行", "bank_account": bank_card(909)})
    application.refresh_from_db()
    assert application.status == S.APPROVED and application.account_masked.endswith(bank_card(909)[-4:])


def test_receipts_are_served_to_the_owner_and_reviewers_only(client, worker, other_worker, boai_staff,
                                                              grassroots_staff, programme, xiuwu_enterprise):
    from apps.core.uploads import private_file_url

    application = submit(programme, worker, xiuwu_enterprise)
    url = private_file_url(application.receipts.get(), "file")
    for person, status in ((worker, 200), (grassroots_staff, 200), (other_worker, 404), (boai_staff, 404)):
        client.force_login(person)
        assert client.get(url).status_code == status, person


def test_programme_form_refuses_an_amount_above_the_cap(client, city_staff, programme):
    client.force_login(city_staff)
    data = {"name": "x", "return_from": "2020-02-01", "return_until": "2020-03-31", "apply_until": "2030-04-30",
            "rule": "flat", "flat_amount": "600", "near_amount": "0", "mid_amount": "0", "far_amount": "0",
            "cap": "500", "fund_account": programme.fund_account_id, "is_open": "on"}
    response = client.post(reverse("subsidies:programme_new"), data)
    assert response.status_code == 400 and "上限" in str(response.context["form"].errors["flat_amount"])


def test_my_data_and_closing_keep_payment_records(worker, programme, xiuwu_enterprise):
    from apps.subsidies.privacy import my_subsidy_data, subsidy_records_close

    assert my_subsidy_data(worker) == [] and subsidy_records_close(user=worker) is None
    application = submit(programme, worker, xiuwu_enterprise)
    section = my_subsidy_data(worker)[0]
    assert section.rows[0][2] == application.id_masked and "*" in section.rows[0][8]
    assert subsidy_records_close(user=worker).kept


def test_the_console_lists_subsidy_todos(client, grassroots_staff, programme, worker, xiuwu_enterprise):
    submit(programme, worker, xiuwu_enterprise)
    client.force_login(grassroots_staff)
    page = client.get(reverse("core:console")).content.decode()
    assert "待确认返岗的补贴申请" in page
