from __future__ import annotations

import pytest
from django.db.models import Count

from apps.core.models import Organization
from apps.recruitment.models import (
    Application,
    JobFair,
    JobPost,
    JobPostKeyGroup,
    KeyGroup,
    LiveSession,
    SeekerDesiredCategory,
    SeekerProfile,
)

pytestmark = pytest.mark.django_db


def test_demo_covers_every_district_group_and_state_and_runs_twice():
    from apps.accounts import demo as accounts_demo
    from apps.core import demo as core_demo
    from apps.recruitment import demo

    core_demo.seed()
    accounts_demo.seed()
    demo.seed()
    rows = (JobPostKeyGroup.objects.count(), SeekerDesiredCategory.objects.count())
    demo.seed()
    assert (JobPostKeyGroup.objects.count(), SeekerDesiredCategory.objects.count()) == rows
    assert 300 <= JobPost.objects.count() <= 400
    # Every post welcomes some groups, every seeker wants a trade and a county.
    assert not JobPost.objects.filter(key_groups=None).exists()
    assert not SeekerProfile.objects.filter(desired_categories=None).exists()
    assert not SeekerProfile.objects.filter(desired_districts=None).exists()
    districts = set(Organization.objects.filter(org_type="county").values_list("pk", flat=True))
    assert set(JobPost.objects.filter(status="published").values_list("district_id", flat=True)) == districts
    titles = set(JobPost.objects.values_list("title", flat=True))
    assert {"焊工", "电工", "数控车工", "普工", "叉车司机", "护工", "快递员", "仓管员", "厨师"} <= titles
    assert SeekerProfile.objects.count() == 60
    assert set(SeekerProfile.objects.values_list("key_group", flat=True)) == set(KeyGroup.values)
    states = dict(Application.objects.values_list("status").annotate(n=Count("pk")))
    assert set(states) == set(Application.Status.values)
    assert JobFair.objects.exists() and LiveSession.objects.exists()
    assert {"employer_hengda", "employer_wanfang", "employer_qinyang"} <= {u for u, _ in accounts_demo.LOGINS}



def test_employers_recruit_for_work_that_fits_their_trade():
    from apps.accounts import demo as accounts_demo
    from apps.core import demo as core_demo
    from apps.core.validators import normalize_phone, validate_web_link
    from apps.recruitment import demo
    from apps.recruitment.models import Interview

    core_demo.seed()
    accounts_demo.seed()
    demo.seed()
    for post in JobPost.objects.select_related("enterprise"):
        assert post.title in demo.TRADES[post.enterprise.industry], (post.enterprise.name, post.title)
    restaurant = set(JobPost.objects.filter(enterprise__industry="餐饮").values_list("title", flat=True))
    assert restaurant and restaurant <= {"厨师", "服务员"}
    machinery = set(JobPost.objects.filter(enterprise__name="修武县恒达机械制造有限公司")
                    .values_list("title", flat=True))
    assert machinery & {"焊工", "电焊工（学徒）"} and machinery & {"装配工", "数控车工", "加工中心操作工"}
    assert not JobPost.objects.filter(enterprise__industry__in=["餐饮", "机械制造"], title__in=["小学教师", "护工"])
    # Each interview carries what its mode needs: a number to call, a meeting link, an address.
    for interview in Interview.objects.all():
        if interview.mode == Interview.Mode.PHONE:
            normalize_phone(interview.location)
        elif interview.mode == Interview.Mode.VIDEO:
            validate_web_link(interview.location)
        else:
            assert len(interview.location) >= 4 and "://" not in interview.location
