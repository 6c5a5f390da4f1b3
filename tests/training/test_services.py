from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from apps.core.models import AuditLog
from apps.notifications.models import Notification
from apps.training import services
from apps.training.models import Attempt, Campaign, Entry, ParticipantProfile, Question, Quiz, QuizResult, WrongAnswer

from .conftest import right_answers, wrong_answers
from .factories import CampaignFactory, CriterionFactory, LessonFactory, QuizFactory

pytestmark = pytest.mark.django_db


# --- participants and courses -------------------------------------------------------------------

def test_enrolment_remembers_the_chosen_union(worker, course, org_tree):
    enrollment = services.enrollment_create(user=worker, course=course, organization=org_tree.xiuwu_grassroots)
    assert enrollment.organization == org_tree.xiuwu_grassroots
    assert ParticipantProfile.objects.get(user=worker).organization == org_tree.xiuwu_grassroots


def test_enrolment_without_a_union_is_refused(worker, course):
    with pytest.raises(ValidationError, match="请先选择您所在的工会"):
        services.enrollment_create(user=worker, course=course)


def test_city_union_is_not_a_participant_union(worker, course, org_tree):
    with pytest.raises(ValidationError):
        services.enrollment_create(user=worker, course=course, organization=org_tree.city)


def test_enrolling_twice_keeps_one_enrolment(worker, course, org_tree):
    first = services.enrollment_create(user=worker, course=course, organization=org_tree.xiuwu_grassroots)
    second = services.enrollment_create(user=worker, course=course)
    assert first.pk == second.pk


def test_unpublished_course_cannot_be_joined(worker, course, org_tree):
    course.is_published = False
    course.save()
    with pytest.raises(ValidationError):
        services.enrollment_create(user=worker, course=course, organization=org_tree.xiuwu_grassroots)


def test_last_lesson_completes_the_course_with_a_certificate(worker, course, org_tree):
    services.enrollment_create(user=worker, course=course, organization=org_tree.xiuwu_grassroots)
    first, second = course.lessons.all()
    enrollment = services.lesson_complete(user=worker, lesson=first)
    assert enrollment.completed_at is None and enrollment.certificate_no is None
    enrollment = services.lesson_complete(user=worker, lesson=first)  # twice: still one progress row
    assert enrollment.progress.count() == 1
    enrollment = services.lesson_complete(user=worker, lesson=second)
    assert enrollment.completed_at is not None
    assert enrollment.certificate_no.startswith("JZGH")
    number = enrollment.certificate_no
    assert services.lesson_complete(user=worker, lesson=second).certificate_no == number


def test_lesson_cannot_be_completed_without_enrolment(worker, course):
    with pytest.raises(ValidationError, match="请先报名"):
        services.lesson_complete(user=worker, lesson=course.lessons.first())


def test_article_is_cleaned_of_scripts(city_staff, course):
    lesson = services.lesson_save(actor=city_staff, course=course, data={
        "order": 3, "title": "图文", "kind": "article", "minutes": 5,
        "body": '<p onclick="x()">安全</p><script>alert(1)</script>'})
    assert "script" not in lesson.body and "onclick" not in lesson.body and "安全" in lesson.body


def test_video_lesson_needs_a_video(city_staff, course):
    with pytest.raises(ValidationError) as error:
        services.lesson_save(actor=city_staff, course=course, data={"order": 3, "title": "视频", "kind": "video",
                                                                     "minutes": 5, "body": ""})
    assert "video" in error.value.message_dict


def test_staff_of_another_district_cannot_edit_a_course(boai_staff, org_tree):
    course = LessonFactory(course__organization=org_tree.xiuwu).course
    with pytest.raises(PermissionDenied):
        services.course_save(actor=boai_staff, course=course, data={"organization": org_tree.xiuwu, "title": "改"})


# --- quizzes ------------------------------------------------------------------------------------

def _start(worker, quiz, org_tree, **kwargs):
    return services.attempt_start(user=worker, quiz=quiz, organization=org_tree.xiuwu_grassroots, **kwargs)


def test_attempt_fixes_its_questions_and_option_order(worker, quiz, org_tree):
    attempt = _start(worker, quiz, org_tree)
    assert len(attempt.items) == quiz.question_count
    assert len(set(attempt.question_ids)) == quiz.question_count
    for item in attempt.items:
        assert sorted(item["o"]) == list(range(len(item["o"])))
    attempt.refresh_from_db()
    assert attempt.status == Attempt.Status.IN_PROGRESS
    assert attempt.deadline == attempt.started_at + timedelta(minutes=quiz.time_limit_minutes)


def test_full_marks_when_every_answer_is_right(worker, quiz, org_tree):
    attempt = _start(worker, quiz, org_tree)
    attempt = services.attempt_submit(user=worker, attempt=attempt, answers=right_answers(attempt))
    assert attempt.status == Attempt.Status.SUBMITTED
    assert attempt.correct_count == quiz.question_count
    assert attempt.score == quiz.max_score
    result = QuizResult.objects.get(quiz=quiz, user=worker)
    assert result.score == quiz.max_score and result.county == org_tree.xiuwu


def test_wrong_answers_score_nothing_and_fill_the_wrong_answer_book(worker, quiz, org_tree):
    attempt = _start(worker, quiz, org_tree)
    attempt = services.attempt_submit(user=worker, attempt=attempt, answers=wrong_answers(attempt))
    assert attempt.score == 0
    assert WrongAnswer.objects.filter(user=worker).count() == quiz.question_count


def test_fill_in_answers_ignore_width_and_spaces(worker, bank, org_tree, questions):
    fill = [q for q in questions if q.kind == "fill"]
    quiz = QuizFactory(organization=org_tree.city, banks=[bank], question_count=1, selection=Quiz.Selection.FIXED)
    quiz.fixed_question_ids = [fill[0].pk]
    quiz.save()
    attempt = _start(worker, quiz, org_tree)
    attempt = services.attempt_submit(user=worker, attempt=attempt, answers={fill[0].pk: [" 综合 治理 "]})
    assert attempt.correct_count == 1


def test_multiple_choice_needs_every_right_option(worker, bank, org_tree, questions):
    multiple = [q for q in questions if q.kind == "multiple"][0]
    quiz = QuizFactory(organization=org_tree.city, banks=[bank], question_count=1, selection=Quiz.Selection.FIXED,
                       max_attempts=3)
    quiz.fixed_question_ids = [multiple.pk]
    quiz.save()
    partial = services.attempt_submit(user=worker, attempt=_start(worker, quiz, org_tree),
                                      answers={multiple.pk: ["0", "1"]})
    assert partial.correct_count == 0
    whole = services.attempt_submit(user=worker, attempt=_start(worker, quiz, org_tree),
                                    answers={multiple.pk: ["2", "1", "0"]})
    assert whole.correct_count == 1


def test_answers_after_the_time_limit_are_refused_and_nothing_is_saved(worker, quiz, org_tree):
    attempt = _start(worker, quiz, org_tree)
    late = attempt.deadline + timedelta(seconds=services.SUBMIT_GRACE_SECONDS + 1)
    with pytest.raises(ValidationError, match="答题时间已到"):
        services.attempt_submit(user=worker, attempt=attempt, answers=right_answers(attempt), now=late)
    attempt.refresh_from_db()
    assert attempt.answers == {} and attempt.status == Attempt.Status.IN_PROGRESS
    expired = services.attempt_expire(attempt_id=attempt.pk, now=late)
    assert expired.status == Attempt.Status.EXPIRED and expired.score == 0


def test_answers_saved_before_the_limit_count_when_time_runs_out(worker, quiz, org_tree):
    attempt = _start(worker, quiz, org_tree)
    first = attempt.question_ids[0]
    services.attempt_answer(user=worker, attempt=attempt, question_id=first, answer=right_answers(attempt)[first])
    expired = services.attempt_expire(attempt_id=attempt.pk, now=attempt.deadline + timedelta(minutes=1))
    assert expired.correct_count == 1 and expired.score == quiz.points_per_question


def test_an_answer_for_a_question_outside_the_attempt_is_refused(worker, quiz, org_tree, questions):
    attempt = _start(worker, quiz, org_tree)
    outsider = next(q for q in questions if q.pk not in attempt.question_ids)
    answers = {**right_answers(attempt), outsider.pk: ["1"]}
    with pytest.raises(ValidationError, match="不在本次答题中"):
        services.attempt_submit(user=worker, attempt=attempt, answers=answers)
    attempt.refresh_from_db()
    assert attempt.status == Attempt.Status.IN_PROGRESS and attempt.answers == {}


def test_an_option_that_does_not_exist_is_refused(worker, quiz, org_tree):
    attempt = _start(worker, quiz, org_tree)
    # The draw is random: take a choice question (a fill-in answer has no options to fall outside of).
    choice_id = next(pk for pk in attempt.question_ids if Question.objects.get(pk=pk).is_choice)
    with pytest.raises(ValidationError, match="不在选项中"):
        services.attempt_submit(user=worker, attempt=attempt, answers={choice_id: ["9"]})


def test_a_second_simultaneous_attempt_is_refused(worker, quiz, org_tree):
    _start(worker, quiz, org_tree)
    with pytest.raises(ValidationError, match="正在进行"):
        _start(worker, quiz, org_tree)
    assert Attempt.objects.filter(user=worker, quiz=quiz).count() == 1


def test_one_running_attempt_is_enforced_by_the_database(worker, quiz, org_tree):
    from django.db import IntegrityError, transaction

    first = _start(worker, quiz, org_tree)
    with pytest.raises(IntegrityError), transaction.atomic():
        Attempt.objects.create(quiz=quiz, user=worker, organization=first.organization, number=2,
                               started_at=first.started_at, deadline=first.deadline, items=[])


def test_attempts_beyond_the_limit_are_refused(worker, quiz, org_tree):
    for _ in range(quiz.max_attempts):
        attempt = _start(worker, quiz, org_tree)
        services.attempt_submit(user=worker, attempt=attempt, answers={})
    with pytest.raises(ValidationError, match="已用完"):
        _start(worker, quiz, org_tree)


def test_an_overdue_attempt_is_closed_before_the_next_starts(worker, quiz, org_tree):
    first = _start(worker, quiz, org_tree)
    later = first.deadline + timedelta(minutes=1)
    second = _start(worker, quiz, org_tree, now=later)
    first.refresh_from_db()
    assert first.status == Attempt.Status.EXPIRED and second.number == 2


def test_quiz_outside_its_open_time_cannot_be_started(worker, quiz, org_tree):
    with pytest.raises(ValidationError, match="开放时间"):
        _start(worker, quiz, org_tree, now=quiz.closes_at + timedelta(seconds=1))


def test_submitting_twice_is_refused(worker, quiz, org_tree):
    attempt = _start(worker, quiz, org_tree)
    services.attempt_submit(user=worker, attempt=attempt, answers=right_answers(attempt))
    with pytest.raises(ValidationError, match="已经结束"):
        services.attempt_submit(user=worker, attempt=attempt, answers={})
    assert QuizResult.objects.get(quiz=quiz, user=worker).attempts_used == 1


def test_grading_by_highest_keeps_the_best_attempt(worker, quiz, org_tree):
    good = _start(worker, quiz, org_tree)
    services.attempt_submit(user=worker, attempt=good, answers=right_answers(good))
    bad = _start(worker, quiz, org_tree)
    services.attempt_submit(user=worker, attempt=bad, answers=wrong_answers(bad))
    result = QuizResult.objects.get(quiz=quiz, user=worker)
    assert result.score == quiz.max_score and result.attempt_id == good.pk and result.attempts_used == 2


def test_grading_by_last_keeps_the_last_attempt(worker, quiz, org_tree):
    quiz.grading = Quiz.Grading.LAST
    quiz.save()
    good = _start(worker, quiz, org_tree)
    services.attempt_submit(user=worker, attempt=good, answers=right_answers(good))
    bad = _start(worker, quiz, org_tree)
    services.attempt_submit(user=worker, attempt=bad, answers=wrong_answers(bad))
    assert QuizResult.objects.get(quiz=quiz, user=worker).score == 0


def test_fixed_selection_gives_everyone_the_same_questions(worker, other_worker, org_tree, bank, questions,
                                                             city_staff):
    quiz = services.quiz_save(actor=city_staff, banks=[bank], data={
        "title": "固定题目测验", "mode": "exam", "organization": org_tree.city, "question_count": 4,
        "selection": "fixed", "opens_at": timezone.now() - timedelta(hours=1),
        "closes_at": timezone.now() + timedelta(hours=1), "time_limit_minutes": 5, "max_attempts": 1,
        "is_published": True, "points_per_question": 2})
    first = _start(worker, quiz, org_tree)
    second = services.attempt_start(user=other_worker, quiz=quiz, organization=org_tree.boai_grassroots)
    assert sorted(first.question_ids) == sorted(second.question_ids) == sorted(quiz.fixed_question_ids)


def test_quiz_needs_enough_matching_questions(city_staff, org_tree, bank, questions):
    with pytest.raises(ValidationError) as error:
        services.quiz_save(actor=city_staff, banks=[bank], data={
            "title": "太多题", "mode": "exam", "organization": org_tree.city, "question_count": 5, "tag": "疫情防控",
            "opens_at": timezone.now(), "closes_at": timezone.now() + timedelta(hours=1), "max_attempts": 1})
    assert "question_count" in error.value.message_dict


def test_quiz_closing_before_it_opens_is_refused(city_staff, org_tree, bank, questions):
    with pytest.raises(ValidationError) as error:
        services.quiz_save(actor=city_staff, banks=[bank], data={
            "title": "时间错", "mode": "exam", "organization": org_tree.city, "question_count": 2,
            "opens_at": timezone.now(), "closes_at": timezone.now() - timedelta(hours=1), "max_attempts": 1})
    assert "closes_at" in error.value.message_dict


def test_draw_by_tag_and_difficulty(worker, org_tree, bank, questions):
    quiz = QuizFactory(organization=org_tree.city, banks=[bank], tag="安全生产", difficulty=2, question_count=2)
    attempt = _start(worker, quiz, org_tree)
    fills = {q.pk for q in questions if q.kind == "fill"}
    assert set(attempt.question_ids) == fills


# --- practice (网上练兵) -----------------------------------------------------------------------

@pytest.fixture
def practice(org_tree, bank, questions):
    return QuizFactory(organization=org_tree.city, banks=[bank], mode=Quiz.Mode.PRACTICE, max_attempts=0)


def test_practice_gives_feedback_per_question_and_records_wrong_answers(worker, practice, org_tree):
    attempt = _start(worker, practice, org_tree)
    wrong = wrong_answers(attempt)
    first, second = attempt.question_ids[:2]
    feedback = services.attempt_answer(user=worker, attempt=attempt, question_id=first, answer=wrong[first])
    assert feedback.correct is False
    assert WrongAnswer.objects.filter(user=worker, question_id=first, mastered_at__isnull=True).exists()
    feedback = services.attempt_answer(user=worker, attempt=attempt, question_id=second,
                                       answer=right_answers(attempt)[second])
    assert feedback.correct is True


def test_practice_answer_cannot_be_changed_after_feedback(worker, practice, org_tree):
    attempt = _start(worker, practice, org_tree)
    first = attempt.question_ids[0]
    services.attempt_answer(user=worker, attempt=attempt, question_id=first, answer=wrong_answers(attempt)[first])
    again = services.attempt_answer(user=worker, attempt=attempt, question_id=first,
                                    answer=right_answers(attempt)[first])
    assert again.correct is False


def test_practice_allows_unlimited_attempts(worker, practice, org_tree):
    for _ in range(4):
        attempt = _start(worker, practice, org_tree)
        services.attempt_submit(user=worker, attempt=attempt, answers={})
    assert Attempt.objects.filter(user=worker, quiz=practice).count() == 4


def test_retrying_a_wrong_answer_right_marks_it_mastered(worker, quiz, org_tree):
    attempt = _start(worker, quiz, org_tree)
    services.attempt_submit(user=worker, attempt=attempt, answers=wrong_answers(attempt))
    question_id = attempt.question_ids[0]
    feedback = services.wrong_answer_retry(user=worker, question_id=question_id,
                                           answer=right_answers(attempt)[question_id])
    assert feedback.correct
    assert WrongAnswer.objects.get(user=worker, question_id=question_id).mastered_at is not None


def test_retrying_wrong_again_counts_another_mistake(worker, quiz, org_tree):
    attempt = _start(worker, quiz, org_tree)
    services.attempt_submit(user=worker, attempt=attempt, answers=wrong_answers(attempt))
    question_id = attempt.question_ids[0]
    services.wrong_answer_retry(user=worker, question_id=question_id, answer=wrong_answers(attempt)[question_id])
    assert WrongAnswer.objects.get(user=worker, question_id=question_id).times_wrong == 2


def test_expire_overdue_closes_only_overdue_attempts(worker, other_worker, quiz, org_tree):
    old = _start(worker, quiz, org_tree, now=timezone.now() - timedelta(hours=2) + timedelta(minutes=1))
    fresh = services.attempt_start(user=other_worker, quiz=quiz, organization=org_tree.boai_grassroots)
    Attempt.objects.filter(pk=old.pk).update(deadline=timezone.now() - timedelta(minutes=30))
    assert services.expire_overdue() == 1
    old.refresh_from_db()
    fresh.refresh_from_db()
    assert old.status == Attempt.Status.EXPIRED and fresh.status == Attempt.Status.IN_PROGRESS
    assert services.expire_overdue() == 0


# --- campaigns ----------------------------------------------------------------------------------

@pytest.fixture
def campaign(org_tree):
    campaign = CampaignFactory(organization=org_tree.city)
    CriterionFactory(campaign=campaign, name="生产任务", max_score=60)
    CriterionFactory(campaign=campaign, name="技术革新", max_score=40)
    return campaign


def test_grassroots_union_registers_a_team(grassroots_staff, campaign, org_tree):
    entry = services.entry_register(actor=grassroots_staff, campaign=campaign, organization=org_tree.xiuwu_grassroots,
                                    kind="team", name="焊接班", members="马超")
    assert entry.review_status == "" and AuditLog.objects.filter(action="training.entry.registered").exists()


def test_registering_for_another_union_is_refused(grassroots_staff, campaign, org_tree):
    with pytest.raises(PermissionDenied):
        services.entry_register(actor=grassroots_staff, campaign=campaign, organization=org_tree.boai_grassroots,
                                kind="team", name="铸造班")


def test_registration_after_the_deadline_is_refused(grassroots_staff, campaign, org_tree):
    campaign.registration_closes = timezone.localdate() - timedelta(days=1)
    campaign.save()
    with pytest.raises(ValidationError, match="报名期"):
        services.entry_register(actor=grassroots_staff, campaign=campaign, organization=org_tree.xiuwu_grassroots,
                                kind="team", name="焊接班")


def test_same_name_twice_is_refused(grassroots_staff, campaign, org_tree):
    services.entry_register(actor=grassroots_staff, campaign=campaign, organization=org_tree.xiuwu_grassroots,
                            kind="team", name="焊接班")
    with pytest.raises(ValidationError):
        services.entry_register(actor=grassroots_staff, campaign=campaign, organization=org_tree.xiuwu_grassroots,
                                kind="team", name="焊接班")


def _judged_campaign(campaign, grassroots_staff, boai_staff, city_staff, xiuwu_staff, org_tree):
    first = services.entry_register(actor=grassroots_staff, campaign=campaign,
                                    organization=org_tree.xiuwu_grassroots, kind="team", name="焊接班")
    second = services.entry_register(actor=boai_staff, campaign=campaign, organization=org_tree.boai_grassroots,
                                     kind="individual", name="黄勇")
    services.judge_assign(actor=city_staff, campaign=campaign, judge=xiuwu_staff)
    services.judge_assign(actor=city_staff, campaign=campaign, judge=boai_staff)
    services.campaign_transition(actor=city_staff, campaign=campaign, to=Campaign.Status.JUDGING)
    return first, second


def test_judges_score_and_publishing_ranks_by_average(campaign, grassroots_staff, boai_staff, city_staff,
                                                      xiuwu_staff, org_tree):
    first, second = _judged_campaign(campaign, grassroots_staff, boai_staff, city_staff, xiuwu_staff, org_tree)
    c1, c2 = campaign.criteria.all()
    services.scores_record(judge=xiuwu_staff, entry=first, values={c1.pk: Decimal(50), c2.pk: Decimal(30)})
    services.scores_record(judge=boai_staff, entry=first, values={c1.pk: Decimal(40), c2.pk: Decimal(30)})
    services.scores_record(judge=xiuwu_staff, entry=second, values={c1.pk: Decimal(60), c2.pk: Decimal(35)})
    # A judge re-scoring replaces their own scores.
    services.scores_record(judge=xiuwu_staff, entry=second, values={c1.pk: Decimal(55), c2.pk: Decimal(35)})
    services.campaign_transition(actor=city_staff, campaign=campaign, to=Campaign.Status.PUBLISHED)
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.final_score == Decimal("75.00") and second.final_score == Decimal("90.00")
    assert (second.rank, first.rank) == (1, 2)


def test_a_score_above_the_maximum_is_refused(campaign, grassroots_staff, boai_staff, city_staff, xiuwu_staff,
                                              org_tree):
    first, _ = _judged_campaign(campaign, grassroots_staff, boai_staff, city_staff, xiuwu_staff, org_tree)
    c1, c2 = campaign.criteria.all()
    with pytest.raises(ValidationError, match="0 到 60"):
        services.scores_record(judge=xiuwu_staff, entry=first, values={c1.pk: Decimal(61), c2.pk: Decimal(1)})
    assert not first.scores.exists()


def test_someone_who_is_not_a_judge_cannot_score(campaign, grassroots_staff, boai_staff, city_staff, xiuwu_staff,
                                                 org_tree):
    first, _ = _judged_campaign(campaign, grassroots_staff, boai_staff, city_staff, xiuwu_staff, org_tree)
    c1, c2 = campaign.criteria.all()
    with pytest.raises(PermissionDenied):
        services.scores_record(judge=city_staff, entry=first, values={c1.pk: Decimal(1), c2.pk: Decimal(1)})


def test_a_worker_cannot_be_a_judge(campaign, city_staff, worker):
    with pytest.raises(ValidationError):
        services.judge_assign(actor=city_staff, campaign=campaign, judge=worker)


def test_campaign_cannot_skip_a_stage(campaign, city_staff):
    with pytest.raises(ValidationError, match="不能改为"):
        services.campaign_transition(actor=city_staff, campaign=campaign, to=Campaign.Status.PUBLISHED)


def test_achievement_after_results_are_published_is_refused(campaign, grassroots_staff, org_tree, city_staff):
    entry = services.entry_register(actor=grassroots_staff, campaign=campaign, organization=org_tree.xiuwu_grassroots,
                                    kind="team", name="焊接班")
    services.achievement_submit(actor=grassroots_staff, entry=entry, text="提前完成生产任务")
    Campaign.objects.filter(pk=campaign.pk).update(status=Campaign.Status.PUBLISHED)
    entry.refresh_from_db()
    with pytest.raises(ValidationError):
        services.achievement_submit(actor=grassroots_staff, entry=entry, text="再交一份")
    assert entry.achievements.count() == 1


# --- 工人先锋号 review ----------------------------------------------------------------------------

@pytest.fixture
def pioneer_entry(org_tree, grassroots_staff):
    campaign = CampaignFactory(organization=org_tree.city, kind=Campaign.Kind.PIONEER)
    return services.entry_register(actor=grassroots_staff, campaign=campaign, organization=org_tree.xiuwu_grassroots,
                                   kind="team", name="装配一班")


def test_pioneer_goes_through_district_then_city(pioneer_entry, xiuwu_staff, city_staff,
                                                  django_capture_on_commit_callbacks):
    assert pioneer_entry.review_status == Entry.Review.SUBMITTED
    with django_capture_on_commit_callbacks(execute=True):
        entry = services.pioneer_review(actor=xiuwu_staff, entry=pioneer_entry, decision="county_approve")
    assert entry.review_status == Entry.Review.COUNTY_APPROVED
    entry = services.pioneer_review(actor=city_staff, entry=entry, decision="city_approve")
    assert entry.review_status == Entry.Review.APPROVED
    assert Notification.objects.filter(recipient=pioneer_entry.registered_by).exists()


def test_city_cannot_review_before_the_district(pioneer_entry, city_staff):
    with pytest.raises(ValidationError):
        services.pioneer_review(actor=city_staff, entry=pioneer_entry, decision="city_approve")


def test_city_staff_cannot_take_the_district_step(pioneer_entry, city_staff):
    with pytest.raises(PermissionDenied, match="县"):
        services.pioneer_review(actor=city_staff, entry=pioneer_entry, decision="county_approve")


def test_another_district_cannot_review(pioneer_entry, boai_staff):
    with pytest.raises(PermissionDenied):
        services.pioneer_review(actor=boai_staff, entry=pioneer_entry, decision="county_approve")


def test_returning_needs_a_note_and_the_applicant_can_resubmit(pioneer_entry, xiuwu_staff, grassroots_staff):
    with pytest.raises(ValidationError):
        services.pioneer_review(actor=xiuwu_staff, entry=pioneer_entry, decision="county_return")
    entry = services.pioneer_review(actor=xiuwu_staff, entry=pioneer_entry, decision="county_return",
                                    note="请补充事迹材料")
    assert entry.review_status == Entry.Review.RETURNED
    entry = services.pioneer_review(actor=grassroots_staff, entry=entry, decision="resubmit")
    assert entry.review_status == Entry.Review.SUBMITTED


def test_approving_twice_is_refused(pioneer_entry, xiuwu_staff):
    services.pioneer_review(actor=xiuwu_staff, entry=pioneer_entry, decision="county_approve")
    with pytest.raises(ValidationError):
        services.pioneer_review(actor=xiuwu_staff, entry=pioneer_entry, decision="county_approve")


def test_true_false_options_keep_their_order_while_others_shuffle(worker, bank, org_tree, questions):
    judge = [q for q in questions if q.kind == "true_false"]
    quiz = QuizFactory(organization=org_tree.city, banks=[bank], question_count=len(questions), max_attempts=5)
    orders = set()
    for _ in range(4):
        attempt = _start(worker, quiz, org_tree)
        for item in attempt.items:
            if item["q"] in {q.pk for q in judge}:
                assert item["o"] == [0, 1]
            elif len(item["o"]) == 4:
                orders.add(tuple(item["o"]))
        services.attempt_submit(user=worker, attempt=attempt, answers={})
    assert len(orders) > 1


def test_outside_practice_a_saved_answer_gives_no_verdict(worker, quiz, org_tree):
    attempt = _start(worker, quiz, org_tree)
    first = attempt.question_ids[0]
    feedback = services.attempt_answer(user=worker, attempt=attempt, question_id=first,
                                       answer=right_answers(attempt)[first])
    assert feedback.correct is None
    assert not WrongAnswer.objects.exists()


def test_resaving_a_fixed_quiz_keeps_its_questions(city_staff, org_tree, bank, questions):
    data = {"title": "固定题目测验", "mode": "exam", "organization": org_tree.city, "question_count": 4,
            "selection": "fixed", "opens_at": timezone.now() - timedelta(hours=1),
            "closes_at": timezone.now() + timedelta(hours=1), "time_limit_minutes": 5, "max_attempts": 1}
    quiz = services.quiz_save(actor=city_staff, banks=[bank], data=data)
    drawn = list(quiz.fixed_question_ids)
    quiz = services.quiz_save(actor=city_staff, banks=[bank], data={**data, "title": "改名"}, quiz=quiz)
    assert quiz.fixed_question_ids == drawn


def test_criteria_cannot_change_once_judging_starts(campaign, city_staff):
    from apps.training.models import Criterion

    Campaign.objects.filter(pk=campaign.pk).update(status=Campaign.Status.JUDGING)
    campaign.refresh_from_db()
    with pytest.raises(ValidationError, match="评审开始后"):
        services.campaign_add_part(actor=city_staff, campaign=campaign, part=Criterion(name="加分项", max_score=5))
    assert campaign.criteria.count() == 2


def test_campaign_created_by_staff_starts_as_a_draft(boai_staff, org_tree):
    campaign = services.campaign_create(actor=boai_staff, data={
        "title": "博爱县铸造工技能竞赛", "kind": "skills", "organization": org_tree.boai,
        "registration_closes": timezone.localdate() + timedelta(days=5)})
    assert campaign.status == Campaign.Status.DRAFT
    with pytest.raises(PermissionDenied):
        services.campaign_create(actor=boai_staff, data={
            "title": "越权", "kind": "skills", "organization": org_tree.xiuwu,
            "registration_closes": timezone.localdate()})
