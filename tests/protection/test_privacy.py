"""A reporter's copy of their hazard reports, and what closing the account erases (PIPL art. 45, 47)."""
from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from apps.core.models import AuditLog
from apps.core.registry import account_closers, my_data_exports
from apps.protection.models import Hazard
from apps.protection.privacy import hazard_reporter_close, my_hazard_data
from tests.factories import PASSWORD

from .factories import make_hazard

pytestmark = pytest.mark.django_db
URL = "/protection/report/"


@pytest.fixture
def reporter(worker):
    worker.phone_verified_at = timezone.now()
    worker.save(update_fields=["phone_verified_at"])
    return worker


@pytest.fixture
def reported(client, org_tree, xiuwu_enterprise, reporter):
    """A report the worker filed through the public form, leaving their name and number."""
    client.force_login(reporter)
    response = client.post(URL, {"district": org_tree.xiuwu.pk, "enterprise_name": "恒达机械", "location": "二号车间",
                                 "description": "冲压机防护罩拆掉了，工人手离模具很近。", "reporter_name": "张师傅",
                                 "reporter_phone": reporter.phone})
    assert response.status_code == 302
    client.logout()
    return Hazard.objects.get(reporter_phone=reporter.phone)


def test_the_copy_lists_the_reports_carrying_the_persons_phone_and_no_others(reported, reporter, xiuwu_enterprise,
                                                                             other_worker):
    make_hazard(xiuwu_enterprise, reporter_name="王芳", reporter_phone=other_worker.phone, location="他人的举报")
    make_hazard(xiuwu_enterprise, location="匿名举报的隐患")
    [section] = my_hazard_data(reporter)
    assert section.title == "我举报的风险隐患"
    row = dict(zip(section.columns, section.rows[0], strict=True))
    assert len(section.rows) == 1
    assert row["查询编号"] == reported.reference and row["企业"] == xiuwu_enterprise.name
    assert row["留下的姓名"] == "张师傅" and row["处理状态"] == "已上报"
    cells = [str(c) for c in section.rows[0]]
    assert "他人的举报" not in cells and "匿名举报的隐患" not in cells


def test_a_phone_the_account_never_proved_claims_nothing(reported, reporter):
    reporter.phone_verified_at = None
    reporter.save(update_fields=["phone_verified_at"])
    assert my_hazard_data(reporter) == []
    assert hazard_reporter_close(user=reporter) is None
    assert Hazard.objects.get(pk=reported.pk).reporter_phone == reporter.phone


def test_a_hazard_staff_raised_is_not_a_workers_report(xiuwu_enterprise, reporter):
    make_hazard(xiuwu_enterprise, source=Hazard.Source.VISIT, reporter_phone=reporter.phone)
    assert my_hazard_data(reporter) == []


def test_closing_erases_the_name_and_phone_and_keeps_the_hazard(reported, reporter):
    note = hazard_reporter_close(user=reporter)
    hazard = Hazard.objects.get(pk=reported.pk)
    assert hazard.reporter_name == "" and hazard.reporter_phone == ""
    assert hazard.description.startswith("冲压机防护罩") and hazard.status == "reported"
    assert note.app == "隐患举报" and "姓名和联系电话" in note.erased[0]
    assert "照常处理并保留" in note.kept[0]
    log = AuditLog.objects.get(action="protection.hazard.reporter_erased")
    assert log.after == {"references": [reported.reference]}


def test_closing_twice_or_with_nothing_is_harmless(reported, reporter, other_worker):
    assert hazard_reporter_close(user=other_worker) is None
    hazard_reporter_close(user=reporter)
    assert hazard_reporter_close(user=reporter) is None
    assert AuditLog.objects.filter(action="protection.hazard.reporter_erased").count() == 1


def test_the_close_account_page_runs_it(client, reported, reporter):
    assert hazard_reporter_close in list(account_closers) and my_hazard_data in list(my_data_exports)
    client.force_login(reporter)
    response = client.post(reverse("accounts:close_account"), {"password": PASSWORD, "confirm": "on"})
    html = response.content.decode()
    assert response.status_code == 200 and "账号已注销" in html and "隐患举报" in html
    assert Hazard.objects.get(pk=reported.pk).reporter_phone == ""


def test_copy_and_closing_run_a_fixed_number_of_queries(reporter, xiuwu_enterprise, django_assert_max_num_queries):
    for _ in range(6):
        make_hazard(xiuwu_enterprise, reporter_name="张师傅", reporter_phone=reporter.phone)
    with django_assert_max_num_queries(1):
        [section] = my_hazard_data(reporter)
    assert len(section.rows) == 6
    with django_assert_max_num_queries(5):  # lock and list, update, audit row, and the savepoint around them
        hazard_reporter_close(user=reporter)
    assert not Hazard.objects.filter(reporter_phone=reporter.phone).exists()
