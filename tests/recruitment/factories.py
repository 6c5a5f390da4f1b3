"""Factories and small helpers for recruitment tests."""
from __future__ import annotations

from datetime import timedelta

import factory
from django.utils import timezone

from apps.core import pagecache
from apps.recruitment.models import (
    Application,
    Category,
    EmployerMembership,
    EmployerProfile,
    JobPost,
    JobPostKeyGroup,
    KeyGroup,
    SeekerDesiredCategory,
    SeekerProfile,
)
from apps.recruitment.services import refresh_search_document
from tests.factories import UserFactory


class JobPostFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = JobPost

    title = "焊工"
    category = Category.WELDING
    district = factory.LazyAttribute(lambda o: o.enterprise.district)
    address = "修武县工业路1号"
    salary_min = 5000
    salary_max = 8000
    headcount = 3
    description = "持焊工证，熟悉二氧化碳保护焊。"
    benefits = "五险一金"
    key_groups = factory.LazyFunction(lambda: [KeyGroup.MIGRANT])  # rows of JobPostKeyGroup, made in _create
    contact_name = "王经理"
    contact_phone = "13839100099"
    valid_until = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=30))
    status = JobPost.Status.PUBLISHED
    published_at = factory.LazyFunction(timezone.now)

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        groups = kwargs.pop("key_groups")
        post = model_class(*args, **kwargs)
        refresh_search_document(post)
        post.save()
        JobPostKeyGroup.objects.bulk_create([JobPostKeyGroup(post=post, code=code) for code in groups])
        pagecache.bump("jobs")  # as the services do after writing a post: cached search results are dropped
        return post


def verify(enterprise) -> EmployerProfile:
    profile, _ = EmployerProfile.objects.get_or_create(enterprise=enterprise)
    profile.status = EmployerProfile.Status.VERIFIED
    profile.save()
    return profile


def make_employer(enterprise, username: str = "employer", *, verified: bool = True):
    user = UserFactory(username=username, phone=None, real_name="人事经理")
    EmployerMembership.objects.create(user=user, enterprise=enterprise, status=EmployerMembership.Status.ACTIVE)
    if verified:
        verify(enterprise)
    return user


def make_seeker_profile(user, district, *, desired_categories=(Category.WELDING,), desired_districts=None,
                        **extra) -> SeekerProfile:
    """A 求职登记 wanting welding in their own county unless told otherwise (lists of codes and counties)."""
    values = {
        "real_name": user.real_name or "求职者", "phone": "13900000001", "district": district,
        "key_group": KeyGroup.MIGRANT, "desired_salary": 5000, **extra,
    }
    profile = SeekerProfile.objects.create(user=user, **values)
    SeekerDesiredCategory.objects.bulk_create([SeekerDesiredCategory(seeker=profile, code=code)
                                               for code in desired_categories])
    profile.desired_districts.set([district] if desired_districts is None else desired_districts)
    return profile


def make_application(post, seeker, status=Application.Status.SUBMITTED, **extra) -> Application:
    return Application.objects.create(post=post, seeker=seeker, status=status, **extra)
