from __future__ import annotations

import pytest

from .factories import JobPostFactory, make_employer, make_seeker_profile


@pytest.fixture
def employer(xiuwu_enterprise):
    """人事经理 of 修武县恒达机械 (verified)."""
    return make_employer(xiuwu_enterprise, "employer_hengda")


@pytest.fixture
def other_employer(boai_enterprise):
    """Recruits for 博爱县铸造, another enterprise."""
    return make_employer(boai_enterprise, "employer_boai")


@pytest.fixture
def post(xiuwu_enterprise, employer):
    return JobPostFactory(enterprise=xiuwu_enterprise)


@pytest.fixture
def boai_post(boai_enterprise, other_employer):
    return JobPostFactory(enterprise=boai_enterprise, title="电工", category="electrical", description="持低压电工证。")


@pytest.fixture
def seeker(worker, org_tree):
    make_seeker_profile(worker, org_tree.xiuwu)
    return worker


@pytest.fixture
def other_seeker(other_worker, org_tree):
    make_seeker_profile(other_worker, org_tree.boai, key_group="graduate")
    return other_worker
