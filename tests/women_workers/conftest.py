from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from apps.accounts.roles import Role
from apps.core.registry import membership
from apps.women_workers.models import CounsellingSlot
from tests.factories import UserFactory


@pytest.fixture
def unions(monkeypatch):
    """Who belongs to which union, answered through core's membership link as organizing would."""
    table: dict[int, object] = {}
    monkeypatch.setattr(membership, "_union_of", lambda user: table.get(user.pk))
    monkeypatch.setattr(membership, "_unions_of", lambda users: {u.pk: table[u.pk] for u in users if u.pk in table})
    return table


@pytest.fixture
def member(worker, org_tree, unions):
    """张伟 is a member of the xiuwu grassroots union."""
    unions[worker.pk] = org_tree.xiuwu_grassroots
    return worker


@pytest.fixture
def counsellor(db):
    return UserFactory(username="counsellor", real_name="何心怡", roles=[Role.COUNSELLOR])


@pytest.fixture
def slot(counsellor):
    start = (timezone.now() + timedelta(days=2)).replace(minute=0, second=0, microsecond=0)
    return CounsellingSlot.objects.create(counsellor=counsellor, starts_at=start, ends_at=start + timedelta(minutes=50),
                                          modes="video,phone,in_person", place="市总工会心理服务室")


def arrangement_data(**overrides):
    today = timezone.localdate()
    data = {"employer_name": "修武县恒达机械制造有限公司", "kind": "remote", "period": "pregnancy",
            "child_birth_date": None, "starts_on": today + timedelta(days=3), "ends_on": today + timedelta(days=90),
            "reason": "孕 28 周，通勤一小时", "sensitive_consent": True}
    data.update(overrides)
    return data
