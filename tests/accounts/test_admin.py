from __future__ import annotations

from django.urls import reverse

from apps.accounts.roles import Role, sync_roles


def test_county_admin_sees_only_their_subtree(client, xiuwu_staff, xiuwu_enterprise, boai_enterprise):
    client.force_login(xiuwu_staff)
    listing = client.get(reverse("admin:core_enterprise_changelist"))
    assert listing.status_code == 200
    assert list(listing.context["cl"].queryset) == [xiuwu_enterprise]
    other = client.get(reverse("admin:core_enterprise_change", args=[boai_enterprise.pk]))
    assert other.status_code in (302, 403, 404)
    own = client.get(reverse("admin:core_enterprise_change", args=[xiuwu_enterprise.pk]))
    assert own.status_code == 200


def test_county_admin_cannot_see_other_districts_users(client, xiuwu_staff, boai_staff):
    client.force_login(xiuwu_staff)
    listing = client.get(reverse("admin:accounts_user_changelist"))
    assert boai_staff not in listing.context["cl"].queryset
    assert xiuwu_staff in listing.context["cl"].queryset


def test_admin_speaks_chinese_with_the_federations_title(client, city_staff):
    client.force_login(city_staff)
    body = client.get(reverse("admin:index")).content.decode()
    assert "焦作职工服务平台" in body and "lang=\"zh-hans\"" in body


def test_roles_are_groups_with_declared_permissions(db):
    from django.contrib.auth.models import Group

    sync_roles()
    county = Group.objects.get(name=Role.COUNTY_STAFF.label)
    codenames = set(county.permissions.values_list("codename", flat=True))
    assert {"use_console", "manage_enterprises", "view_audit"} <= codenames
    grassroots = Group.objects.get(name=Role.GRASSROOTS_STAFF.label)
    assert "view_audit" not in set(grassroots.permissions.values_list("codename", flat=True))


def test_county_admin_cannot_grant_city_roles(client, xiuwu_staff, grassroots_staff):
    from django.contrib.auth.models import Group

    sync_roles()
    client.force_login(xiuwu_staff)
    response = client.get(reverse("admin:accounts_user_change", args=[grassroots_staff.pk]))
    offered = set(response.context["adminform"].form.fields["groups"].queryset.values_list("name", flat=True))
    assert Role.CITY_OFFICE.label not in offered and Role.GRASSROOTS_STAFF.label in offered
    city_group = Group.objects.get(name=Role.CITY_OFFICE.label)
    data = {"username": "grassroots_staff", "real_name": "陈晓燕", "organization": grassroots_staff.organization_id,
            "groups": [city_group.pk], "is_active": "on", "date_joined_0": "2026-01-01", "date_joined_1": "00:00:00"}
    client.post(reverse("admin:accounts_user_change", args=[grassroots_staff.pk]), data)
    assert not grassroots_staff.groups.filter(pk=city_group.pk).exists()
