from __future__ import annotations

from datetime import timedelta

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from apps.core.uploads import private_file_url
from apps.training import services
from apps.training.models import Attempt, Campaign, Enrollment, Lesson, QuizResult
from tests.factories import UserFactory

from .conftest import right_answers
from .factories import CampaignFactory, CourseFactory, CriterionFactory, LessonFactory, StudioFactory

pytestmark = pytest.mark.django_db

# A tiny but real MP4 (ISO base media "ftyp" box) and WebM (EBML header with the webm doctype).
MP4 = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom" + b"\x00\x00\x00\x08free" + b"\x00" * 64
WEBM = bytes.fromhex("1A45DFA39F4282847765626D") + b"\x00" * 64


# --- courses and certificates -------------------------------------------------------------------

def test_worker_enrols_choosing_a_union_and_completes_with_a_certificate(client, worker, course, org_tree):
    client.force_login(worker)
    response = client.post(reverse("training:course_enrol", args=[course.pk]),
                           {"organization": org_tree.xiuwu_grassroots.pk})
    assert response.status_code == 302
    enrollment = Enrollment.objects.get(user=worker, course=course)
    assert enrollment.organization == org_tree.xiuwu_grassroots
    first, second = course.lessons.all()
    assert client.get(reverse("training:lesson_detail", args=[first.pk])).status_code == 200
    client.post(reverse("training:lesson_done", args=[first.pk]))
    page = client.get(reverse("training:course_detail", args=[course.pk])).content.decode()
    assert "50%" in page
    response = client.post(reverse("training:lesson_done", args=[second.pk]))
    enrollment.refresh_from_db()
    assert response["Location"] == reverse("training:certificate", args=[enrollment.certificate_no])
    assert enrollment.certificate_no in client.get(response["Location"]).content.decode()


def test_anyone_can_verify_a_certificate_number(client, worker, course, org_tree):
    services.enrollment_create(user=worker, course=course, organization=org_tree.xiuwu_grassroots)
    for lesson in course.lessons.all():
        enrollment = services.lesson_complete(user=worker, lesson=lesson)
    page = client.get(reverse("training:certificate_verify"), {"no": enrollment.certificate_no}).content.decode()
    assert "证书真实有效" in page and course.title in page and worker.real_name not in page
    page = client.get(reverse("training:certificate_verify"), {"no": "JZGH2026NOPE"}).content.decode()
    assert "未找到" in page


def test_someone_elses_certificate_page_is_404(client, worker, other_worker, course, org_tree):
    services.enrollment_create(user=worker, course=course, organization=org_tree.xiuwu_grassroots)
    for lesson in course.lessons.all():
        enrollment = services.lesson_complete(user=worker, lesson=lesson)
    client.force_login(other_worker)
    assert client.get(reverse("training:certificate", args=[enrollment.certificate_no])).status_code == 404


def test_lesson_before_enrolment_sends_back_to_the_course(client, worker, course):
    client.force_login(worker)
    response = client.get(reverse("training:lesson_detail", args=[course.lessons.first().pk]))
    assert response["Location"] == reverse("training:course_detail", args=[course.pk])


def test_enrol_without_choosing_a_union_saves_nothing(client, worker, course):
    client.force_login(worker)
    client.post(reverse("training:course_enrol", args=[course.pk]), {"organization": ""})
    assert not Enrollment.objects.exists()


def test_unpublished_course_is_404_for_workers(client, worker, org_tree):
    course = CourseFactory(organization=org_tree.city, is_published=False)
    client.force_login(worker)
    assert client.get(reverse("training:course_detail", args=[course.pk])).status_code == 404


def test_course_list_query_count_is_fixed(client, org_tree, django_assert_max_num_queries):
    for _ in range(30):
        LessonFactory(course=CourseFactory(organization=org_tree.city))
    with django_assert_max_num_queries(8):
        assert client.get(reverse("training:course_list")).status_code == 200


# --- video and files ----------------------------------------------------------------------------

def _lesson_post(client, course, **files):
    data = {"order": 3, "title": "复工安全视频", "kind": "video", "minutes": 3, "body": ""}
    data.update(files)
    return client.post(reverse("training:lesson_create", args=[course.pk]), data)


def test_staff_upload_a_real_mp4_and_the_enrolled_worker_can_play_it(client, city_staff, worker, course, org_tree):
    client.force_login(city_staff)
    response = _lesson_post(client, course, video=SimpleUploadedFile("safety.mp4", MP4, content_type="video/mp4"))
    assert response.status_code == 302
    lesson = Lesson.objects.get(kind="video")
    assert lesson.video.name.startswith("training/videos/")
    url = private_file_url(lesson, "video")
    client.force_login(worker)
    assert client.get(url).status_code == 404  # not enrolled yet
    services.enrollment_create(user=worker, course=course, organization=org_tree.xiuwu_grassroots)
    page = client.get(reverse("training:lesson_detail", args=[lesson.pk])).content.decode()
    assert "<video" in page and url in page
    response = client.get(url, HTTP_RANGE="bytes=0-9")
    assert response.status_code == 206 and b"".join(response.streaming_content) == MP4[:10]


def test_webm_is_accepted_too(client, city_staff, course):
    client.force_login(city_staff)
    response = _lesson_post(client, course, video=SimpleUploadedFile("a.webm", WEBM, content_type="video/webm"))
    assert response.status_code == 302


def test_a_pdf_named_mp4_is_refused(client, city_staff, course):
    client.force_login(city_staff)
    response = _lesson_post(client, course, video=SimpleUploadedFile("fake.mp4", b"%PDF-1.4\n" + b"0" * 100,
                                                                     content_type="video/mp4"))
    assert response.status_code == 200
    assert "文件类型不符" in response.content.decode()
    assert not Lesson.objects.filter(kind="video").exists()


def test_a_video_over_the_size_limit_in_settings_is_refused(client, city_staff, course):
    kinds = {**settings.UPLOAD_KINDS, "video": {**settings.UPLOAD_KINDS["video"], "max_mb": 0}}
    client.force_login(city_staff)
    with override_settings(UPLOAD_KINDS=kinds):
        response = _lesson_post(client, course, video=SimpleUploadedFile("a.mp4", MP4, content_type="video/mp4"))
    assert "文件过大" in response.content.decode()
    assert not Lesson.objects.filter(kind="video").exists()


def test_a_video_lesson_without_a_file_gets_a_message(client, city_staff, course):
    client.force_login(city_staff)
    response = _lesson_post(client, course)
    assert "视频课时请上传视频文件" in response.content.decode()


def test_achievement_photo_of_the_wrong_type_is_refused(client, grassroots_staff, org_tree):
    campaign = CampaignFactory(organization=org_tree.city)
    entry = services.entry_register(actor=grassroots_staff, campaign=campaign, organization=org_tree.xiuwu_grassroots,
                                    kind="team", name="焊接班")
    client.force_login(grassroots_staff)
    response = client.post(reverse("training:entry_detail", args=[entry.pk]), {
        "action": "achievement", "a-text": "完成任务",
        "a-photo": SimpleUploadedFile("p.jpg", MP4, content_type="image/jpeg")})
    assert "文件类型不符" in response.content.decode()
    assert not entry.achievements.exists()


# --- quizzes through the pages ------------------------------------------------------------------

def test_worker_takes_a_quiz_and_sees_score_explanations_and_rank(client, worker, quiz, org_tree):
    client.force_login(worker)
    response = client.post(reverse("training:quiz_start", args=[quiz.pk]),
                           {"organization": org_tree.xiuwu_grassroots.pk})
    attempt = Attempt.objects.get(user=worker)
    assert response["Location"] == reverse("training:attempt_take", args=[attempt.pk])
    page = client.get(response["Location"]).content.decode()
    assert page.count('data-testid="question"') == quiz.question_count
    posted = {f"q{pk}": values for pk, values in right_answers(attempt).items()}
    response = client.post(reverse("training:attempt_submit", args=[attempt.pk]), posted)
    assert response["Location"] == reverse("training:attempt_result", args=[attempt.pk])
    page = client.get(response["Location"]).content.decode()
    assert f'data-testid="score">{quiz.max_score}<' in page
    assert "《劳动合同法》第十条" in page and "第 1 名" in page


def test_late_submission_is_refused_with_a_message_and_graded_from_saved_answers(client, worker, quiz, org_tree):
    attempt = services.attempt_start(user=worker, quiz=quiz, organization=org_tree.xiuwu_grassroots)
    Attempt.objects.filter(pk=attempt.pk).update(deadline=timezone.now() - timedelta(minutes=1))
    client.force_login(worker)
    posted = {f"q{pk}": values for pk, values in right_answers(attempt).items()}
    response = client.post(reverse("training:attempt_submit", args=[attempt.pk]), posted, follow=True)
    assert "超时提交的答案不被接受" in response.content.decode()
    attempt.refresh_from_db()
    assert attempt.status == Attempt.Status.EXPIRED and attempt.score == 0


def test_second_start_while_one_runs_is_refused_with_a_message(client, worker, quiz, org_tree):
    services.attempt_start(user=worker, quiz=quiz, organization=org_tree.xiuwu_grassroots)
    client.force_login(worker)
    response = client.post(reverse("training:quiz_start", args=[quiz.pk]), follow=True)
    assert "正在进行" in response.content.decode()
    assert Attempt.objects.filter(user=worker).count() == 1


def test_a_foreign_question_in_the_post_is_refused(client, worker, quiz, org_tree, questions):
    attempt = services.attempt_start(user=worker, quiz=quiz, organization=org_tree.xiuwu_grassroots)
    outsider = next(q for q in questions if q.pk not in attempt.question_ids)
    client.force_login(worker)
    response = client.post(reverse("training:attempt_submit", args=[attempt.pk]), {f"q{outsider.pk}": "1"},
                           follow=True)
    assert "不在本次答题中" in response.content.decode()
    attempt.refresh_from_db()
    assert attempt.status == Attempt.Status.IN_PROGRESS


def test_answers_are_hidden_when_the_quiz_does_not_show_them(client, worker, quiz, org_tree):
    quiz.show_answers = False
    quiz.save()
    attempt = services.attempt_start(user=worker, quiz=quiz, organization=org_tree.xiuwu_grassroots)
    services.attempt_submit(user=worker, attempt=attempt, answers={})
    client.force_login(worker)
    page = client.get(reverse("training:attempt_result", args=[attempt.pk])).content.decode()
    assert "《劳动合同法》第十条" not in page and "不公布答案" in page


def test_practice_page_gives_instant_feedback(client, worker, org_tree, bank, questions):
    from .factories import QuizFactory

    practice = QuizFactory(organization=org_tree.city, banks=[bank], mode="practice", max_attempts=0)
    attempt = services.attempt_start(user=worker, quiz=practice, organization=org_tree.xiuwu_grassroots)
    first = attempt.question_ids[0]
    client.force_login(worker)
    response = client.post(reverse("training:attempt_answer", args=[attempt.pk]),
                           {f"q{first}": right_answers(attempt)[first]}, follow=True)
    page = response.content.decode()
    assert "回答正确" in page and 'data-testid="explanation"' in page


def test_wrong_answer_book_lets_the_worker_practise_again(client, worker, quiz, org_tree):
    from .conftest import wrong_answers

    attempt = services.attempt_start(user=worker, quiz=quiz, organization=org_tree.xiuwu_grassroots)
    services.attempt_submit(user=worker, attempt=attempt, answers=wrong_answers(attempt))
    client.force_login(worker)
    page = client.get(reverse("training:wrong_answers")).content.decode()
    assert page.count('data-testid="wrong-row"') == quiz.question_count
    question_id = attempt.question_ids[0]
    response = client.post(reverse("training:wrong_answer_retry", args=[question_id]),
                           {"answer": right_answers(attempt)[question_id]})
    assert "回答正确" in response.content.decode()


def _many_results(quiz, org_tree, count):
    users = [UserFactory() for _ in range(count)]
    now = timezone.now()
    attempts = Attempt.objects.bulk_create([
        Attempt(quiz=quiz, user=u, organization=org_tree.xiuwu_grassroots if i % 2 else org_tree.boai_grassroots,
                status="submitted", started_at=now, deadline=now, submitted_at=now, score=i % 10, max_score=10,
                duration_seconds=100 + i) for i, u in enumerate(users)])
    QuizResult.objects.bulk_create([
        QuizResult(quiz=quiz, user_id=a.user_id, organization=a.organization, county=a.organization.parent,
                   attempt=a, score=a.score, duration_seconds=a.duration_seconds, submitted_at=now)
        for a in attempts])
    return users


def test_leaderboard_breaks_ties_by_time_and_ranks_organisations(client, quiz, org_tree,
                                                                 django_assert_max_num_queries):
    users = _many_results(quiz, org_tree, 60)
    with django_assert_max_num_queries(10):
        response = client.get(reverse("training:leaderboard", args=[quiz.pk]))
    rows = list(response.context["page_obj"])
    assert rows[0].score == 9 and rows[0].duration_seconds < rows[1].duration_seconds
    org_rows = response.context["org_rows"]
    assert {row["county__name"] for row in org_rows} == {"修武县总工会", "博爱县总工会"}
    client.force_login(users[-1])
    page = client.get(reverse("training:leaderboard", args=[quiz.pk])).content.decode()
    assert 'data-testid="my-rank"' in page


def test_leaderboard_published_after_close_is_hidden_until_then(client, quiz, org_tree, worker):
    quiz.leaderboard_publication = "after_close"
    quiz.save()
    _many_results(quiz, org_tree, 3)
    response = client.get(reverse("training:leaderboard", args=[quiz.pk]))
    assert response.context["page_obj"] is None and "结束" in response.content.decode()


# --- staff pages --------------------------------------------------------------------------------

def test_staff_see_enrolment_and_completion_per_organisation(client, xiuwu_staff, course, org_tree, worker,
                                                             other_worker):
    services.enrollment_create(user=worker, course=course, organization=org_tree.xiuwu_grassroots)
    services.enrollment_create(user=other_worker, course=course, organization=org_tree.boai_grassroots)
    for lesson in course.lessons.all():
        services.lesson_complete(user=worker, lesson=lesson)
    client.force_login(xiuwu_staff)
    response = client.get(reverse("training:stats"))
    by_org = response.context["by_org"]
    assert by_org == [{"organization__name": org_tree.xiuwu_grassroots.name,
                       "organization__path": org_tree.xiuwu_grassroots.path, "enrolled": 1, "completed": 1}]


def test_staff_create_a_quiz_through_the_form(client, city_staff, org_tree, bank, questions):
    client.force_login(city_staff)
    now = timezone.localtime()
    response = client.post(reverse("training:quiz_create"), {
        "title": "安康杯知识竞赛", "mode": "contest", "organization": org_tree.city.pk, "banks": [bank.pk],
        "question_count": 5, "selection": "random", "shuffle_options": "on", "points_per_question": 2,
        "opens_at": now.strftime("%Y-%m-%dT%H:%M"), "closes_at": (now + timedelta(days=3)).strftime("%Y-%m-%dT%H:%M"),
        "time_limit_minutes": 10, "max_attempts": 1, "grading": "highest", "leaderboard_publication": "live",
        "is_published": "on"})
    assert response.status_code == 302


def test_quiz_form_with_too_many_questions_explains_why(client, city_staff, org_tree, bank, questions):
    client.force_login(city_staff)
    now = timezone.localtime()
    response = client.post(reverse("training:quiz_create"), {
        "title": "太多", "mode": "exam", "organization": org_tree.city.pk, "banks": [bank.pk],
        "question_count": 500, "selection": "random", "points_per_question": 2,
        "opens_at": now.strftime("%Y-%m-%dT%H:%M"), "closes_at": (now + timedelta(days=3)).strftime("%Y-%m-%dT%H:%M"),
        "time_limit_minutes": 10, "max_attempts": 1, "grading": "highest", "leaderboard_publication": "live"})
    assert "少于抽题数量" in response.content.decode()


def test_judge_scores_through_the_entry_page(client, grassroots_staff, xiuwu_staff, city_staff, org_tree):
    campaign = CampaignFactory(organization=org_tree.city)
    criterion = CriterionFactory(campaign=campaign, max_score=10)
    entry = services.entry_register(actor=grassroots_staff, campaign=campaign, organization=org_tree.xiuwu_grassroots,
                                    kind="team", name="焊接班")
    services.judge_assign(actor=city_staff, campaign=campaign, judge=xiuwu_staff)
    services.campaign_transition(actor=city_staff, campaign=campaign, to=Campaign.Status.JUDGING)
    client.force_login(xiuwu_staff)
    response = client.post(reverse("training:entry_detail", args=[entry.pk]),
                           {"action": "score", f"s-c{criterion.pk}": "11"})
    assert response.status_code == 200 and not entry.scores.exists()
    response = client.post(reverse("training:entry_detail", args=[entry.pk]),
                           {"action": "score", f"s-c{criterion.pk}": "8.5", "s-comment": "成效明显"})
    assert response.status_code == 302 and entry.scores.get().value == 8.5


def test_organiser_adds_stage_criterion_judge_and_moves_status(client, city_staff, xiuwu_staff, org_tree):
    campaign = CampaignFactory(organization=org_tree.city, status=Campaign.Status.DRAFT)
    client.force_login(city_staff)
    url = reverse("training:console_campaign", args=[campaign.pk])
    client.post(url, {"action": "stage", "stage-order": 1, "stage-name": "岗位比武", "stage-starts_on": "2026-03-01",
                      "stage-ends_on": "2026-03-31"})
    bad = client.post(url, {"action": "stage", "stage-order": 2, "stage-name": "颠倒", "stage-starts_on": "2026-04-30",
                            "stage-ends_on": "2026-04-01"})
    assert "结束日期不能早于开始日期" in bad.content.decode()
    client.post(url, {"action": "criterion", "criterion-order": 1, "criterion-name": "生产任务",
                      "criterion-max_score": 50})
    client.post(url, {"action": "judge", "judge-username": xiuwu_staff.username})
    client.post(url, {"action": "status", "to": "open"})
    campaign.refresh_from_db()
    assert campaign.stages.count() == 1 and campaign.criteria.count() == 1
    assert list(campaign.judges.all()) == [xiuwu_staff] and campaign.status == "open"


def test_studio_page_lists_its_courses(client, org_tree):
    studio = StudioFactory(organization=org_tree.xiuwu, members="王磊 数控车工\n赵敏 质检")
    CourseFactory(organization=org_tree.city, studio=studio, title="数控车床对刀")
    page = client.get(reverse("training:studio_detail", args=[studio.pk])).content.decode()
    assert "数控车床对刀" in page and "赵敏 质检" in page


def test_me_page_shows_my_courses(client, worker, course, org_tree):
    services.enrollment_create(user=worker, course=course, organization=org_tree.xiuwu_grassroots)
    client.force_login(worker)
    assert course.title in client.get(reverse("core:me")).content.decode()


def test_console_lists_pioneer_todo_for_the_district(client, xiuwu_staff, grassroots_staff, org_tree):
    campaign = CampaignFactory(organization=org_tree.city, kind=Campaign.Kind.PIONEER)
    services.entry_register(actor=grassroots_staff, campaign=campaign, organization=org_tree.xiuwu_grassroots,
                            kind="team", name="装配一班")
    client.force_login(xiuwu_staff)
    assert "待审核工人先锋号申报" in client.get(reverse("core:console")).content.decode()


# --- more uploads, studios ----------------------------------------------------------------------

def test_course_cover_must_be_an_image(client, city_staff, org_tree):
    client.force_login(city_staff)
    response = client.post(reverse("training:course_create"), {
        "title": "劳动法律课", "category": "labour_law", "audience": "全体职工", "organization": org_tree.city.pk,
        "cover": SimpleUploadedFile("cover.png", b"%PDF-1.4 not an image", content_type="image/png")})
    assert "文件类型不符" in response.content.decode()
    from apps.training.models import Course

    assert not Course.objects.filter(title="劳动法律课").exists()


def test_document_lesson_takes_a_pdf(client, city_staff, course):
    client.force_login(city_staff)
    response = client.post(reverse("training:lesson_create", args=[course.pk]), {
        "order": 3, "title": "安全操作规程", "kind": "document", "minutes": 10, "body": "",
        "document": SimpleUploadedFile("rules.pdf", b"%PDF-1.4\n%\xe2\xe3\n1 0 obj\n" + b"0" * 100,
                                       content_type="application/pdf")})
    assert response.status_code == 302
    assert Lesson.objects.get(kind="document").document.name.endswith(".pdf")


def test_finishing_the_video_marks_the_lesson_done(client, worker, course, org_tree):
    services.enrollment_create(user=worker, course=course, organization=org_tree.xiuwu_grassroots)
    lesson = course.lessons.first()
    client.force_login(worker)
    response = client.post(reverse("training:lesson_done", args=[lesson.pk]), {"ajax": "1"})
    assert response.status_code == 204
    assert Enrollment.objects.get(user=worker).progress.filter(lesson=lesson).exists()


def test_staff_register_a_studio_and_bad_input_saves_nothing(client, xiuwu_staff, org_tree):
    from apps.training.models import Studio

    client.force_login(xiuwu_staff)
    url = reverse("training:studio_create")
    response = client.post(url, {"name": "焊接技能大师工作室", "leader_title": "craftsman", "field": "焊接",
                                 "organization": org_tree.xiuwu.pk, "is_published": "on"})
    assert "这个字段是必填项" in response.content.decode() and not Studio.objects.exists()
    response = client.post(url, {"name": "焊接技能大师工作室", "leader_name": "王志刚", "leader_title": "craftsman",
                                 "field": "焊接", "organization": org_tree.xiuwu.pk, "is_published": "on"})
    assert response.status_code == 302 and Studio.objects.get().leader_name == "王志刚"


def test_other_district_cannot_edit_a_studio(client, boai_staff, org_tree):
    studio = StudioFactory(organization=org_tree.xiuwu)
    client.force_login(boai_staff)
    assert client.get(reverse("training:studio_edit", args=[studio.pk])).status_code == 404


def test_assigning_an_unknown_or_worker_judge_explains_why(client, city_staff, worker, org_tree):
    campaign = CampaignFactory(organization=org_tree.city)
    client.force_login(city_staff)
    url = reverse("training:console_campaign", args=[campaign.pk])
    assert "没有这个账号" in client.post(url, {"action": "judge", "judge-username": "nobody"}).content.decode()
    page = client.post(url, {"action": "judge", "judge-username": worker.username}).content.decode()
    assert "评委须为工会工作人员账号" in page
    assert not campaign.judges.exists()


def test_published_pioneer_campaign_names_the_approved_teams(client, grassroots_staff, xiuwu_staff, city_staff,
                                                              org_tree):
    campaign = CampaignFactory(organization=org_tree.city, kind=Campaign.Kind.PIONEER)
    approved = services.entry_register(actor=grassroots_staff, campaign=campaign,
                                       organization=org_tree.xiuwu_grassroots, kind="team", name="装配一班")
    services.entry_register(actor=grassroots_staff, campaign=campaign, organization=org_tree.xiuwu_grassroots,
                            kind="team", name="装配二班")
    services.pioneer_review(actor=xiuwu_staff, entry=approved, decision="county_approve")
    services.pioneer_review(actor=city_staff, entry=approved, decision="city_approve")
    for status in (Campaign.Status.JUDGING, Campaign.Status.PUBLISHED):
        services.campaign_transition(actor=city_staff, campaign=campaign, to=status)
    page = client.get(reverse("training:campaign_detail", args=[campaign.pk])).content.decode()
    assert "命名名单" in page and "装配一班" in page and "装配二班" not in page
