"""Hazard workflow: assign, rectify with evidence, verify by someone else, reopen; escalation; views."""
from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from apps.core.models import AuditLog
from apps.notifications.models import Notification
from apps.protection import services
from apps.protection.models import Hazard, HazardEscalation

from .factories import PDF, make_hazard, png

pytestmark = pytest.mark.django_db


def _assigned(enterprise, actor, **kw):
    hazard = make_hazard(enterprise, **kw)
    return services.hazard_assign(actor=actor, hazard=hazard, level=hazard.level, responsible_person="李主任")


def test_full_cycle_with_two_people(xiuwu_enterprise, xiuwu_staff, grassroots_staff, xiuwu_staff_2):
    hazard = make_hazard(xiuwu_enterprise)
    hazard = services.hazard_assign(actor=xiuwu_staff, hazard=hazard, level="serious", responsible_person="李主任")
    assert hazard.status == "assigned" and hazard.deadline == timezone.localdate() + timedelta(days=7)
    hazard = services.hazard_rectify(actor=grassroots_staff, hazard=hazard, note="已加装防护罩", evidence=png())
    assert hazard.status == "rectified" and hazard.rectified_by == grassroots_staff
    assert hazard.events.get(kind="rectified").evidence.name
    hazard = services.hazard_verify(actor=xiuwu_staff, hazard=hazard)
    assert hazard.status == "verified" and hazard.verified_at
    assert AuditLog.objects.filter(action="protection.hazard.verified", target_id=str(hazard.pk)).exists()


def test_rectifier_cannot_verify(xiuwu_enterprise, xiuwu_staff, xiuwu_staff_2):
    hazard = _assigned(xiuwu_enterprise, xiuwu_staff)
    services.hazard_rectify(actor=xiuwu_staff, hazard=hazard, note="已整改", evidence=png())
    with pytest.raises(PermissionDenied):
        services.hazard_verify(actor=xiuwu_staff, hazard=hazard)
    hazard.refresh_from_db()
    assert hazard.status == "rectified"
    assert AuditLog.objects.filter(action="protection.hazard.verify_refused", outcome="denied").exists()
    assert services.hazard_verify(actor=xiuwu_staff_2, hazard=hazard).status == "verified"


def test_rectifying_without_evidence_is_refused(xiuwu_enterprise, xiuwu_staff, grassroots_staff):
    hazard = _assigned(xiuwu_enterprise, xiuwu_staff)
    with pytest.raises(ValidationError) as error:
        services.hazard_rectify(actor=grassroots_staff, hazard=hazard, note="已整改", evidence=None)
    assert "evidence" in error.value.message_dict
    hazard.refresh_from_db()
    assert hazard.status == "assigned"


def test_illegal_transitions_are_clear_errors(xiuwu_enterprise, xiuwu_staff, grassroots_staff):
    hazard = make_hazard(xiuwu_enterprise)
    with pytest.raises(ValidationError, match="不能"):
        services.hazard_verify(actor=xiuwu_staff, hazard=hazard)
    with pytest.raises(ValidationError, match="不能"):
        services.hazard_rectify(actor=grassroots_staff, hazard=hazard, note="x", evidence=png())
    services.hazard_assign(actor=xiuwu_staff, hazard=hazard, level="general", responsible_person="李")
    with pytest.raises(ValidationError):
        services.hazard_assign(actor=xiuwu_staff, hazard=hazard, level="general", responsible_person="李")


def test_reopen_then_rectify_again(xiuwu_enterprise, xiuwu_staff, grassroots_staff):
    hazard = _assigned(xiuwu_enterprise, xiuwu_staff)
    services.hazard_rectify(actor=grassroots_staff, hazard=hazard, note="已整改", evidence=png())
    with pytest.raises(ValidationError):
        services.hazard_reopen(actor=xiuwu_staff, hazard=hazard, note="  ")
    assert services.hazard_reopen(actor=xiuwu_staff, hazard=hazard, note="照片看不清").status == "reopened"
    assert services.hazard_rectify(actor=grassroots_staff, hazard=hazard, note="重拍", evidence=png()).status == \
        "rectified"


def test_other_district_and_other_enterprise_are_refused(xiuwu_enterprise, boai_staff, grassroots_staff,
                                                         other_grassroots_enterprise, xiuwu_staff):
    hazard = make_hazard(xiuwu_enterprise)
    with pytest.raises(PermissionDenied):
        services.hazard_assign(actor=boai_staff, hazard=hazard, level="general", responsible_person="李")
    other = _assigned(other_grassroots_enterprise, xiuwu_staff)
    with pytest.raises(PermissionDenied):
        services.hazard_rectify(actor=grassroots_staff, hazard=other, note="x", evidence=png())


def test_grassroots_staff_cannot_assign_or_verify(xiuwu_enterprise, grassroots_staff):
    hazard = make_hazard(xiuwu_enterprise)
    with pytest.raises(PermissionDenied):
        services.hazard_assign(actor=grassroots_staff, hazard=hazard, level="general", responsible_person="李")


# --- escalation -----------------------------------------------------------------------------------

def test_overdue_hazards_escalate_once_per_step(org_tree, xiuwu_enterprise, xiuwu_staff, city_staff,
                                                django_capture_on_commit_callbacks):
    general = make_hazard(xiuwu_enterprise, days_ago=20)
    major = make_hazard(xiuwu_enterprise, level="major", days_ago=5)
    make_hazard(xiuwu_enterprise, days_ago=1)  # not yet due
    closed = make_hazard(xiuwu_enterprise, days_ago=30, status="verified")
    with django_capture_on_commit_callbacks(execute=True):
        assert services.hazards_escalate() == 3
    assert set(HazardEscalation.objects.values_list("hazard_id", "step")) == {
        (general.pk, "county"), (major.pk, "county"), (major.pk, "city")}
    assert Notification.objects.filter(recipient=xiuwu_staff).count() == 2
    assert Notification.objects.filter(recipient=city_staff).count() == 1
    assert not closed.escalations.exists()
    # The next beat (and the one after) sends nothing again.
    with django_capture_on_commit_callbacks(execute=True):
        assert services.hazards_escalate() == 0
        assert services.hazards_escalate(today=timezone.localdate() + timedelta(days=3)) == 0
    assert Notification.objects.count() == 3


def test_escalation_task_runs_through_celery(xiuwu_enterprise, xiuwu_staff):
    from apps.protection.tasks import escalate_overdue_hazards

    make_hazard(xiuwu_enterprise, days_ago=20)
    assert escalate_overdue_hazards.delay().get() == 1
    assert escalate_overdue_hazards.delay().get() == 0


# --- views ----------------------------------------------------------------------------------------

def test_hazard_list_is_scoped_and_has_fixed_queries(client, xiuwu_staff, xiuwu_enterprise, boai_enterprise,
                                                     django_assert_max_num_queries):
    for _ in range(5):
        make_hazard(xiuwu_enterprise)
    make_hazard(boai_enterprise).description = "博爱"
    client.force_login(xiuwu_staff)
    client.get("/protection/hazards/")
    with django_assert_max_num_queries(12):
        response = client.get("/protection/hazards/")
    assert len(response.context["page_obj"]) == 5
    for _ in range(20):
        make_hazard(xiuwu_enterprise)
    with django_assert_max_num_queries(12):
        response = client.get("/protection/hazards/?status=open")
    assert len(response.context["page_obj"]) == 25


def test_grassroots_staff_sees_only_their_enterprise(client, grassroots_staff, xiuwu_enterprise,
                                                     other_grassroots_enterprise):
    mine = make_hazard(xiuwu_enterprise)
    theirs = make_hazard(other_grassroots_enterprise)
    client.force_login(grassroots_staff)
    listed = list(client.get("/protection/hazards/").context["page_obj"])
    assert listed == [mine]
    assert client.get(f"/protection/hazards/{theirs.pk}/").status_code == 404


def test_another_districts_hazard_is_404(client, boai_staff, xiuwu_enterprise):
    hazard = make_hazard(xiuwu_enterprise)
    client.force_login(boai_staff)
    assert client.get(f"/protection/hazards/{hazard.pk}/").status_code == 404
    assert client.post(f"/protection/hazards/{hazard.pk}/assign/",
                       {"level": "general", "responsible_person": "李"}).status_code == 404


def test_filters_and_org_links(client, xiuwu_staff, org_tree, xiuwu_enterprise):
    make_hazard(xiuwu_enterprise, days_ago=20)
    make_hazard(xiuwu_enterprise, status="verified")
    client.force_login(xiuwu_staff)
    assert len(client.get("/protection/hazards/?status=overdue").context["page_obj"]) == 1
    assert len(client.get("/protection/hazards/?status=verified").context["page_obj"]) == 1
    assert client.get("/protection/hazards/?status=nonsense").status_code == 200
    assert client.get(f"/protection/hazards/?org={org_tree.boai.pk}").status_code == 404
    assert client.get(f"/protection/hazards/?org={org_tree.xiuwu.pk}&start=2026-01-01&end=9999-12-31"
                      ).status_code == 200
    assert client.get("/protection/hazards/?org=abc").status_code == 404


def test_assign_form_bad_input(client, xiuwu_staff, xiuwu_enterprise):
    hazard = make_hazard(xiuwu_enterprise)
    client.force_login(xiuwu_staff)
    response = client.post(f"/protection/hazards/{hazard.pk}/assign/", {"level": "huge", "responsible_person": ""})
    assert response.status_code == 400
    form = response.context["assign_form"]
    assert form.errors["level"] and form.errors["responsible_person"]
    hazard.refresh_from_db()
    assert hazard.status == "reported"


def test_rectify_view_refuses_a_fake_image_and_missing_evidence(client, grassroots_staff, xiuwu_staff,
                                                                xiuwu_enterprise):
    from django.core.files.uploadedfile import SimpleUploadedFile

    hazard = _assigned(xiuwu_enterprise, xiuwu_staff)
    client.force_login(grassroots_staff)
    url = f"/protection/hazards/{hazard.pk}/rectify/"
    response = client.post(url, {"note": "已整改"})
    assert response.status_code == 400
    assert "请上传整改后的现场照片作为证据" in str(response.context["rectify_form"].errors["evidence"])
    response = client.post(url, {"note": "已整改", "evidence": SimpleUploadedFile("a.jpg", PDF, "image/jpeg")})
    assert "文件类型不符" in str(response.context["rectify_form"].errors["evidence"])
    response = client.post(url, {"note": "", "evidence": png()})
    assert response.context["rectify_form"].errors["note"]
    hazard.refresh_from_db()
    assert hazard.status == "assigned"
    client.post(url, {"note": "已整改", "evidence": png()})
    hazard.refresh_from_db()
    assert hazard.status == "rectified"


def test_rectifier_verifying_through_the_view_is_refused(client, xiuwu_staff, xiuwu_enterprise):
    hazard = _assigned(xiuwu_enterprise, xiuwu_staff)
    services.hazard_rectify(actor=xiuwu_staff, hazard=hazard, note="已整改", evidence=png())
    client.force_login(xiuwu_staff)
    page = client.get(f"/protection/hazards/{hazard.pk}/").content.decode()
    assert "不能验收" in page
    page = client.post(f"/protection/hazards/{hazard.pk}/verify/", {"note": ""}, follow=True).content.decode()
    assert "整改人不能验收" in page
    hazard.refresh_from_db()
    assert hazard.status == "rectified"


def test_photos_served_only_to_those_who_see_the_hazard(client, xiuwu_staff, boai_staff, worker, xiuwu_enterprise):
    from apps.core.uploads import private_file_url

    hazard = _assigned(xiuwu_enterprise, xiuwu_staff)
    services.hazard_rectify(actor=xiuwu_staff, hazard=hazard, note="已整改", evidence=png())
    event = hazard.events.get(kind="rectified")
    url = private_file_url(event, "evidence")
    client.force_login(xiuwu_staff)
    assert client.get(url).status_code == 200
    for outsider in (boai_staff, worker):
        client.force_login(outsider)
        assert client.get(url).status_code in (403, 404)


def test_workers_cannot_open_the_console_pages(client, worker):
    client.force_login(worker)
    assert client.get("/protection/hazards/").status_code == 403
    assert client.get(reverse("protection:dashboard")).status_code == 403


def test_hazard_detail_shows_actions_by_role(client, xiuwu_staff, grassroots_staff, xiuwu_enterprise):
    hazard = make_hazard(xiuwu_enterprise, source=Hazard.Source.PUBLIC)
    client.force_login(grassroots_staff)
    response = client.get(f"/protection/hazards/{hazard.pk}/")
    assert response.context["assign_form"] is None and "匿名" in response.content.decode()
    client.force_login(xiuwu_staff)
    assert client.get(f"/protection/hazards/{hazard.pk}/").context["assign_form"] is not None
