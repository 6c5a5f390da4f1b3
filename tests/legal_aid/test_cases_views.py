"""Legal-aid case pages: bad input shows a Chinese message next to its field and saves nothing; outsiders
get 404, staff without the permission 403; lists run a fixed number of queries."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from apps.core.models import AuditLog, SensitiveConsent
from apps.core.uploads import private_file_url
from apps.legal_aid import services
from apps.legal_aid.consents import CASE_APPLICATION
from apps.legal_aid.models import CaseEntry, LegalAidCase

from .conftest import CASE_FACTS, apply_case, ask
from .test_views import PNG

pytestmark = pytest.mark.django_db
S = LegalAidCase.Status


def detail(pk):
    return reverse("legal_aid:case_detail", args=[pk])


def action(name, pk):
    return reverse(f"legal_aid:case_{name}", args=[pk])


def apply_data(**extra):
    return {"category": extra.pop("category"), "opponent_name": "修武县恒达机械制造有限公司", "amount_claimed": "32000",
            "workers_involved": "1", "facts": CASE_FACTS, "contact_phone": "13900000001",
            "sensitive_consent": "on", **extra}


def field_message(response, field: str) -> str:
    """The message crispy renders right under the field (its invalid-feedback), as the person sees it."""
    html = response.content.decode()
    found = re.search(rf'id="error_\d+_id_{field}"[^>]*>\s*<strong>(.*?)</strong>', html, re.S)
    assert found, f"{field} 没有显示错误信息"
    return found.group(1)


class TestApply:
    def test_worker_applies_with_evidence_on_the_green_channel(self, client, xiuwu_member, wages):
        client.force_login(xiuwu_member)
        page = client.get(reverse("legal_aid:case_apply"))
        assert page.status_code == 200 and 'name="district"' not in page.content.decode()  # a member: no choice
        response = client.post(reverse("legal_aid:case_apply"), apply_data(
            category=wages.pk, is_migrant_worker="on",
            attachment=SimpleUploadedFile("工资条.png", PNG, content_type="image/png")))
        case = LegalAidCase.objects.get()
        assert response.status_code == 302 and response.url == detail(case.pk)
        assert case.green_channel and case.attachment and case.worker == xiuwu_member
        assert "绿色通道" in client.get(response.url).content.decode()

    def test_unticked_consent_saves_nothing_and_says_why_under_the_box(self, client, xiuwu_member, wages):
        client.force_login(xiuwu_member)
        data = apply_data(category=wages.pk)
        del data["sensitive_consent"]
        response = client.post(reverse("legal_aid:case_apply"), data)
        assert response.status_code == 400
        assert field_message(response, "sensitive_consent") == "办理此项业务需要您单独同意处理上述敏感个人信息。"
        assert not LegalAidCase.objects.exists() and not SensitiveConsent.objects.exists()

    def test_the_case_carries_one_consent_and_withdrawing_withdraws_it(self, client, xiuwu_member, wages):
        client.force_login(xiuwu_member)
        assert "承办律师和受理工会法律部门" in client.get(reverse("legal_aid:case_apply")).content.decode()
        client.post(reverse("legal_aid:case_apply"), apply_data(category=wages.pk))
        case = LegalAidCase.objects.get()
        consent = SensitiveConsent.objects.get()
        assert consent.kind == "given" and consent.subject == xiuwu_member and consent.actor == xiuwu_member
        assert consent.purpose == "legal_aid.case_application" and consent.wording == CASE_APPLICATION.text
        assert consent.target_type == "legal_aid.legalaidcase" and consent.target_id == str(case.pk)
        client.post(reverse("legal_aid:case_withdraw", args=[case.pk]))
        case.refresh_from_db()
        assert case.status == LegalAidCase.Status.WITHDRAWN
        assert list(SensitiveConsent.objects.order_by("id").values_list("kind", flat=True)) == ["given", "withdrawn"]

    def test_non_member_chooses_a_district(self, client, worker, wages, org_tree):
        client.force_login(worker)
        response = client.post(reverse("legal_aid:case_apply"), apply_data(category=wages.pk))
        assert response.status_code == 400 and "请选择您所在的县（市、区）总工会" in field_message(response, "district")
        response = client.post(reverse("legal_aid:case_apply"), apply_data(category=wages.pk, district=org_tree.boai.pk,
                                                                           amount_claimed=""))
        assert response.status_code == 302
        case = LegalAidCase.objects.get()
        assert case.organization == org_tree.boai and case.amount_claimed == 0

    def test_prefilled_from_ones_own_consultation_only(self, client, xiuwu_member, other_worker, wages, org_tree):
        mine = ask(xiuwu_member, wages, facts="单位两个月没发工资，协商没有结果，想申请仲裁。")
        theirs = ask(other_worker, wages, facts="别人的咨询内容，不应出现在这里。")
        client.force_login(xiuwu_member)
        body = client.get(reverse("legal_aid:case_apply"), {"consultation": mine.pk}).content.decode()
        assert "单位两个月没发工资" in body and f"法律咨询 #{mine.pk}" in body
        body = client.get(reverse("legal_aid:case_apply"), {"consultation": theirs.pk}).content.decode()
        assert "别人的咨询内容" not in body
        url = reverse("legal_aid:case_apply") + f"?consultation={mine.pk}"
        assert client.post(url, apply_data(category=wages.pk)).status_code == 302
        assert LegalAidCase.objects.get().consultation == mine

    def test_consultation_page_links_to_the_prefilled_application(self, client, xiuwu_member, wages):
        consultation = ask(xiuwu_member, wages)
        client.force_login(xiuwu_member)
        body = client.get(reverse("legal_aid:consultation_detail", args=[consultation.pk])).content.decode()
        assert f'{reverse("legal_aid:case_apply")}?consultation={consultation.pk}' in body

    @pytest.mark.parametrize("field, value, message", [
        ("facts", "", "请填写纠纷经过"),
        ("facts", "太短", "至少 10 个字"),
        ("opponent_name", "", "请填写对方当事人"),
        ("category", "", "请选择纠纷类型"),
        ("amount_claimed", "-100", "金额不能为负数"),
        ("amount_claimed", "100000000", "不能超过 10,000,000 元"),
        ("amount_claimed", "12.345", "精确到分"),
        ("amount_claimed", "１２３", "请填写数字金额"),
        ("amount_claimed", "١٢", "请填写数字金额"),
        ("amount_claimed", "三万", "请填写数字金额"),
        ("workers_involved", "0", "至少为 1"),
        ("workers_involved", "99999999", "不能超过 10,000"),
        ("contact_phone", "12345", "手机号码"),
        ("contact_phone", "", "请填写联系电话"),
    ])
    def test_bad_input_message_next_to_the_field_nothing_saved(self, client, xiuwu_member, wages, field, value,
                                                                message):
        client.force_login(xiuwu_member)
        response = client.post(reverse("legal_aid:case_apply"), {**apply_data(category=wages.pk), field: value})
        assert response.status_code == 400
        assert message in field_message(response, field)
        assert "请修改下面标出的" in response.content.decode()
        assert not LegalAidCase.objects.exists()

    def test_attachment_of_the_wrong_type_is_refused(self, client, xiuwu_member, wages):
        client.force_login(xiuwu_member)
        fake = SimpleUploadedFile("证据.pdf", b"MZ\x90\x00 an executable", content_type="application/pdf")
        response = client.post(reverse("legal_aid:case_apply"), apply_data(category=wages.pk, attachment=fake))
        assert response.status_code == 400 and "文件类型不符" in field_message(response, "attachment")
        assert not LegalAidCase.objects.exists()

    def test_attachment_too_large_is_refused(self, client, xiuwu_member, wages, settings):
        settings.UPLOAD_KINDS = {**settings.UPLOAD_KINDS,
                                 "document": {**settings.UPLOAD_KINDS["document"], "max_mb": 1}}
        client.force_login(xiuwu_member)
        big = SimpleUploadedFile("扫描件.png", PNG + b"\x00" * (1024 * 1024 + 1), content_type="image/png")
        response = client.post(reverse("legal_aid:case_apply"), apply_data(category=wages.pk, attachment=big))
        assert response.status_code == 400 and "文件过大" in field_message(response, "attachment")
        assert not LegalAidCase.objects.exists()

    def test_anonymous_is_sent_to_login(self, client):
        response = client.get(reverse("legal_aid:case_apply"))
        assert response.status_code == 302 and "/accounts/login/" in response.url


class TestStaffActions:
    def test_accept_with_green_channel_and_lawyer(self, client, application, xiuwu_staff, lawyer):
        client.force_login(xiuwu_staff)
        page = client.get(detail(application.pk))
        assert page.status_code == 200 and "受理并生成案号" in page.content.decode()
        response = client.post(action("accept", application.pk), {
            "green_channel": "on", "green_reason": "涉及农民工集体欠薪", "lawyer": lawyer.pk})
        assert response.status_code == 302
        application.refresh_from_db()
        assert application.status == S.ACCEPTED and application.green_channel and application.lawyer == lawyer
        page = client.get(detail(application.pk)).content.decode()
        assert application.case_number in page and "受理并生成案号" not in page and "记录进展" in page

    def test_override_without_reason_shows_the_message(self, client, application, xiuwu_staff):
        client.force_login(xiuwu_staff)
        response = client.post(action("accept", application.pk), {"green_channel": "on"})
        assert response.status_code == 400 and "请写明理由" in field_message(response, "green_reason")
        application.refresh_from_db()
        assert application.status == S.SUBMITTED and application.case_number is None

    def test_accepting_twice_shows_a_clear_error(self, client, accepted, xiuwu_staff):
        client.force_login(xiuwu_staff)
        response = client.post(action("accept", accepted.pk), {}, follow=True)
        assert response.redirect_chain == [(detail(accepted.pk), 302)]
        assert f"该申请已受理（案号 {accepted.case_number}），不能重复受理" in response.content.decode()
        accepted.refresh_from_db()
        assert accepted.case_number.endswith("0001")

    def test_declining_without_a_reason(self, client, application, xiuwu_staff, xiuwu_member):
        client.force_login(xiuwu_staff)
        response = client.post(action("decline", application.pk), {"reason": ""})
        assert response.status_code == 400 and "不予受理时请写明理由" in field_message(response, "reason")
        application.refresh_from_db()
        assert application.status == S.SUBMITTED
        assert client.post(action("decline", application.pk), {"reason": "不属于劳动争议"}).status_code == 302
        client.force_login(xiuwu_member)
        assert "不属于劳动争议" in client.get(detail(application.pk)).content.decode()

    def test_assign_needs_a_lawyer(self, client, accepted, xiuwu_staff, other_lawyer):
        client.force_login(xiuwu_staff)
        response = client.post(action("assign", accepted.pk), {"lawyer": ""})
        assert response.status_code == 400 and "请选择律师" in field_message(response, "lawyer")
        assert client.post(action("assign", accepted.pk), {"lawyer": other_lawyer.pk}).status_code == 302

    def test_green_channel_form(self, client, accepted, xiuwu_staff):
        client.force_login(xiuwu_staff)
        response = client.post(action("green", accepted.pk), {"green_channel": "on"})
        assert response.status_code == 400 and "请写明理由" in field_message(response, "green_reason")
        assert client.post(action("green", accepted.pk), {"green_channel": "on",
                                                          "green_reason": "职工系残疾人"}).status_code == 302

    def test_worker_withdraws_from_the_page(self, client, application, xiuwu_member):
        client.force_login(xiuwu_member)
        assert client.post(action("withdraw", application.pk)).status_code == 302
        application.refresh_from_db()
        assert application.status == S.WITHDRAWN


class TestProgress:
    def entry(self, client, case, **data):
        return client.post(action("entry", case.pk), {"stage": "mediation", "happened_on": timezone.localdate(),
                                                      "body": "组织双方调解。", **data})

    def test_lawyer_records_a_stage(self, client, accepted, lawyer, xiuwu_member):
        client.force_login(lawyer)
        assert self.entry(client, accepted).status_code == 302
        client.force_login(xiuwu_member)
        body = client.get(detail(accepted.pk)).content.decode()
        assert "组织双方调解。" in body and "调解阶段" in body

    @pytest.mark.parametrize("field, value, message", [
        ("happened_on", "tomorrow", "日期不能晚于今天"),
        ("happened_on", "yesterday", "不能早于上一条进展的日期"),
        ("happened_on", "2026-02-30", "请填写有效的日期"),
        ("body", "", "请填写办理情况"),
        ("stage", "closed", "请选择列表中的阶段"),
    ])
    def test_bad_entry_message_next_to_the_field(self, client, accepted, lawyer, field, value, message):
        today = timezone.localdate()
        value = {"tomorrow": today + timedelta(days=1), "yesterday": today - timedelta(days=1)}.get(value, value)
        client.force_login(lawyer)
        response = self.entry(client, accepted, **{field: value})
        assert response.status_code == 400 and message in field_message(response, field)
        assert CaseEntry.objects.filter(case=accepted).count() == 1

    def test_a_stage_going_back_is_refused(self, client, accepted, lawyer):
        client.force_login(lawyer)
        self.entry(client, accepted, stage="arbitration")
        response = self.entry(client, accepted, stage="mediation")
        assert response.status_code == 400 and "不能退回" in field_message(response, "stage")

    @pytest.mark.parametrize("data, field, message", [
        ({"outcome": ""}, "outcome", "结案时请选择办理结果"),
        ({"amount_recovered": "-5"}, "amount_recovered", "金额不能为负数"),
        ({"amount_recovered": ""}, "amount_recovered", "没有追回填 0"),
        ({"closed_on": "tomorrow"}, "closed_on", "日期不能晚于今天"),
    ])
    def test_closing_refusals(self, client, accepted, lawyer, data, field, message):
        if data.get("closed_on") == "tomorrow":
            data["closed_on"] = timezone.localdate() + timedelta(days=1)
        client.force_login(lawyer)
        response = client.post(action("close", accepted.pk), {
            "outcome": "won", "amount_recovered": "100", "closed_on": timezone.localdate(), **data})
        assert response.status_code == 400 and message in field_message(response, field)
        accepted.refresh_from_db()
        assert accepted.status == S.ACCEPTED

    def test_lawyer_closes(self, client, accepted, lawyer, xiuwu_member):
        client.force_login(lawyer)
        response = client.post(action("close", accepted.pk), {
            "outcome": "mediated", "amount_recovered": "28000", "closed_on": timezone.localdate()})
        assert response.status_code == 302
        client.force_login(xiuwu_member)
        body = client.get(detail(accepted.pk)).content.decode()
        assert "调解成功" in body and "28000.00 元" in body


class TestRefusals:
    def test_other_district_staff_get_404(self, client, application, boai_staff, lawyer):
        client.force_login(boai_staff)
        assert client.get(detail(application.pk)).status_code == 404
        assert client.post(action("accept", application.pk), {"lawyer": lawyer.pk}).status_code == 404
        application.refresh_from_db()
        assert application.status == S.SUBMITTED

    def test_unassigned_lawyer_gets_404(self, client, accepted, other_lawyer):
        client.force_login(other_lawyer)
        assert client.get(detail(accepted.pk)).status_code == 404
        assert client.post(action("entry", accepted.pk), {"stage": "mediation", "happened_on": timezone.localdate(),
                                                          "body": "越权"}).status_code == 404

    def test_other_worker_gets_404(self, client, application, other_worker):
        client.force_login(other_worker)
        assert client.get(detail(application.pk)).status_code == 404
        assert client.post(action("withdraw", application.pk)).status_code == 404

    def test_grassroots_staff_without_the_permission_get_403_whatever_the_id(self, client, application,
                                                                              grassroots_staff):
        client.force_login(grassroots_staff)
        assert client.get(detail(application.pk)).status_code == 403
        assert client.get(detail(999_999)).status_code == 403  # existence not revealed
        assert client.get(reverse("legal_aid:case_list")).status_code == 403

    def test_worker_cannot_use_staff_or_lawyer_pages(self, client, application, xiuwu_member):
        client.force_login(xiuwu_member)
        assert client.get(reverse("legal_aid:case_list")).status_code == 403
        assert client.get(reverse("legal_aid:case_assigned")).status_code == 403
        assert client.post(action("accept", application.pk), {}).status_code == 403
        application.refresh_from_db()
        assert application.status == S.SUBMITTED

    def test_lawyer_cannot_accept(self, client, accepted, lawyer):
        client.force_login(lawyer)
        assert client.post(action("assign", accepted.pk), {"lawyer": lawyer.pk}).status_code == 403

    def test_every_staff_view_is_audited_not_the_workers(self, client, application, xiuwu_staff, city_staff,
                                                         xiuwu_member):
        for person in (xiuwu_staff, city_staff, xiuwu_member):
            client.force_login(person)
            assert client.get(detail(application.pk)).status_code == 200
        viewed = AuditLog.objects.filter(action="legal_aid.case.viewed", target_id=str(application.pk))
        assert set(viewed.values_list("actor__username", flat=True)) == {xiuwu_staff.username, city_staff.username}

    def test_evidence_is_served_to_the_three_who_may_see_the_case(self, client, xiuwu_member, wages, xiuwu_staff,
                                                                  lawyer, other_lawyer, other_worker, boai_staff):
        case = apply_case(xiuwu_member, wages, attachment=SimpleUploadedFile("a.png", PNG, content_type="image/png"))
        services.case_accept(actor=xiuwu_staff, case=case, lawyer=lawyer)
        url = private_file_url(case, "attachment")
        for person, allowed in ((xiuwu_member, True), (lawyer, True), (xiuwu_staff, True), (other_worker, False),
                                (other_lawyer, False), (boai_staff, False)):
            client.force_login(person)
            assert (client.get(url).status_code == 200) is allowed, person.username


class TestLists:
    @pytest.fixture
    def many(self, xiuwu_member, wages, xiuwu_staff, lawyer):
        cases = []
        for index in range(25):
            case = apply_case(xiuwu_member, wages, opponent_name=f"第{index}号公司", is_migrant_worker=index % 3 == 0)
            if index % 2:
                case = services.case_accept(actor=xiuwu_staff, case=case, lawyer=lawyer)
            cases.append(case)
        return cases

    def test_staff_list_fixed_queries_filters_and_order(self, client, many, xiuwu_staff, boai_staff, lawyer,
                                                        django_assert_max_num_queries):
        client.force_login(xiuwu_staff)
        with django_assert_max_num_queries(18):
            response = client.get(reverse("legal_aid:case_list"))
        rows = list(response.context["page_obj"])
        assert len(rows) == 25 and rows[0].green_channel and not rows[-1].green_channel
        with django_assert_max_num_queries(18):
            response = client.get(reverse("legal_aid:case_list"),
                                  {"status": "submitted", "green": "1", "stage": "", "lawyer": ""})
        assert {c.status for c in response.context["page_obj"]} == {S.SUBMITTED}
        assert all(c.green_channel for c in response.context["page_obj"])
        response = client.get(reverse("legal_aid:case_list"), {"lawyer": lawyer.pk, "stage": "consultation"})
        assert len(response.context["page_obj"]) == 12
        client.force_login(boai_staff)
        assert len(client.get(reverse("legal_aid:case_list")).context["page_obj"]) == 0

    def test_list_pages_at_thirty(self, client, many, xiuwu_member, wages, xiuwu_staff):
        for index in range(10):
            apply_case(xiuwu_member, wages, opponent_name=f"另{index}号公司")
        client.force_login(xiuwu_staff)
        assert len(client.get(reverse("legal_aid:case_list")).context["page_obj"]) == 30
        assert len(client.get(reverse("legal_aid:case_list"), {"page": "2"}).context["page_obj"]) == 5

    def test_lawyer_and_worker_lists_fixed_queries(self, client, many, lawyer, xiuwu_member,
                                                   django_assert_max_num_queries):
        client.force_login(lawyer)
        with django_assert_max_num_queries(14):
            response = client.get(reverse("legal_aid:case_assigned"))
        assert len(response.context["page_obj"]) == 12
        client.force_login(xiuwu_member)
        with django_assert_max_num_queries(14):
            response = client.get(reverse("legal_aid:case_mine"))
        assert len(response.context["page_obj"]) == 20

    def test_hostile_filters_do_not_break_the_list(self, client, xiuwu_staff):
        client.force_login(xiuwu_staff)
        for value in ("9" * 500, "-1", "²", "١٢"):
            response = client.get(reverse("legal_aid:case_list"),
                                  {"status": value, "stage": value, "green": value, "lawyer": value, "page": value})
            assert response.status_code == 200
