from __future__ import annotations

import pytest

from apps.accounts.roles import Role
from apps.legal_aid import services
from apps.legal_aid.models import ConsultationCategory
from tests.factories import UserFactory

FACTS = "公司已经连续两个月没有发工资，老板说等疫情过去再发，我该怎么办？"


@pytest.fixture
def lawyer(db):
    return UserFactory(username="lawyer_liu", real_name="刘律师", roles=[Role.VOLUNTEER_LAWYER])


@pytest.fixture
def other_lawyer(db):
    return UserFactory(username="lawyer_chen", real_name="陈律师", roles=[Role.VOLUNTEER_LAWYER])


@pytest.fixture(autouse=True)
def _categories(db):
    """Migration 0002 creates them; a transactional test elsewhere may have flushed the table."""
    services.categories_ensure()


@pytest.fixture
def wages(db):
    return ConsultationCategory.objects.get(code="wages")


@pytest.fixture
def xiuwu_member(worker, org_tree, monkeypatch):
    """The worker is a member of a 修武县 grassroots union (as the membership app would answer)."""
    from apps.core.registry import membership

    monkeypatch.setattr(membership, "union_of",
                        lambda user: org_tree.xiuwu_grassroots if user.pk == worker.pk else None)
    return worker


def ask(worker, category, **extra):
    return services.consultation_ask(worker=worker, category=category, facts=extra.pop("facts", FACTS), **extra)


@pytest.fixture
def consultation(xiuwu_member, wages):
    return ask(xiuwu_member, wages, allow_publish=True)


@pytest.fixture
def claimed(consultation, lawyer):
    return services.consultation_claim(lawyer=lawyer, consultation=consultation)


@pytest.fixture
def answered(claimed, lawyer):
    services.consultation_answer(lawyer=lawyer, consultation=claimed, body="您可以向劳动监察大队投诉，或申请劳动仲裁。")
    claimed.refresh_from_db()
    return claimed


# --- legal-aid cases (green channel) ---------------------------------------------------------------

CASE_FACTS = "公司拖欠我和工友三个月工资共三万多元，老板说等工程款到了再发，一直拖着不给。"


def apply_case(worker, category, **extra):
    """A worker's application with sensible defaults; ``extra`` overrides any field."""
    data = {"opponent_name": "修武县恒达机械制造有限公司", "facts": CASE_FACTS, "contact_phone": "13900000001",
            "amount_claimed": "32000.00", "workers_involved": 1, "sensitive_consent": True, **extra}
    return services.case_apply(worker=worker, category=category, **data)


@pytest.fixture
def application(xiuwu_member, wages):
    """A 修武县 member's application, not on the green channel."""
    return apply_case(xiuwu_member, wages)


@pytest.fixture
def accepted(application, xiuwu_staff, lawyer):
    return services.case_accept(actor=xiuwu_staff, case=application, green_channel=False, lawyer=lawyer)
