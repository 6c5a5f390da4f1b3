from __future__ import annotations

import pytest
from django.contrib import admin
from django.db import DatabaseError, transaction
from django.test import RequestFactory

from apps.core.audit import audit_record, current_ip
from apps.core.models import AuditLog
from tests.conftest import require_postgres


def test_audit_record_keeps_who_what_and_where(xiuwu_staff, xiuwu_enterprise):
    token = current_ip.set("10.1.2.3")
    try:
        entry = audit_record(actor=xiuwu_staff, action="core.enterprise.updated", target=xiuwu_enterprise,
                             before={"name": "旧"}, after={"name": "新"})
    finally:
        current_ip.reset(token)
    assert entry.actor == xiuwu_staff and entry.organization == xiuwu_staff.organization
    assert entry.target_type == "core.enterprise" and entry.target_id == str(xiuwu_enterprise.pk)
    assert entry.before == {"name": "旧"} and entry.after == {"name": "新"}
    assert entry.ip_address == "10.1.2.3"


def test_admin_offers_no_add_change_or_delete(city_staff, xiuwu_enterprise):
    request = RequestFactory().get("/admin/")
    request.user = city_staff
    entry = audit_record(actor=city_staff, action="test.action", target=xiuwu_enterprise)
    model_admin = admin.site._registry[AuditLog]
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request, entry)
    assert not model_admin.has_delete_permission(request, entry)


@pytest.mark.django_db
def test_database_refuses_to_change_or_delete_audit_rows(city_staff, xiuwu_enterprise):
    require_postgres()
    entry = audit_record(actor=city_staff, action="test.action", target=xiuwu_enterprise)
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditLog.objects.filter(pk=entry.pk).update(action="tampered")
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditLog.objects.filter(pk=entry.pk).delete()
    assert AuditLog.objects.get(pk=entry.pk).action == "test.action"


def test_audit_page_shows_only_own_subtree(client, xiuwu_staff, boai_staff, xiuwu_enterprise, boai_enterprise):
    audit_record(actor=xiuwu_staff, action="core.enterprise.updated", target=xiuwu_enterprise)
    audit_record(actor=boai_staff, action="core.enterprise.updated", target=boai_enterprise)
    client.force_login(xiuwu_staff)
    response = client.get("/console/audit/")
    assert [e.organization for e in response.context["page_obj"]] == [xiuwu_staff.organization]


def test_grassroots_staff_cannot_read_audit(client, grassroots_staff):
    client.force_login(grassroots_staff)
    assert client.get("/console/audit/").status_code == 403
