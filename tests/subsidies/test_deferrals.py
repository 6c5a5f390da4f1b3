"""Union dues deferral: applying, the county's decision, reminders, the list by district."""
from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from apps.notifications.models import Notification
from apps.subsidies import services, tasks
from apps.subsidies.models import DuesDeferral

pytestmark = pytest.mark.django_db


def _apply(actor, enterprise, **changes):
    today = timezone.localdate()
    fields = dict(actor=actor, enterprise=enterprise, period_start=today - timedelta(days=90),
                  period_end=today - timedelta(days=1), deferred_until=today + timedelta(days=5),
                  amount=Decimal("12000.00"), reason="疫情停工，申请缓缴")
    fields.update(changes)
    return services.deferral_apply(**fields)


def test_the_county_approves_and_a_reminder_goes_once(grassroots_staff, xiuwu_staff, xiuwu_enterprise,
                                                     django_capture_on_commit_callbacks):
    deferral = _apply(grassroots_staff, xiuwu_enterprise)
    assert deferral.district == xiuwu_enterprise.district
    services.deferral_decide(actor=xiuwu_staff, deferral=deferral, approve=True)
    deferral.refresh_from_db()
    assert deferral.status == DuesDeferral.Status.APPROVED
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.send_deferral_reminders() == 1
        assert tasks.send_deferral_reminders() == 0
    assert Notification.objects.filter(recipient=grassroots_staff, title__contains="到期").count() == 1


def test_not_reminded_when_far_from_due(grassroots_staff, xiuwu_staff, xiuwu_enterprise):
    deferral = _apply(grassroots_staff, xiuwu_enterprise, deferred_until=timezone.localdate() + timedelta(days=60))
    services.deferral_decide(actor=xiuwu_staff, deferral=deferral, approve=True)
    assert services.deferral_remind_due() == 0


@pytest.mark.parametrize("changes, field", [
    ({"amount": Decimal("0")}, "amount"),
    ({"amount": "abc"}, "amount"),
    ({"amount": Decimal("1.001")}, "amount"),
    ({"deferred_until": date(2000, 1, 1)}, "deferred_until"),
    ({"period_end": date(9999, 12, 31), "deferred_until": date(9999, 12, 31)}, "period_start"),
    ({"reason": " "}, "reason"),
])
def test_bad_input_is_refused(grassroots_staff, xiuwu_enterprise, changes, field):
    with pytest.raises(ValidationError) as error:
        _apply(grassroots_staff, xiuwu_enterprise, **changes)
    assert field in error.value.message_dict
    assert not DuesDeferral.objects.exists()


def test_an_overlapping_deferral_is_refused(grassroots_staff, xiuwu_enterprise):
    _apply(grassroots_staff, xiuwu_enterprise)
    with pytest.raises(ValidationError, match="已有"):
        _apply(grassroots_staff, xiuwu_enterprise)


def test_refusals(grassroots_staff, xiuwu_staff, boai_staff, xiuwu_enterprise, boai_enterprise):
    with pytest.raises(PermissionDenied):
        _apply(grassroots_staff, boai_enterprise)
    deferral = _apply(grassroots_staff, xiuwu_enterprise)
    with pytest.raises(PermissionDenied):
        services.deferral_decide(actor=boai_staff, deferral=deferral, approve=True)
    with pytest.raises(PermissionDenied):  # a grassroots union does not approve
        services.deferral_decide(actor=grassroots_staff, deferral=deferral, approve=True)
    own = _apply(xiuwu_staff, xiuwu_enterprise, period_start=date(2020, 1, 1), period_end=date(2020, 3, 31),
                 deferred_until=date(2020, 12, 31))
    with pytest.raises(PermissionDenied, match="本人"):
        services.deferral_decide(actor=xiuwu_staff, deferral=own, approve=True)
    with pytest.raises(ValidationError):
        services.deferral_decide(actor=xiuwu_staff, deferral=deferral, approve=False, comment="")


def test_the_form_shows_messages_and_saves_nothing(client, grassroots_staff, xiuwu_enterprise):
    client.force_login(grassroots_staff)
    response = client.post(reverse("subsidies:deferral_new"), {
        "enterprise": xiuwu_enterprise.pk, "period_start": "2020-01-01", "period_end": "2020-03-31",
        "deferred_until": "2022-01-01", "amount": "1000", "reason": "疫情"})
    assert response.status_code == 400 and "一年" in str(response.context["form"].errors["deferred_until"])
    assert not DuesDeferral.objects.exists()


def test_the_list_by_district_with_a_fixed_query_count(client, grassroots_staff, xiuwu_staff, boai_staff,
                                                       city_staff, xiuwu_enterprise, boai_enterprise,
                                                       django_assert_max_num_queries):
    _apply(grassroots_staff, xiuwu_enterprise)
    _apply(boai_staff, boai_enterprise, amount=Decimal("500.00"))
    client.force_login(city_staff)
    with django_assert_max_num_queries(16):
        response = client.get(reverse("subsidies:deferral_list"))
    rows = {row["district__name"]: row["total"] for row in response.context["districts"]}
    assert rows == {"修武县总工会": Decimal("12000.00"), "博爱县总工会": Decimal("500.00")}
    client.force_login(xiuwu_staff)
    page = client.get(reverse("subsidies:deferral_list"))
    assert [d.enterprise for d in page.context["page_obj"]] == [xiuwu_enterprise]
    other = DuesDeferral.objects.get(enterprise=boai_enterprise)
    assert client.get(reverse("subsidies:deferral_detail", args=[other.pk])).status_code == 404


def test_indicators(city_staff, org_tree, grassroots_staff, xiuwu_staff, worker, xiuwu_enterprise):
    from apps.core.indicators import all_indicators

    from .factories import approved, make_programme

    programme = make_programme(city_staff)
    application = approved(programme, worker, xiuwu_enterprise, union_staff=grassroots_staff,
                           county_staff=xiuwu_staff, city_staff=city_staff)
    batch = services.batch_create(actor=city_staff, programme=programme, applications=[application])
    services.batch_mark_paid(actor=city_staff, batch=batch)
    deferral = _apply(grassroots_staff, xiuwu_enterprise)
    services.deferral_decide(actor=xiuwu_staff, deferral=deferral, approve=True)
    found = all_indicators()
    today = timezone.localdate()
    orgs = [org_tree.city, org_tree.xiuwu, org_tree.boai]

    def values(key):
        return found[key].compute(orgs, today - timedelta(days=100), today)

    assert values("subsidies.applications")[org_tree.xiuwu.pk] == 1
    assert values("subsidies.people_paid")[org_tree.city.pk] == 1
    assert values("subsidies.yuan_paid")[org_tree.xiuwu.pk] == Decimal("300.00")
    assert values("subsidies.yuan_paid")[org_tree.boai.pk] == 0
    assert values("subsidies.average_days")[org_tree.xiuwu.pk] == 0
    assert values("subsidies.deferral_enterprises")[org_tree.xiuwu.pk] == 1
    assert values("subsidies.deferral_yuan")[org_tree.city.pk] == Decimal("12000.00")
    assert found["subsidies.people_paid"].link(org_tree.xiuwu, today, today).startswith("/subsidies/applications/")


def test_the_county_decides_through_the_page(client, grassroots_staff, xiuwu_staff, boai_staff, xiuwu_enterprise):
    deferral = _apply(grassroots_staff, xiuwu_enterprise)
    client.force_login(boai_staff)
    assert client.post(reverse("subsidies:deferral_decide", args=[deferral.pk]),
                       {"action": "approve"}).status_code == 404
    client.force_login(xiuwu_staff)
    page = client.get(reverse("subsidies:deferral_detail", args=[deferral.pk])).content.decode()
    assert "批准缓缴" in page
    client.post(reverse("subsidies:deferral_decide", args=[deferral.pk]), {"action": "reject", "comment": ""})
    deferral.refresh_from_db()
    assert deferral.status == DuesDeferral.Status.SUBMITTED  # a refusal needs its reason
    client.post(reverse("subsidies:deferral_decide", args=[deferral.pk]), {"action": "approve"})
    deferral.refresh_from_db()
    assert deferral.status == DuesDeferral.Status.APPROVED
    client.force_login(grassroots_staff)
    client.post(reverse("subsidies:deferral_decide", args=[deferral.pk]), {"action": "settle"})
    deferral.refresh_from_db()
    assert deferral.status == DuesDeferral.Status.SETTLED


def test_the_reminder_is_a_scheduled_task():
    from django.apps import apps

    tasks_named = [t["task"] for t in apps.get_app_config("subsidies").periodic_tasks]
    assert "apps.subsidies.tasks.send_deferral_reminders" in tasks_named
