"""Labour disputes, the pages: bad input next to its field, refusals (404 outside, 403 without the role),
the audited detail, filters and a fixed query count, the formula-safe Excel export, thresholds, console."""
from __future__ import annotations

import io
from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from apps.accounts.roles import Role
from apps.core.models import AuditLog
from apps.legal_aid import services
from apps.legal_aid.models import DisputeProgress, DisputeThresholds, LabourDispute
from tests.factories import EnterpriseFactory, UserFactory

from .disputes_factories import days_ago, form_data, record

pytestmark = pytest.mark.django_db
S = LabourDispute.Status
NEW = reverse("legal_aid:dispute_new")
LIST = reverse("legal_aid:dispute_list")


def detail(dispute) -> str:
    return reverse("legal_aid:dispute_detail", args=[dispute.pk])


def progress_url(dispute) -> str:
    return reverse("legal_aid:dispute_progress", args=[dispute.pk])


class TestRecordForm:
    def test_the_form_explains_the_collective_rule_and_the_thresholds(self, client, xiuwu_staff):
        client.force_login(xiuwu_staff)
        body = client.get(NEW).content.decode()
        assert "第七条" in body and "10 人以上" in body and "30 人以上" in body and "50 万元以上" in body

    def test_a_collective_dispute_is_recorded_and_reported(self, client, xiuwu_staff, city_staff, xiuwu_enterprise):
        client.force_login(xiuwu_staff)
        response = client.post(NEW, form_data(xiuwu_enterprise, workers_involved="15", epidemic_related="on"),
                               follow=True)
        dispute = LabourDispute.objects.get()
        assert response.redirect_chain[-1][0] == detail(dispute)
        assert dispute.collective and dispute.epidemic_related and dispute.recorded_by == xiuwu_staff
        assert "已立即通知县（市、区）总工会和市总工会" in response.content.decode()

    @pytest.mark.parametrize("field, value, message", [
        ("workers_involved", "0", "涉及职工人数至少为 1 人"),
        ("workers_involved", "-4", "涉及职工人数至少为 1 人"),
        ("workers_involved", "", "请填写涉及职工人数"),
        ("workers_involved", "99999999999999999999", "涉及职工人数不能超过"),
        ("amount", "-1", "涉及金额不能为负数"),
        ("amount", "1e400", "金额过大"),
        ("amount", "abc", "请填写有效的金额"),
        ("amount", "12.345", "两位小数"),
        ("occurred_on", "tomorrow", "发生日期不能晚于今天"),
        ("occurred_on", "2026-02-30", "请填写有效的日期"),
        ("description", "", "请填写争议情况"),
        ("dispute_type", "strike", "请选择争议类型"),
        ("enterprise", "other-district", "只能选择本组织及下级组织的企业"),
        ("enterprise", "999999999", "只能选择本组织及下级组织的企业"),
    ])
    def test_bad_input_is_shown_next_to_the_field_and_nothing_is_saved(self, client, xiuwu_staff, xiuwu_enterprise,
                                                                       boai_enterprise, field, value, message):
        if value == "tomorrow":
            value = (timezone.localdate() + timedelta(days=1)).isoformat()
        if value == "other-district":
            value = str(boai_enterprise.pk)
        client.force_login(xiuwu_staff)
        response = client.post(NEW, {**form_data(xiuwu_enterprise), field: value})
        assert response.status_code == 400
        assert message in " ".join(response.context["form"].errors[field])
        assert message in response.content.decode() and "请修改下面标出的" in response.content.decode()
        assert not LabourDispute.objects.exists()

    def test_another_districts_enterprise_is_not_offered(self, client, boai_staff, xiuwu_enterprise, boai_enterprise):
        client.force_login(boai_staff)
        body = client.get(NEW).content.decode()
        assert boai_enterprise.name in body and xiuwu_enterprise.name not in body

    def test_grassroots_staff_see_their_own_enterprise_only(self, client, grassroots_staff, xiuwu_enterprise,
                                                            org_tree):
        other = EnterpriseFactory(name="修武县另一家企业", district=org_tree.xiuwu)
        client.force_login(grassroots_staff)
        body = client.get(NEW).content.decode()
        assert xiuwu_enterprise.name in body and other.name not in body
        assert client.post(NEW, form_data(xiuwu_enterprise)).status_code == 302


class TestRefusals:
    def test_staff_of_another_district_get_404_everywhere(self, client, xiuwu_staff, boai_staff, xiuwu_enterprise):
        dispute = record(xiuwu_staff, xiuwu_enterprise)
        client.force_login(boai_staff)
        assert client.get(detail(dispute)).status_code == 404
        assert client.get(reverse("legal_aid:dispute_edit", args=[dispute.pk])).status_code == 404
        response = client.post(progress_url(dispute), {"happened_on": days_ago(1).isoformat(), "note": "x",
                                                       "to_status": "mediating"})
        assert response.status_code == 404
        assert xiuwu_enterprise.name not in client.get(LIST).content.decode()
        dispute.refresh_from_db()
        assert dispute.status == S.REGISTERED and dispute.progress.count() == 1

    @pytest.mark.parametrize("who", ["worker", "lawyer"])
    def test_people_without_the_role_get_403(self, client, worker, xiuwu_staff, xiuwu_enterprise, who):
        dispute = record(xiuwu_staff, xiuwu_enterprise)
        person = worker if who == "worker" else UserFactory(username="lawyer_x", roles=[Role.VOLUNTEER_LAWYER])
        client.force_login(person)
        for url in (LIST, NEW, detail(dispute), reverse("legal_aid:dispute_thresholds")):
            assert client.get(url).status_code == 403

    def test_anonymous_visitors_are_sent_to_sign_in(self, client):
        response = client.get(LIST)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]

    def test_a_missing_or_absurd_id_is_404(self, client, xiuwu_staff):
        client.force_login(xiuwu_staff)
        assert client.get("/legal/disputes/999999999/").status_code == 404
        assert client.get(f"/legal/disputes/{2**70}/").status_code == 404

    def test_only_the_city_office_sets_thresholds(self, client, xiuwu_staff, city_staff):
        client.force_login(xiuwu_staff)
        assert client.get(reverse("legal_aid:dispute_thresholds")).status_code == 403
        assert client.post(reverse("legal_aid:dispute_thresholds"),
                           {"major_workers": "5", "major_amount": "1"}).status_code == 403
        assert not DisputeThresholds.objects.exists()


class TestDetail:
    def test_every_staff_view_is_audited(self, client, xiuwu_staff, city_staff, xiuwu_enterprise):
        dispute = record(xiuwu_staff, xiuwu_enterprise, workers_involved=12)
        for person in (xiuwu_staff, city_staff, city_staff):
            client.force_login(person)
            assert client.get(detail(dispute)).status_code == 200
        viewed = AuditLog.objects.filter(action="legal_aid.dispute.viewed", target_id=str(dispute.pk))
        assert sorted(viewed.values_list("actor__username", flat=True)) == ["city_office", "city_office",
                                                                            "xiuwu_staff"]

    def test_the_timeline_shows_steps_and_the_alert(self, client, xiuwu_staff, xiuwu_enterprise):
        dispute = record(xiuwu_staff, xiuwu_enterprise, workers_involved=12, occurred_on=days_ago(9))
        client.force_login(xiuwu_staff)
        response = client.post(progress_url(dispute), {"happened_on": days_ago(0).isoformat(),
                                                       "to_status": "mediating", "note": "约谈企业负责人。"})
        assert response.status_code == 302
        timeline = client.get(detail(dispute)).context["timeline"]
        assert [entry.kind for entry in timeline] == ["progress", "alert", "progress"]
        assert timeline[-1].text == "约谈企业负责人。" and timeline[-1].status_label == "调处中"

    def test_the_progress_form_offers_only_the_next_steps(self, client, xiuwu_staff, xiuwu_enterprise):
        dispute = record(xiuwu_staff, xiuwu_enterprise)
        services.dispute_progress(actor=xiuwu_staff, dispute=dispute, happened_on=days_ago(0), note="调解",
                                  to_status=S.MEDIATING)
        client.force_login(xiuwu_staff)
        form = client.get(detail(dispute)).context["progress_form"]
        assert [value for value, _ in form.fields["to_status"].choices] == ["", "mediated", "arbitration",
                                                                             "litigation"]

    @pytest.mark.parametrize("data, field, message", [
        ({"to_status": "closed", "note": "结案"}, "to_status", "请选择当前状态允许的下一步"),
        ({"to_status": "mediating", "note": ""}, "note", "请填写进展情况"),
        ({"to_status": "mediating", "note": "x", "happened_on": "tomorrow"}, "happened_on", "不能晚于今天"),
        ({"to_status": "mediating", "note": "x", "happened_on": "2001-01-01"}, "happened_on", "不能早于争议发生日期"),
    ])
    def test_bad_progress_is_refused_next_to_its_field(self, client, xiuwu_staff, xiuwu_enterprise, data, field,
                                                       message):
        dispute = record(xiuwu_staff, xiuwu_enterprise)
        data = {"happened_on": days_ago(0).isoformat(), **data}
        if data["happened_on"] == "tomorrow":
            data["happened_on"] = (timezone.localdate() + timedelta(days=1)).isoformat()
        client.force_login(xiuwu_staff)
        response = client.post(progress_url(dispute), data)
        assert response.status_code == 400
        assert message in " ".join(response.context["progress_form"].errors[field])
        assert message in response.content.decode()
        dispute.refresh_from_db()
        assert dispute.status == S.REGISTERED and DisputeProgress.objects.count() == 1

    def test_closing_without_a_resolution_is_refused_by_the_service(self, client, xiuwu_staff, xiuwu_enterprise):
        dispute = record(xiuwu_staff, xiuwu_enterprise)
        for step in (S.MEDIATING, S.MEDIATED):
            services.dispute_progress(actor=xiuwu_staff, dispute=dispute, happened_on=days_ago(0), note=step,
                                      to_status=step)
        client.force_login(xiuwu_staff)
        response = client.post(progress_url(dispute), {"happened_on": days_ago(0).isoformat(),
                                                       "to_status": "closed", "note": "结案"})
        assert response.status_code == 400 and "结案时请填写处理结果" in response.content.decode()
        response = client.post(progress_url(dispute), {"happened_on": days_ago(0).isoformat(),
                                                       "to_status": "closed", "note": "结案",
                                                       "resolution": "企业已足额支付。"})
        assert response.status_code == 302
        page = client.get(detail(dispute))
        assert page.context["progress_form"] is None and "不能再添加进展" in page.content.decode()

    def test_progress_on_a_closed_dispute_is_refused(self, client, xiuwu_staff, xiuwu_enterprise):
        dispute = record(xiuwu_staff, xiuwu_enterprise)
        for step in (S.MEDIATING, S.MEDIATED, S.CLOSED):
            services.dispute_progress(actor=xiuwu_staff, dispute=dispute, happened_on=days_ago(0), note=step,
                                      to_status=step, resolution="已履行。")
        client.force_login(xiuwu_staff)
        response = client.post(progress_url(dispute), {"happened_on": days_ago(0).isoformat(), "note": "回访"})
        assert response.status_code == 400 and "该争议已结，不能再添加进展" in response.content.decode()
        assert dispute.progress.count() == 4
        edit = client.get(reverse("legal_aid:dispute_edit", args=[dispute.pk]), follow=True)
        assert "该争议已结，不能再修改" in edit.content.decode()

    def test_an_edit_that_crosses_the_threshold_reports_it(self, client, xiuwu_staff, xiuwu_enterprise):
        dispute = record(xiuwu_staff, xiuwu_enterprise)
        client.force_login(xiuwu_staff)
        url = reverse("legal_aid:dispute_edit", args=[dispute.pk])
        assert client.post(url, form_data(workers_involved="0")).status_code == 400
        assert client.post(url, form_data(amount="750000")).status_code == 302
        assert list(dispute.alerts.values_list("reason", flat=True)) == ["amount"]


class TestList:
    def test_filters_and_search(self, client, city_staff, xiuwu_staff, boai_staff, xiuwu_enterprise,
                                boai_enterprise, org_tree):
        a = record(xiuwu_staff, xiuwu_enterprise, workers_involved=12, epidemic_related=True,
                   dispute_type="epidemic_pay")
        b = record(boai_staff, boai_enterprise)
        services.dispute_progress(actor=boai_staff, dispute=b, happened_on=days_ago(0), note="调解",
                                  to_status=S.MEDIATING)
        client.force_login(city_staff)

        def found(**params):
            return {d.pk for d in client.get(LIST, params).context["page_obj"]}

        assert found() == {a.pk, b.pk}
        assert found(status="mediating") == {b.pk} and found(status="open") == {a.pk, b.pk}
        assert found(type="epidemic_pay") == {a.pk} and found(collective="1") == {a.pk}
        assert found(collective="0") == {b.pk} and found(epidemic="1") == {a.pk}
        assert found(district=org_tree.boai.pk) == {b.pk} and found(q="恒达") == {a.pk}
        assert found(start=days_ago(5).isoformat()) == set() and found(end=days_ago(5).isoformat()) == {a.pk, b.pk}
        assert found(status="nonsense", type="x" * 500, district="-1", collective="2") == {a.pk, b.pk}
        assert len(client.get(LIST).context["districts"]) == 2

    def test_pages_run_a_fixed_number_of_queries(self, client, xiuwu_staff, xiuwu_enterprise, org_tree,
                                                 django_assert_max_num_queries):
        enterprises = [xiuwu_enterprise] + [EnterpriseFactory(district=org_tree.xiuwu) for _ in range(4)]
        for index in range(65):
            record(xiuwu_staff, enterprises[index % 5], workers_involved=1 + index % 15)
        client.force_login(xiuwu_staff)
        client.get(LIST)  # the session and permission caches
        for page in (1, 2, 3):
            with django_assert_max_num_queries(14):
                response = client.get(LIST, {"page": page, "status": "open"})
            assert response.status_code == 200
        assert len(response.context["page_obj"]) == 5

    def test_hostile_query_strings_do_not_break_it(self, client, xiuwu_staff):
        client.force_login(xiuwu_staff)
        for params in ({"q": "%00"}, {"q": "恒" * 5000}, {"page": "-1"}, {"start": "9999-99-99"},
                       {"district": "1" * 40}, {"end": "0001-01-01"}):
            assert client.get(LIST, params).status_code == 200


class TestExport:
    def test_the_export_is_formula_safe_streamed_and_audited(self, client, xiuwu_staff, org_tree):
        hostile = EnterpriseFactory(name='=HYPERLINK("http://evil.example","点我")', district=org_tree.xiuwu)
        record(xiuwu_staff, hostile, description="+1+1 工资", amount=Decimal("1234.50"))
        client.force_login(xiuwu_staff)
        response = client.get(LIST, {"format": "xlsx", "q": "HYPERLINK"})
        assert response.status_code == 200 and response.streaming
        assert "attachment" in response["Content-Disposition"]
        sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
        rows = list(sheet.iter_rows(values_only=False))
        assert rows[0][0].value == "企业" and len(rows) == 2
        name_cell, description_cell = rows[1][0], rows[1][10]
        assert name_cell.value == '=HYPERLINK("http://evil.example","点我")' and name_cell.data_type == "s"
        assert name_cell.quotePrefix and description_cell.data_type == "s"
        assert rows[1][6].value == 1234.5
        assert AuditLog.objects.filter(action="legal_aid.dispute.exported", actor=xiuwu_staff).exists()

    def test_a_long_export_stops_at_the_limit_and_says_so(self, client, xiuwu_staff, xiuwu_enterprise, monkeypatch):
        from apps.legal_aid.views import disputes as dispute_views

        monkeypatch.setattr(dispute_views, "EXPORT_LIMIT", 2)
        for _ in range(3):
            record(xiuwu_staff, xiuwu_enterprise)
        client.force_login(xiuwu_staff)
        sheet = load_workbook(io.BytesIO(b"".join(client.get(LIST, {"format": "xlsx"}).streaming_content))).active
        rows = list(sheet.iter_rows(min_row=2, values_only=True))
        assert len(rows) == 3 and rows[-1][0] == "共 3 件，只导出了前 2 件，请缩小筛选范围后分批导出。"

    def test_the_export_keeps_to_the_subtree(self, client, xiuwu_staff, boai_staff, xiuwu_enterprise,
                                             boai_enterprise):
        record(xiuwu_staff, xiuwu_enterprise)
        record(boai_staff, boai_enterprise)
        client.force_login(boai_staff)
        sheet = load_workbook(io.BytesIO(b"".join(client.get(LIST, {"format": "xlsx"}).streaming_content))).active
        names = [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)]
        assert names == [boai_enterprise.name]


class TestThresholdsPage:
    @pytest.mark.parametrize("data, field, message", [
        ({"major_workers": "0", "major_amount": "500000"}, "major_workers", "人数标准至少为 1 人"),
        ({"major_workers": "", "major_amount": "500000"}, "major_workers", "请填写人数标准"),
        ({"major_workers": "30", "major_amount": "-1"}, "major_amount", "金额标准至少为 1 元"),
        ({"major_workers": "30", "major_amount": "abc"}, "major_amount", "请填写有效的金额"),
    ])
    def test_bad_input(self, client, city_staff, data, field, message):
        client.force_login(city_staff)
        response = client.post(reverse("legal_aid:dispute_thresholds"), data)
        assert response.status_code == 400 and message in " ".join(response.context["form"].errors[field])
        assert not DisputeThresholds.objects.exists()

    def test_the_city_saves_them(self, client, city_staff):
        client.force_login(city_staff)
        response = client.post(reverse("legal_aid:dispute_thresholds"),
                               {"major_workers": "50", "major_amount": "1000000"}, follow=True)
        assert "已保存重大劳动争议标准" in response.content.decode()
        row = DisputeThresholds.objects.get()
        assert (row.major_workers, row.major_amount, row.updated_by) == (50, Decimal("1000000"), city_staff)


class TestConsole:
    def test_the_menu_and_the_open_collective_to_do(self, client, xiuwu_staff, grassroots_staff, xiuwu_enterprise):
        dispute = record(xiuwu_staff, xiuwu_enterprise, workers_involved=12)
        record(xiuwu_staff, xiuwu_enterprise, workers_involved=20)
        record(xiuwu_staff, xiuwu_enterprise, workers_involved=2)
        for step in (S.MEDIATING, S.MEDIATED, S.CLOSED):
            services.dispute_progress(actor=xiuwu_staff, dispute=dispute, happened_on=days_ago(0), note=step,
                                      to_status=step, resolution="已履行。")
        client.force_login(xiuwu_staff)
        body = client.get(reverse("core:console")).content.decode()
        assert "劳动争议" in body and "集体协商" in body and "重大争议标准" not in body
        todos = client.get(reverse("core:console")).context["todo_groups"]["法律服务"]
        todo = next(item for item in todos if item.label == "未结的集体劳动争议")
        assert todo.count == 1 and todo.url == f"{LIST}?status=open&collective=1"
