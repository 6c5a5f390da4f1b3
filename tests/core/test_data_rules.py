"""Rules that are facts of the data: the database itself refuses rows that break them."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from apps.accounts.models import RoleGroup
from apps.accounts.roles import Role, role_group, sync_roles, user_has_role
from apps.core.indicators import all_indicators
from apps.core.models import Enterprise
from apps.recruitment import services as recruitment
from apps.recruitment.models import JobFair, JobPost
from tests.recruitment.factories import JobPostFactory

NEW_CODE = "91410821MA0000001F"


# --- self-registered enterprises count only once verified ---------------------------------------


def _registered(org, indicator="core.enterprises_registered"):
    today = timezone.localdate()
    return all_indicators()[indicator].compute([org], date(today.year, 1, 1), today)[org.pk]


def test_an_enterprise_typed_in_by_an_applicant_is_unverified_and_not_counted(worker, org_tree, xiuwu_staff):
    before = _registered(org_tree.xiuwu)
    membership = recruitment.employer_register(user=worker, credit_code=NEW_CODE, name="修武县新兴制衣厂",
                                               district=org_tree.xiuwu, industry="纺织服装")
    enterprise = membership.enterprise
    enterprise.refresh_from_db()
    assert not enterprise.is_verified
    assert _registered(org_tree.xiuwu) == before
    recruitment.employer_verify(actor=xiuwu_staff, membership=membership, approve=True)
    enterprise.refresh_from_db()
    assert enterprise.is_verified
    assert _registered(org_tree.xiuwu) == before + 1


def test_a_rejected_applicant_leaves_the_enterprise_uncounted(worker, org_tree, xiuwu_staff):
    membership = recruitment.employer_register(user=worker, credit_code=NEW_CODE, name="修武县新兴制衣厂",
                                               district=org_tree.xiuwu, industry="纺织服装")
    recruitment.employer_verify(actor=xiuwu_staff, membership=membership, approve=False)
    assert not Enterprise.objects.get(pk=membership.enterprise_id).is_verified


def test_joining_an_enterprise_staff_entered_keeps_it_verified(worker, xiuwu_enterprise):
    recruitment.employer_register(user=worker, credit_code=xiuwu_enterprise.credit_code, name="x",
                                  district=xiuwu_enterprise.district, industry="x")
    xiuwu_enterprise.refresh_from_db()
    assert xiuwu_enterprise.is_verified


def test_enterprises_with_a_union_count_verified_ones_only(org_tree, xiuwu_enterprise):
    assert _registered(org_tree.xiuwu, "core.enterprises_with_union") == 1
    Enterprise.objects.filter(pk=xiuwu_enterprise.pk).update(is_verified=False)
    assert _registered(org_tree.xiuwu, "core.enterprises_with_union") == 0


def test_the_console_marks_unverified_enterprises(client, worker, org_tree, xiuwu_staff):
    from django.urls import reverse

    recruitment.employer_register(user=worker, credit_code=NEW_CODE, name="修武县新兴制衣厂",
                                  district=org_tree.xiuwu, industry="纺织服装")
    client.force_login(xiuwu_staff)
    assert "待核实" in client.get(reverse("core:enterprise_list")).content.decode()


# --- check constraints --------------------------------------------------------------------------


def _refused(make):
    with pytest.raises(IntegrityError), transaction.atomic():
        make()


def test_salary_minimum_above_maximum_is_refused(xiuwu_enterprise):
    post = JobPostFactory(enterprise=xiuwu_enterprise)
    _refused(lambda: JobPost.objects.filter(pk=post.pk).update(salary_min=9000, salary_max=5000))
    _refused(lambda: JobPost.objects.filter(pk=post.pk).update(salary_min=0, salary_max=5000))
    _refused(lambda: JobPost.objects.filter(pk=post.pk).update(headcount=0))


def test_fair_ending_before_it_starts_is_refused(org_tree):
    today = timezone.localdate()
    _refused(lambda: JobFair.objects.create(title="春风行动", organizer=org_tree.xiuwu, starts_on=today,
                                            ends_on=today - timedelta(days=1)))


def test_quiz_closing_before_it_opens_or_without_questions_is_refused(org_tree):
    from tests.training.factories import QuizFactory

    now = timezone.now()
    _refused(lambda: QuizFactory(organization=org_tree.city, opens_at=now, closes_at=now - timedelta(hours=1)))
    _refused(lambda: QuizFactory(organization=org_tree.city, question_count=0))


def test_attempt_rules_are_refused(worker, org_tree):
    from apps.training.models import Attempt
    from tests.training.factories import QuizFactory

    quiz = QuizFactory(organization=org_tree.city)
    now = timezone.now()
    base = {"quiz": quiz, "user": worker, "organization": org_tree.xiuwu_grassroots, "items": []}
    _refused(lambda: Attempt.objects.create(**base, started_at=now, deadline=now, score=30, max_score=20))


def test_stage_scores_and_final_scores_are_refused_when_nonsense(city_staff, org_tree):
    from apps.training.models import Campaign, Criterion, Entry, Score, Stage

    campaign = Campaign.objects.create(**_campaign_fields(org_tree))
    today = timezone.localdate()
    _refused(lambda: Stage.objects.create(campaign=campaign, name="初赛", starts_on=today,
                                          ends_on=today - timedelta(days=1)))
    entry = Entry.objects.create(campaign=campaign, organization=org_tree.xiuwu_grassroots, name="焊接班")
    _refused(lambda: Entry.objects.filter(pk=entry.pk).update(final_score=-1))
    criterion = Criterion.objects.create(campaign=campaign, name="质量", max_score=10)
    _refused(lambda: Score.objects.create(entry=entry, judge=city_staff, criterion=criterion, value=-1))


def _campaign_fields(org_tree) -> dict:
    from apps.training.models import Campaign

    fields = {"title": "劳动竞赛", "organization": org_tree.city,
              "registration_closes": timezone.localdate() + timedelta(days=10)}
    names = {f.name for f in Campaign._meta.get_fields()}
    return {key: value for key, value in fields.items() if key in names}


def test_report_dates_out_of_order_are_refused(city_staff, org_tree):
    from apps.reports.models import ReportRound, ReportTask

    task = ReportTask.objects.create(title="落实情况", start_date=date(2026, 1, 1), end_date=date(2026, 3, 31),
                                     due_date=date(2026, 4, 5), created_by=city_staff)
    _refused(lambda: ReportTask.objects.filter(pk=task.pk).update(end_date=date(2025, 12, 31)))
    _refused(lambda: ReportRound.objects.create(task=task, period_start=date(2026, 3, 1), period_end=date(2026, 2, 1),
                                                due_date=date(2026, 3, 5)))
    _refused(lambda: ReportRound.objects.create(task=task, period_start=date(2026, 1, 1), period_end=date(2026, 1, 31),
                                                due_date=date(2026, 2, 5), lock_date=date(2026, 2, 1)))


# --- role groups by code ------------------------------------------------------------------------


def test_a_role_is_found_by_its_code_whatever_its_group_is_called(xiuwu_staff):
    group = role_group(Role.COUNTY_STAFF)
    group.name = "县级工会干部（新称呼）"
    group.save()
    assert user_has_role(xiuwu_staff, Role.COUNTY_STAFF)
    assert role_group(Role.COUNTY_STAFF) == group
    sync_roles()  # people see the label of the code again; the members keep their role
    group.refresh_from_db()
    assert group.name == Role.COUNTY_STAFF.label
    assert user_has_role(xiuwu_staff, Role.COUNTY_STAFF)


def test_a_group_merely_named_like_a_role_grants_nothing(worker):
    from django.contrib.auth.models import Group

    role_group(Role.CITY_OFFICE)
    impostor = Group.objects.create(name="市总工会办公室（复制）")
    worker.groups.add(impostor)
    assert not user_has_role(worker, Role.CITY_OFFICE)


def test_every_role_has_one_group(db):
    sync_roles()
    assert set(RoleGroup.objects.values_list("code", flat=True)) == set(Role.values)
