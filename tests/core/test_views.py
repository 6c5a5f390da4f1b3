from __future__ import annotations

import pytest
from django.urls import reverse

from apps.core.models import AuditLog, Enterprise
from tests.factories import EnterpriseFactory

VALID = {
    "name": "修武县新建机械有限公司",
    "credit_code": "91350100M000100Y43",
    "industry": "机械制造",
    "size": "small",
    "employee_count": 40,
    "address": "修武县工业路1号",
    "contact_name": "王经理",
    "contact_phone": "13800000000",
}


def test_home_is_public_and_in_chinese(client, db):
    response = client.get("/")
    assert response.status_code == 200
    assert "焦作职工服务平台" in response.content.decode()


def test_console_refuses_workers(client, worker):
    client.force_login(worker)
    assert client.get(reverse("core:console")).status_code == 403


def test_console_for_staff(client, xiuwu_staff):
    client.force_login(xiuwu_staff)
    response = client.get(reverse("core:console"))
    assert response.status_code == 200
    assert "修武县总工会" in response.content.decode()


def test_staff_register_enterprise_in_their_county(client, xiuwu_staff, org_tree):
    client.force_login(xiuwu_staff)
    response = client.post(reverse("core:enterprise_create"), {**VALID, "district": org_tree.xiuwu.pk})
    assert response.status_code == 302
    enterprise = Enterprise.objects.get(credit_code="91350100M000100Y43")
    assert enterprise.district == org_tree.xiuwu
    assert AuditLog.objects.filter(action="core.enterprise.created", target_id=str(enterprise.pk)).exists()


def test_wrong_credit_code_is_shown_next_to_the_field_and_nothing_saved(client, xiuwu_staff, org_tree):
    client.force_login(xiuwu_staff)
    response = client.post(
        reverse("core:enterprise_create"), {**VALID, "credit_code": "91350100M000100Y44", "district": org_tree.xiuwu.pk}
    )
    assert response.status_code == 200
    assert "统一社会信用代码校验位不正确" in str(response.context["form"].errors["credit_code"])
    assert "统一社会信用代码校验位不正确" in response.content.decode()
    assert not Enterprise.objects.exists()


def test_county_staff_cannot_register_in_another_county(client, xiuwu_staff, org_tree):
    client.force_login(xiuwu_staff)
    response = client.post(reverse("core:enterprise_create"), {**VALID, "district": org_tree.boai.pk})
    assert response.status_code == 200
    assert "district" in response.context["form"].errors
    assert not Enterprise.objects.exists()


def test_outsider_gets_404_on_anothers_enterprise(client, boai_staff, xiuwu_enterprise):
    client.force_login(boai_staff)
    assert client.get(reverse("core:enterprise_edit", args=[xiuwu_enterprise.pk])).status_code == 404


def test_enterprise_list_is_scoped_and_query_count_is_fixed(
    client, xiuwu_staff, org_tree, django_assert_max_num_queries
):
    EnterpriseFactory.create_batch(40, district=org_tree.xiuwu)
    EnterpriseFactory.create_batch(5, district=org_tree.boai, name="博爱县某企业")
    client.force_login(xiuwu_staff)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("core:enterprise_list"))
    body = response.content.decode()
    assert "博爱县某企业" not in body
    assert response.context["page_obj"].paginator.count == 40


def test_healthz_reports_each_part(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    data = response.json()
    assert data["database"] == "ok" and data["cache"] == "ok" and data["status"] == "ok"


def test_healthz_answers_503_when_the_database_fails(client, db, monkeypatch):
    class BrokenConnection:
        def cursor(self):
            raise RuntimeError("database is down")

    monkeypatch.setattr("apps.core.views.connection", BrokenConnection())
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"].startswith("error")


@pytest.mark.django_db
def test_me_lists_sections_from_registered_apps(client, worker):
    client.force_login(worker)
    response = client.get(reverse("core:me"))
    assert response.status_code == 200
    assert "我的消息" in response.content.decode()


def test_healthz_checks_the_broker_when_redis_is_configured(client, db):
    from tests.conftest import require_redis

    require_redis()
    data = client.get("/healthz").json()
    assert data["broker"] == "ok" and data["cache"] == "ok"


def test_navigation_hides_sections_the_person_cannot_use(client, grassroots_staff, xiuwu_staff):
    from apps.core.registry import NavItem, nav_items

    item = NavItem(label="测试专用栏目", url_name="core:audit_list", staff_only=True, permissions=("core.view_audit",))
    nav_items.register(item)
    try:
        client.force_login(grassroots_staff)
        assert "测试专用栏目" not in client.get("/").content.decode()
        client.force_login(xiuwu_staff)
        assert "测试专用栏目" in client.get("/").content.decode()
    finally:
        nav_items.unregister(item)


def test_union_of_another_county_is_refused_next_to_the_field(city_staff, org_tree):
    from django.core.exceptions import ValidationError

    from apps.core.services import enterprise_create

    data = {**VALID, "district": org_tree.xiuwu, "union": org_tree.boai_grassroots}
    with pytest.raises(ValidationError) as error:
        enterprise_create(actor=city_staff, data=data)
    assert "union" in error.value.message_dict
    assert not Enterprise.objects.exists()
