"""Postponed elections, social union workers, member import from Excel, indicators."""
from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from apps.core.indicators import all_indicators
from apps.notifications.models import Notification
from apps.organizing import services
from apps.organizing.models import Membership, SocialWorker, UnionProfile
from apps.organizing.services.member_import import COLUMNS as MEMBER_COLUMNS

from .conftest import id_number

pytestmark = pytest.mark.django_db


@pytest.fixture
def postponed(org_tree, city_staff, grassroots_staff):
    services.epidemic_record(actor=city_staff, started_on=dt.date(2020, 1, 24), ended_on=None, deadline_days=60)
    services.term_set(actor=grassroots_staff, union=org_tree.xiuwu_grassroots, term_start=dt.date(2015, 3, 1),
                      term_end=dt.date(2020, 3, 1))
    return services.election_postpone(actor=grassroots_staff, union=org_tree.xiuwu_grassroots, reason="疫情防控期间")


def test_end_of_epidemic_sets_due_dates_and_tells_the_unions(postponed, city_staff, grassroots_staff,
                                                             django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.epidemic_record(actor=city_staff, started_on=dt.date(2020, 1, 24), ended_on=dt.date(2020, 5, 1),
                                 deadline_days=60)
    postponed.refresh_from_db()
    assert postponed.election_due_by == dt.date(2020, 6, 30)
    assert Notification.objects.filter(recipient=grassroots_staff, title__contains="换届").exists()
    with django_capture_on_commit_callbacks(execute=True):
        assert services.remind_overdue_elections(today=dt.date(2020, 7, 1)) == 1
    services.election_record(actor=grassroots_staff, union=postponed.organization, held_on=dt.date(2020, 7, 10))
    assert services.remind_overdue_elections(today=dt.date(2020, 7, 11)) == 0


def test_only_the_city_office_records_the_epidemic(xiuwu_staff):
    with pytest.raises(PermissionDenied):
        services.epidemic_record(actor=xiuwu_staff, started_on=dt.date(2020, 1, 24), ended_on=None, deadline_days=60)


def test_postponement_needs_a_term_ending_during_the_epidemic(org_tree, city_staff, grassroots_staff):
    services.epidemic_record(actor=city_staff, started_on=dt.date(2020, 1, 24), ended_on=None, deadline_days=60)
    services.term_set(actor=grassroots_staff, union=org_tree.xiuwu_grassroots, term_start=dt.date(2018, 1, 1),
                      term_end=dt.date(2019, 1, 1))
    with pytest.raises(ValidationError):
        services.election_postpone(actor=grassroots_staff, union=org_tree.xiuwu_grassroots, reason="疫情")


def test_elections_pages_scoped_and_bad_dates_refused(client, postponed, boai_staff, grassroots_staff,
                                                      django_assert_max_num_queries):
    client.force_login(boai_staff)
    assert client.get(reverse("organizing:election_union", args=[postponed.organization_id])).status_code == 404
    assert client.get(reverse("organizing:election_list")).context["page_obj"].paginator.count == 0
    client.force_login(grassroots_staff)
    with django_assert_max_num_queries(13):
        assert client.get(reverse("organizing:election_list")).context["page_obj"].paginator.count == 1
    url = reverse("organizing:election_union", args=[postponed.organization_id])
    response = client.post(url, {"action": "term", "term_start": "2020-01-01", "term_end": "2019-01-01"})
    assert "应晚于开始日期" in response.content.decode()
    response = client.post(url, {"action": "held", "held_on": "9999-01-01"})
    assert "日期" in response.content.decode()
    assert not UnionProfile.objects.get(pk=postponed.pk).election_held_on
    # Recording the epidemic is the city office's: a county clerk's POST is refused.
    assert client.post(reverse("organizing:election_list"), {"started_on": "2020-01-01"}).status_code == 403


def test_social_worker_registered_approved_and_counted(client, org_tree, grassroots_staff, boai_staff, xiuwu_staff):
    client.force_login(grassroots_staff)
    data = {"name": "李娜", "phone": "139 0000 1234", "union": org_tree.xiuwu_grassroots.pk, "team": "城关镇防控组",
            "assigned_since": "2026-02-01", "team_role": "入户排查"}
    response = client.post(reverse("organizing:social_worker_list"), {**data, "phone": "12345"})
    assert "手机号码" in response.content.decode() and not SocialWorker.objects.exists()
    response = client.post(reverse("organizing:social_worker_list"), {**data, "union": org_tree.boai_grassroots.pk})
    assert response.status_code == 200 and not SocialWorker.objects.exists()
    client.post(reverse("organizing:social_worker_list"), data)
    worker = SocialWorker.objects.get()
    assert worker.phone == "13900001234" and worker.status == "pending"
    client.force_login(boai_staff)
    review = reverse("organizing:social_worker_review", args=[worker.pk])
    assert client.post(review, {"approve": "1"}).status_code == 404
    client.force_login(xiuwu_staff)
    client.post(reverse("organizing:social_worker_review", args=[worker.pk]), {"approve": "1"})
    worker.refresh_from_db()
    assert worker.status == "approved"
    counts = dict(client.get(reverse("organizing:social_worker_list")).context["by_district"])
    assert counts[org_tree.xiuwu] == 1


def _members_file(rows, header=MEMBER_COLUMNS):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile("members.xlsx", buffer.getvalue())


def test_member_import_all_or_nothing(client, org_tree, grassroots_staff):
    client.force_login(grassroots_staff)
    url = reverse("organizing:member_import")
    bad = [["王一", id_number(11), "13900000011", "钳工", "否"], ["王二", "410821199001010010", "", "焊工", ""],
           ["王三", id_number(11), "", "电工", "快递员"], ["王四", id_number(12), "123", "电工", "宇航员"]]
    response = client.post(url, {"union": org_tree.xiuwu_grassroots.pk, "file": _members_file(bad)})
    page = response.content.decode()
    assert "第 3 行" in page and "第 4 行：身份证号码与第 2 行重复" in page and "第 5 行" in page
    assert "第 2 行：" not in page
    assert not Membership.objects.exists()
    response = client.post(url, {"union": org_tree.xiuwu_grassroots.pk,
                                 "file": _members_file([["王一"]], header=["姓名"])})
    assert "缺少列" in response.content.decode()
    good = [["王一", id_number(11), "13900000011", "钳工", "否"], ["王三", id_number(13), "", "快递", "快递员"]]
    client.post(url, {"union": org_tree.xiuwu_grassroots.pk, "file": _members_file(good)})
    assert Membership.objects.filter(union=org_tree.xiuwu_grassroots, joined_online=False).count() == 2
    assert Membership.objects.get(real_name="王三").new_form_work == "courier"


def test_member_import_into_another_districts_union_is_refused(client, org_tree, xiuwu_staff):
    client.force_login(xiuwu_staff)
    response = client.post(reverse("organizing:member_import"),
                           {"union": org_tree.boai_grassroots.pk,
                            "file": _members_file([["王一", id_number(11), "", "钳工", "否"]])})
    assert response.status_code == 200 and not Membership.objects.exists()


def test_imported_member_is_found_by_the_id_on_the_account(org_tree, grassroots_staff, worker):
    from apps.core.crypto import pii_digest
    from apps.organizing.selectors import union_of

    services.members_import(actor=grassroots_staff, union=org_tree.xiuwu_grassroots, kind="xlsx",
                            binary=_members_file([["张伟", id_number(21), "", "钳工", "否"]]))
    assert union_of(worker) is None
    worker.id_number_digest = pii_digest(id_number(21))
    worker.save()
    assert union_of(worker) == org_tree.xiuwu_grassroots


def test_indicators_are_listed_and_compute(org_tree, member, union_enterprise, bare_enterprise):
    indicators = all_indicators()
    for key in ["organizing.members_joined_online", "organizing.unions_founded",
                "organizing.enterprises_without_union", "organizing.coverage_rate",
                "organizing.elections_held_after_postponement"]:
        assert key in indicators
    today = dt.date.today()
    joined = indicators["organizing.members_joined_online"].compute([org_tree.xiuwu, org_tree.boai],
                                                                    dt.date(today.year, 1, 1), today)
    assert joined == {org_tree.xiuwu.pk: 1, org_tree.boai.pk: 0}
    rate = indicators["organizing.coverage_rate"].compute([org_tree.xiuwu], today, today)
    assert float(rate[org_tree.xiuwu.pk]) == 50.0
    assert indicators["organizing.coverage_rate"].link(org_tree.xiuwu, today, today) == reverse("organizing:coverage")
