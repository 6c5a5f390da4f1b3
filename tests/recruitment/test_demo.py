from __future__ import annotations

import pytest
from django.db.models import Count

from apps.core.models import Organization
from apps.recruitment.models import Application, JobFair, JobPost, KeyGroup, LiveSession, SeekerProfile

pytestmark = pytest.mark.django_db


def test_demo_covers_every_district_group_and_state_and_runs_twice():
    from apps.accounts import demo as accounts_demo
    from apps.core import demo as core_demo
    from apps.recruitment import demo

    core_demo.seed()
    accounts_demo.seed()
    demo.seed()
    demo.seed()
    assert 300 <= JobPost.objects.count() <= 400
    districts = set(Organization.objects.filter(org_type="county").values_list("pk", flat=True))
    assert set(JobPost.objects.filter(status="published").values_list("district_id", flat=True)) == districts
    titles = set(JobPost.objects.values_list("title", flat=True))
    assert {"焊工", "电工", "数控车工", "普工", "叉车司机", "护工", "快递员", "仓管员", "小学教师"} <= titles
    assert SeekerProfile.objects.count() == 60
    assert set(SeekerProfile.objects.values_list("key_group", flat=True)) == set(KeyGroup.values)
    states = dict(Application.objects.values_list("status").annotate(n=Count("pk")))
    assert set(states) == set(Application.Status.values)
    assert JobFair.objects.exists() and LiveSession.objects.exists()
    assert {"employer_hengda", "employer_wanfang", "employer_qinyang"} <= {u for u, _ in accounts_demo.LOGINS}
