"""Nomination quotas per county-level union: a default for all, a county's own number, usage shown to it."""
from __future__ import annotations

import threading

import pytest
from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.urls import reverse

from apps.core.models import AuditLog
from apps.publicity import selectors, services
from apps.publicity.models import CampaignQuota, Nomination
from tests.conftest import require_postgres
from tests.factories import make_organization

from .factories import make_campaign

pytestmark = pytest.mark.django_db


def _nominate(user, campaign, name="李红"):
    return services.nomination_submit(actor=user, campaign=campaign, nominee_name=name, workplace="恒达机械",
                                      deeds="疫情期间坚守岗位。", front_line=True)


def _set(actor, campaign, default, **by_org):
    return services.campaign_quotas_set(actor=actor, campaign=campaign, default_quota=default,
                                        quotas={org.pk: value for org, value in by_org.values()})


# --- services --------------------------------------------------------------------------------------

def test_a_county_of_its_own_and_the_default_for_the_rest(org_tree, city_staff, xiuwu_staff, boai_staff):
    campaign = make_campaign(org_tree.city, quota=2)
    _set(city_staff, campaign, 1, xiuwu=(org_tree.xiuwu, 3))
    for name in ("甲", "乙", "丙"):
        _nominate(xiuwu_staff, campaign, name)
    with pytest.raises(ValidationError, match="修武县总工会的推荐名额（3 名）已用完"):
        _nominate(xiuwu_staff, campaign, "丁")
    _nominate(boai_staff, campaign, "戊")
    with pytest.raises(ValidationError, match="博爱县总工会的推荐名额（1 名）已用完"):
        _nominate(boai_staff, campaign, "己")
    log = AuditLog.objects.get(action="publicity.campaign.quotas_set")
    assert log.before == {"default": 2, "counties": {}}
    assert log.after == {"default": 1, "counties": {"修武县总工会": 3}}


def test_clearing_a_countys_number_puts_it_back_on_the_default(org_tree, city_staff, xiuwu_staff):
    campaign = make_campaign(org_tree.city, quota=2)
    _set(city_staff, campaign, 2, xiuwu=(org_tree.xiuwu, 0))
    with pytest.raises(ValidationError, match="没有推荐名额"):
        _nominate(xiuwu_staff, campaign)
    _set(city_staff, campaign, 2, xiuwu=(org_tree.xiuwu, None))
    assert not CampaignQuota.objects.exists()
    _nominate(xiuwu_staff, campaign)


def test_no_county_gets_fewer_places_than_it_has_used(org_tree, city_staff, xiuwu_staff, boai_staff):
    campaign = make_campaign(org_tree.city, quota=3)
    _nominate(xiuwu_staff, campaign, "甲")
    _nominate(xiuwu_staff, campaign, "乙")
    _nominate(boai_staff, campaign, "丙")
    _nominate(boai_staff, campaign, "丁")
    with pytest.raises(ValidationError) as error:
        _set(city_staff, campaign, 1, xiuwu=(org_tree.xiuwu, 1))
    messages = error.value.message_dict
    assert "修武县总工会已推荐 2 名" in messages[f"quota_{org_tree.xiuwu.pk}"][0]
    assert "博爱县总工会（已推荐 2 名）" in messages["default_quota"][0]
    campaign.refresh_from_db()
    assert campaign.default_quota == 3 and not CampaignQuota.objects.exists()
    # A rejected nomination frees its place.
    Nomination.objects.filter(nominee_name="乙").update(status=Nomination.Status.REJECTED)
    _set(city_staff, campaign, 2, xiuwu=(org_tree.xiuwu, 1))


@pytest.mark.parametrize("value", [-1, 201, True, "3", 2.0])
def test_a_quota_is_a_whole_number_from_0_to_200(org_tree, city_staff, value):
    campaign = make_campaign(org_tree.city)
    with pytest.raises(ValidationError) as error:
        _set(city_staff, campaign, 2, xiuwu=(org_tree.xiuwu, value))
    assert "0 到 200" in error.value.message_dict[f"quota_{org_tree.xiuwu.pk}"][0]
    with pytest.raises(ValidationError):
        _set(city_staff, campaign, value)
    assert not CampaignQuota.objects.exists()


def test_only_the_organiser_sets_quotas_and_only_while_nominating(org_tree, city_staff, xiuwu_staff):
    campaign = make_campaign(org_tree.city)
    with pytest.raises(PermissionDenied):
        _set(xiuwu_staff, campaign, 5, xiuwu=(org_tree.xiuwu, 9))
    outsider = make_organization("修武县外的单位", "county", org_tree.city, code="410899")
    county_campaign = make_campaign(org_tree.xiuwu, title="修武县内评选")
    with pytest.raises(ValidationError, match="评选范围内"):
        _set(city_staff, county_campaign, 1, other=(outsider, 3))
    reviewing = make_campaign(org_tree.city, status="reviewing", title="评审中的评选")
    with pytest.raises(ValidationError, match="推荐已结束"):
        _set(city_staff, reviewing, 1)
    assert not AuditLog.objects.filter(action="publicity.campaign.quotas_set").exists()


def test_usage_is_read_in_a_fixed_number_of_queries(org_tree, city_staff, xiuwu_staff, boai_staff,
                                                    django_assert_max_num_queries):
    campaign = make_campaign(org_tree.city, quota=2)
    _nominate(xiuwu_staff, campaign)
    with django_assert_max_num_queries(3):
        few = selectors.quota_usage(city_staff, campaign)
    for n in range(10):
        make_organization(f"测试县总工会{n}", "county", org_tree.city, code=f"4108T{n}")
    _set(city_staff, campaign, 2, boai=(org_tree.boai, 4))
    with django_assert_max_num_queries(3):
        many = selectors.quota_usage(city_staff, campaign)
    assert len(many) == len(few) + 10
    by_name = {row.district.name: row for row in many}
    assert (by_name["修武县总工会"].quota, by_name["修武县总工会"].used, by_name["修武县总工会"].own) == (2, 1, False)
    assert (by_name["博爱县总工会"].quota, by_name["博爱县总工会"].left, by_name["博爱县总工会"].own) == (4, 4, True)
    assert [row.district for row in selectors.quota_usage(xiuwu_staff, campaign)] == [org_tree.xiuwu]


# --- pages -----------------------------------------------------------------------------------------

def test_city_sets_quotas_on_the_page_and_bad_input_saves_nothing(client, org_tree, city_staff, xiuwu_staff):
    campaign = make_campaign(org_tree.city, quota=2)
    _nominate(xiuwu_staff, campaign, "甲")
    _nominate(xiuwu_staff, campaign, "乙")
    client.force_login(city_staff)
    url = reverse("publicity:campaign_quotas", args=[campaign.pk])
    page = client.get(url)
    assert page.status_code == 200 and "已推荐 2 名" in page.content.decode()
    xiuwu, boai = f"quota_{org_tree.xiuwu.pk}", f"quota_{org_tree.boai.pk}"
    bad = client.post(url, {"default_quota": "", xiuwu: "-1", boai: "abc"})
    text = bad.content.decode()
    assert bad.status_code == 400
    for message in ("请填写默认名额", "名额应为 0 到 200 之间的整数", "请输入整数"):
        assert message in text, message
    below = client.post(url, {"default_quota": "2", xiuwu: "1"})
    assert below.status_code == 400 and "修武县总工会已推荐 2 名，名额不能少于已推荐人数" in below.content.decode()
    assert not CampaignQuota.objects.exists()
    done = client.post(url, {"default_quota": "1", xiuwu: "4", boai: ""})
    assert done.status_code == 302
    campaign.refresh_from_db()
    assert campaign.default_quota == 1
    assert dict(CampaignQuota.objects.values_list("district__name", "quota")) == {"修武县总工会": 4}
    manage = client.get(reverse("publicity:campaign_manage", args=[campaign.pk])).content.decode()
    assert "调整名额" in manage and "（默认）" in manage


def test_the_county_sees_its_own_quota_and_usage_only(client, org_tree, city_staff, xiuwu_staff, boai_staff,
                                                      grassroots_staff):
    campaign = make_campaign(org_tree.city, quota=2)
    _set(city_staff, campaign, 2, xiuwu=(org_tree.xiuwu, 5))
    _nominate(grassroots_staff, campaign, "甲")
    for person in (xiuwu_staff, grassroots_staff):
        client.force_login(person)
        page = client.get(reverse("publicity:campaign_manage", args=[campaign.pk]))
        rows = page.context["quota_rows"]
        assert [(r.district, r.quota, r.used, r.left) for r in rows] == [(org_tree.xiuwu, 5, 1, 4)]
        text = page.content.decode()
        assert "博爱县总工会" not in text and "调整名额" not in text
    client.force_login(boai_staff)
    rows = client.get(reverse("publicity:campaign_manage", args=[campaign.pk])).context["quota_rows"]
    assert [(r.district, r.quota, r.used, r.own) for r in rows] == [(org_tree.boai, 2, 0, False)]


def test_wrong_role_gets_403_and_another_district_404(client, org_tree, city_staff, xiuwu_staff, boai_staff):
    city_campaign = make_campaign(org_tree.city)
    client.force_login(xiuwu_staff)  # may nominate, may not run selections
    assert client.get(reverse("publicity:campaign_quotas", args=[city_campaign.pk])).status_code == 403
    boai_staff.user_permissions.add(Permission.objects.get(codename="run_campaign"))
    client.force_login(boai_staff)
    county_campaign = make_campaign(org_tree.xiuwu, title="修武县内评选")
    url = reverse("publicity:campaign_quotas", args=[county_campaign.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"default_quota": "9"}).status_code == 404
    assert client.post(reverse("publicity:campaign_quotas", args=[city_campaign.pk]),
                       {"default_quota": "9"}).status_code == 403  # sees the city's selection, does not run it
    county_campaign.refresh_from_db()
    city_campaign.refresh_from_db()
    assert county_campaign.default_quota == 2 and city_campaign.default_quota == 2


# --- races -----------------------------------------------------------------------------------------

def _race(calls):
    outcomes = []
    barrier = threading.Barrier(len(calls))

    def run(call):
        try:
            barrier.wait()
            outcomes.append(call())
        except (ValidationError, PermissionDenied) as error:
            outcomes.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    [t.start() for t in threads]
    [t.join() for t in threads]
    return outcomes


def test_each_countys_own_limit_holds_under_a_race(org_tree, city_staff, xiuwu_staff, grassroots_staff,
                                                   boai_staff, transactional_db):
    require_postgres()
    campaign = make_campaign(org_tree.city, quota=1)
    _set(city_staff, campaign, 1, xiuwu=(org_tree.xiuwu, 3))
    calls = [lambda n=n, who=who: _nominate(who, campaign, f"修武{n}")
             for n, who in enumerate([xiuwu_staff, grassroots_staff] * 4)]
    calls += [lambda n=n: _nominate(boai_staff, campaign, f"博爱{n}") for n in range(4)]
    outcomes = _race(calls)
    assert campaign.nominations.filter(district=org_tree.xiuwu).count() == 3
    assert campaign.nominations.filter(district=org_tree.boai).count() == 1
    assert sum(isinstance(o, Nomination) for o in outcomes) == 4
    assert sum("名额" in str(o) for o in outcomes if isinstance(o, ValidationError)) == 8


def test_lowering_a_quota_while_the_county_nominates_never_leaves_it_over(
        org_tree, city_staff, xiuwu_staff, grassroots_staff, transactional_db):
    require_postgres()
    campaign = make_campaign(org_tree.city, quota=1)
    _set(city_staff, campaign, 1, xiuwu=(org_tree.xiuwu, 4))
    calls = [lambda n=n, who=who: _nominate(who, campaign, f"修武{n}")
             for n, who in enumerate([xiuwu_staff, grassroots_staff] * 3)]
    calls.append(lambda: _set(city_staff, campaign, 1, xiuwu=(org_tree.xiuwu, 2)))
    _race(calls)
    campaign.refresh_from_db()
    quota = CampaignQuota.objects.get(campaign=campaign, district=org_tree.xiuwu).quota
    used = campaign.nominations.filter(district=org_tree.xiuwu).count()
    assert used <= quota and quota in (2, 4)
    assert used == (2 if quota == 2 else 4)
