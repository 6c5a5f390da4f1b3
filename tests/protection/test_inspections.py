"""Checklist templates (versioned once used) and self-inspections raising hazards for failed items."""
from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from apps.protection import services
from apps.protection.models import ChecklistTemplate, Hazard, Inspection

pytestmark = pytest.mark.django_db


@pytest.fixture
def template(xiuwu_staff):
    template = services.template_create(actor=xiuwu_staff, name="复工安全自查表")
    services.template_item_add(actor=xiuwu_staff, template=template, topic="消防", text="灭火器在有效期内",
                               pass_criterion="压力表指针在绿区，有检查标签")
    services.template_item_add(actor=xiuwu_staff, template=template, topic="防疫", text="入口测温登记",
                               pass_criterion="每人测温并登记")
    return template


def _period():
    return timezone.localdate().strftime("%Y-%m")


def test_failed_items_become_linked_hazards(template, grassroots_staff, xiuwu_enterprise):
    first, second = template.items.all()
    inspection = services.inspection_submit(actor=grassroots_staff, enterprise=xiuwu_enterprise, template=template,
                                            period=_period(), answers={first.pk: (False, "两个已过期"),
                                                                       second.pk: (True, "")})
    assert inspection.failed_count == 1
    hazard = Hazard.objects.get()
    assert hazard.source == "inspection" and hazard.inspection_answer.item == first
    assert "灭火器" in hazard.description and "两个已过期" in hazard.description
    with pytest.raises(ValidationError):  # same period twice
        services.inspection_submit(actor=grassroots_staff, enterprise=xiuwu_enterprise, template=template,
                                   period=_period(), answers={first.pk: (True, ""), second.pk: (True, "")})


def test_a_used_template_changes_into_a_new_version(template, xiuwu_staff, grassroots_staff, xiuwu_enterprise):
    first, second = template.items.all()
    inspection = services.inspection_submit(actor=grassroots_staff, enterprise=xiuwu_enterprise, template=template,
                                            period=_period(), answers={first.pk: (True, ""), second.pk: (True, "")})
    successor = services.template_item_add(actor=xiuwu_staff, template=template, topic="用电", text="配电箱上锁",
                                           pass_criterion="有锁有警示标志")
    assert successor.pk != template.pk and successor.version == 2 and successor.family == template.family
    template.refresh_from_db()
    assert not template.is_current and template.items.count() == 2  # the old version is left as it was
    assert successor.items.count() == 3
    assert inspection.answers.count() == 2
    # An unused current version is edited in place.
    again = services.template_item_remove(actor=xiuwu_staff, template=successor,
                                          item_id=successor.items.first().pk)
    assert again.pk == successor.pk and again.items.count() == 2
    with pytest.raises(ValidationError):
        services.inspection_submit(actor=grassroots_staff, enterprise=xiuwu_enterprise, template=template,
                                   period="2026-01", answers={})
    assert ChecklistTemplate.objects.filter(family=template.family, is_current=True).count() == 1


def test_refusals(template, grassroots_staff, boai_staff, other_grassroots_enterprise, xiuwu_enterprise):
    first, second = template.items.all()
    answers = {first.pk: (True, ""), second.pk: (True, "")}
    with pytest.raises(PermissionDenied):
        services.inspection_submit(actor=grassroots_staff, enterprise=other_grassroots_enterprise, template=template,
                                   period=_period(), answers=answers)
    with pytest.raises(PermissionDenied):  # another district may not edit this district's template
        services.template_item_add(actor=boai_staff, template=template, topic="x", text="x", pass_criterion="x")
    with pytest.raises(ValidationError):
        services.inspection_submit(actor=grassroots_staff, enterprise=xiuwu_enterprise, template=template,
                                   period=_period(), answers={first.pk: (True, "")})
    for bad in ("2026-13", "1999-01", "9999-01", "abc", ""):
        with pytest.raises(ValidationError):
            services.inspection_submit(actor=grassroots_staff, enterprise=xiuwu_enterprise, template=template,
                                       period=bad, answers=answers)
    assert not Inspection.objects.exists()


def test_inspection_form_bad_input(client, template, grassroots_staff, xiuwu_enterprise):
    first, second = template.items.all()
    client.force_login(grassroots_staff)
    url = f"/protection/templates/{template.pk}/inspect/"
    good = {"enterprise": xiuwu_enterprise.pk, "period": _period(), f"pass_{first.pk}": "1",
            f"pass_{second.pk}": "1"}
    for changes, field in [({f"pass_{first.pk}": ""}, f"pass_{first.pk}"),
                           ({f"pass_{first.pk}": "0"}, f"note_{first.pk}"),
                           ({"period": "9999-01"}, "period"), ({"period": "x"}, "period"),
                           ({"enterprise": "999999"}, "enterprise")]:
        response = client.post(url, {**good, **changes})
        assert response.status_code == 200 and response.context["form"].errors[field], changes
    assert not Inspection.objects.exists()
    response = client.post(url, {**good, f"pass_{first.pk}": "0", f"note_{first.pk}": "过期"})
    inspection = Inspection.objects.get()
    assert response["Location"] == f"/protection/inspections/{inspection.pk}/"
    assert "隐患" in client.get(response["Location"]).content.decode()


def test_template_views(client, template, xiuwu_staff, grassroots_staff, boai_staff):
    client.force_login(grassroots_staff)  # sees the county's template, may not edit it
    assert client.get(f"/protection/templates/{template.pk}/").context["item_form"] is None
    assert client.post(f"/protection/templates/{template.pk}/", {"topic": "a", "text": "b",
                                                                  "pass_criterion": "c"}).status_code == 403
    client.force_login(boai_staff)
    assert client.get(f"/protection/templates/{template.pk}/").status_code == 404
    client.force_login(xiuwu_staff)
    response = client.post(f"/protection/templates/{template.pk}/", {"topic": "", "text": "", "pass_criterion": ""})
    assert response.context["item_form"].errors["text"]
    response = client.post("/protection/templates/new/", {"name": ""})
    assert response.context["form"].errors["name"]


def test_lists_have_fixed_queries(client, template, grassroots_staff, xiuwu_enterprise,
                                  django_assert_max_num_queries):
    first, second = template.items.all()
    client.force_login(grassroots_staff)
    for month in range(1, 4):
        services.inspection_submit(actor=grassroots_staff, enterprise=xiuwu_enterprise, template=template,
                                   period=f"2026-{month:02d}", answers={first.pk: (True, ""), second.pk: (False, "x")})
    client.get("/protection/inspections/")
    with django_assert_max_num_queries(11):
        response = client.get("/protection/inspections/")
    assert len(response.context["page_obj"]) == 3
    with django_assert_max_num_queries(11):
        client.get("/protection/templates/")
