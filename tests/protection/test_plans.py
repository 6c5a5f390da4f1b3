"""Resumption plans: submit, return with comments, resubmit (history and diff), approve."""
from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from apps.protection import services
from apps.protection.models import PLAN_ITEMS, ResumptionPlan

from .factories import pdf, png

pytestmark = pytest.mark.django_db


def checklist(**changes):
    return {**{key: f"{label}：已落实，专人负责" for key, label, _ in PLAN_ITEMS}, **changes}


def form_data(own_enterprise, **changes):
    data = {f"item_{key}": value for key, value in checklist().items()}
    data.update(enterprise=own_enterprise.pk, resumed_on="2026-03-01")
    data.update(changes)
    return data


def test_return_resubmit_approve_keeps_history(xiuwu_enterprise, grassroots_staff, xiuwu_staff):
    plan = services.plan_submit(actor=grassroots_staff, enterprise=xiuwu_enterprise, checklist=checklist(),
                                document=pdf())
    with pytest.raises(ValidationError):
        services.plan_review(actor=xiuwu_staff, plan=plan, approve=False, comment="")
    services.plan_review(actor=xiuwu_staff, plan=plan, approve=False, comment="食堂须分餐错峰")
    plan = services.plan_submit(actor=grassroots_staff, enterprise=xiuwu_enterprise,
                                checklist=checklist(canteen="分三批错峰就餐，每桌一人"), note="补充食堂措施")
    assert plan.version == 2 and plan.status == "submitted" and plan.document.name  # earlier file kept
    services.plan_review(actor=xiuwu_staff, plan=plan, approve=True)
    plan.refresh_from_db()
    assert plan.status == "approved"
    first, second = plan.versions.order_by("number")
    assert first.decision == "returned" and first.comment == "食堂须分餐错峰"
    assert second.decision == "approved" and second.checklist["canteen"] == "分三批错峰就餐，每桌一人"
    with pytest.raises(ValidationError):
        services.plan_submit(actor=grassroots_staff, enterprise=xiuwu_enterprise, checklist=checklist())


def test_first_submission_needs_the_document_and_every_item(xiuwu_enterprise, grassroots_staff):
    with pytest.raises(ValidationError) as error:
        services.plan_submit(actor=grassroots_staff, enterprise=xiuwu_enterprise, checklist=checklist())
    assert "document" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        services.plan_submit(actor=grassroots_staff, enterprise=xiuwu_enterprise, checklist=checklist(canteen=""),
                             document=pdf())
    assert "item_canteen" in error.value.message_dict
    assert not ResumptionPlan.objects.exists()


def test_scope_and_roles(xiuwu_enterprise, other_grassroots_enterprise, grassroots_staff, boai_staff, xiuwu_staff):
    with pytest.raises(PermissionDenied):
        services.plan_submit(actor=grassroots_staff, enterprise=other_grassroots_enterprise, checklist=checklist(),
                             document=pdf())
    with pytest.raises(PermissionDenied):  # county staff review, they do not submit
        services.plan_submit(actor=xiuwu_staff, enterprise=xiuwu_enterprise, checklist=checklist(), document=pdf())
    plan = services.plan_submit(actor=grassroots_staff, enterprise=xiuwu_enterprise, checklist=checklist(),
                                document=pdf())
    with pytest.raises(PermissionDenied):
        services.plan_review(actor=boai_staff, plan=plan, approve=True)
    with pytest.raises(PermissionDenied):
        services.plan_review(actor=grassroots_staff, plan=plan, approve=True)


def test_submit_view_bad_input(client, grassroots_staff, xiuwu_enterprise, other_grassroots_enterprise):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(grassroots_staff)
    cases = [
        ({"item_entry": ""}, "item_entry"),
        ({"item_entry": "短"}, "item_entry"),
        ({"resumed_on": "9999-12-31"}, "resumed_on"),
        ({"resumed_on": "not-a-date"}, "resumed_on"),
        ({"enterprise": other_grassroots_enterprise.pk}, "enterprise"),
        ({"document": SimpleUploadedFile("plan.pdf", b"MZ\x90\x00 not a pdf", "application/pdf")}, "document"),
        ({}, "document"),
    ]
    for changes, field in cases:
        data = form_data(xiuwu_enterprise, **changes)
        if "document" not in changes and field != "document":
            data["document"] = pdf()
        response = client.post("/protection/plans/new/", data)
        assert response.status_code == 400, changes
        assert response.context["form"].errors[field], changes
    assert not ResumptionPlan.objects.exists()


def test_journey_through_views(client, grassroots_staff, xiuwu_staff, xiuwu_enterprise, boai_staff):
    client.force_login(grassroots_staff)
    response = client.post("/protection/plans/new/", {**form_data(xiuwu_enterprise), "document": pdf()})
    plan = ResumptionPlan.objects.get()
    assert response["Location"] == f"/protection/plans/{plan.pk}/"
    client.force_login(xiuwu_staff)
    response = client.post(f"/protection/plans/{plan.pk}/review/", {"decision": "returned", "comment": ""})
    assert response.status_code == 400 and response.context["review_form"].errors["comment"]
    client.post(f"/protection/plans/{plan.pk}/review/", {"decision": "returned", "comment": "请补充宿舍管理"})
    client.force_login(grassroots_staff)
    page = client.get(f"/protection/plans/{plan.pk}/resubmit/").content.decode()
    assert "请补充宿舍管理" in page
    client.post(f"/protection/plans/{plan.pk}/resubmit/",
                {**form_data(xiuwu_enterprise, item_dormitory="每间宿舍不超过四人，每日通风消毒")})
    client.force_login(xiuwu_staff)
    detail = client.get(f"/protection/plans/{plan.pk}/")
    changed = [row["label"] for row in detail.context["changes"] if row["changed"]]
    assert changed == ["宿舍管理"]
    compare = client.get(f"/protection/plans/{plan.pk}/compare/?a=1&b=2")
    assert compare.status_code == 200 and "每间宿舍不超过四人" in compare.content.decode()
    assert client.get(f"/protection/plans/{plan.pk}/compare/?a=x&b=99").status_code == 200
    client.force_login(boai_staff)
    assert client.get(f"/protection/plans/{plan.pk}/").status_code == 404
    assert client.post(f"/protection/plans/{plan.pk}/review/", {"decision": "approved"}).status_code == 404


def test_plan_list_fixed_queries(client, xiuwu_staff, org_tree, django_assert_max_num_queries):
    from apps.accounts.roles import Role
    from tests.factories import EnterpriseFactory, make_staff

    def add(count, start):
        for i in range(start, start + count):
            enterprise = EnterpriseFactory(district=org_tree.xiuwu)
            submitter = make_staff(org_tree.xiuwu, Role.GRASSROOTS_STAFF, username=f"sub{i}")
            ResumptionPlan.objects.create(enterprise=enterprise, submitted_by=submitter,
                                          submitted_at="2026-03-01T08:00Z")

    add(2, 0)
    client.force_login(xiuwu_staff)
    client.get("/protection/plans/")
    with django_assert_max_num_queries(11):
        client.get("/protection/plans/?status=submitted")
    add(10, 2)
    with django_assert_max_num_queries(11):
        response = client.get("/protection/plans/?status=submitted")
    assert len(response.context["page_obj"]) == 12
    assert png  # image helper used by other modules
