"""Staff console edits: single questions, lesson deletion and order, removing parts of a campaign."""
from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from apps.core.models import AuditLog
from apps.training import services
from apps.training.models import Campaign, Criterion, Enrollment, Lesson, LessonProgress, Question, Stage

from .factories import BankFactory, CampaignFactory, CourseFactory, CriterionFactory, LessonFactory, QuestionFactory

pytestmark = pytest.mark.django_db


def _question_post(**changes) -> dict:
    data = {"kind": "单选", "stem": "劳动合同应当以什么形式订立？", "option_a": "口头", "option_b": "书面",
            "option_c": "短信", "option_d": "", "option_e": "", "option_f": "", "answer": "B",
            "explanation": "《劳动合同法》第十条。", "difficulty": "中", "tags": "劳动法，合同"}
    data.update(changes)
    return data


# --- single questions ---------------------------------------------------------------------------

@pytest.fixture
def xiuwu_question(org_tree):
    return QuestionFactory(bank=BankFactory(organization=org_tree.xiuwu))


def test_staff_edit_a_question_and_the_change_is_audited(client, xiuwu_staff, xiuwu_question):
    client.force_login(xiuwu_staff)
    url = reverse("training:question_edit", args=[xiuwu_question.pk])
    page = client.get(url)
    assert page.status_code == 200 and "书面" in page.content.decode()
    response = client.post(url, _question_post(kind="多选", answer="AB", difficulty="难"))
    assert response.status_code == 302
    xiuwu_question.refresh_from_db()
    assert xiuwu_question.kind == Question.Kind.MULTIPLE and xiuwu_question.options == ["口头", "书面", "短信"]
    assert xiuwu_question.answer == [0, 1] and xiuwu_question.difficulty == 3
    assert xiuwu_question.tags == ",劳动法,合同,"
    log = AuditLog.objects.get(action="training.question.updated")
    assert log.before["kind"] == "single" and log.after["kind"] == "multiple"


@pytest.mark.parametrize(("changes", "field", "message"), [
    ({"answer": "D"}, "answer", "正确答案 D 不在选项中"),
    ({"answer": "AB"}, "answer", "单选题只能有一个正确答案"),
    ({"kind": "多选", "answer": "A"}, "answer", "多选题至少要有两个正确答案"),
    ({"option_b": "", "answer": "A"}, "option_a", "选择题至少要有两个选项"),
    ({"kind": "判断", "answer": "也许"}, "answer", "判断题的正确答案应为“对”或“错”"),
    ({"stem": ""}, "stem", "这个字段是必填项"),
])
def test_bad_question_is_refused_next_to_the_field_and_nothing_saved(client, xiuwu_staff, xiuwu_question,
                                                                    changes, field, message):
    client.force_login(xiuwu_staff)
    response = client.post(reverse("training:question_edit", args=[xiuwu_question.pk]), _question_post(**changes))
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert field in errors and any(message in text for text in errors[field])
    assert message in response.content.decode()
    xiuwu_question.refresh_from_db()
    assert xiuwu_question.answer == [1] and xiuwu_question.stem.startswith("劳动合同")
    assert not AuditLog.objects.filter(action="training.question.updated").exists()


def test_the_service_refuses_a_bad_question_too(xiuwu_staff, xiuwu_question):
    from django.core.exceptions import ValidationError

    from apps.training.excel import cells_for

    cells = {**cells_for(xiuwu_question), "正确答案": "F"}
    with pytest.raises(ValidationError) as raised:
        services.question_update(actor=xiuwu_staff, question=xiuwu_question, cells=cells)
    assert "answer" in raised.value.message_dict


def test_fill_in_question_keeps_its_acceptable_answers(client, xiuwu_staff, xiuwu_question):
    client.force_login(xiuwu_staff)
    client.post(reverse("training:question_edit", args=[xiuwu_question.pk]),
                _question_post(kind="填空", option_a="", option_b="", option_c="", answer="综合治理｜综合整治"))
    xiuwu_question.refresh_from_db()
    assert xiuwu_question.options == [] and xiuwu_question.answer == ["综合治理", "综合整治"]


def test_unused_question_is_deleted_with_an_audit_record(client, xiuwu_staff, xiuwu_question):
    client.force_login(xiuwu_staff)
    response = client.post(reverse("training:question_delete", args=[xiuwu_question.pk]))
    assert response.status_code == 302
    assert not Question.objects.filter(pk=xiuwu_question.pk).exists()
    assert AuditLog.objects.get(action="training.question.deleted").before["stem"] == xiuwu_question.stem


def test_question_used_by_an_attempt_cannot_be_deleted_but_can_be_retired(client, city_staff, worker, quiz,
                                                                         org_tree):
    attempt = services.attempt_start(user=worker, quiz=quiz, organization=org_tree.xiuwu_grassroots)
    used = Question.objects.get(pk=attempt.question_ids[-1])
    client.force_login(city_staff)
    response = client.post(reverse("training:question_delete", args=[used.pk]), follow=True)
    assert "不能删除" in response.content.decode() and "停用" in response.content.decode()
    assert Question.objects.filter(pk=used.pk).exists()
    assert not AuditLog.objects.filter(action="training.question.deleted").exists()
    page = client.get(reverse("training:question_edit", args=[used.pk])).content.decode()
    assert "停用此题" in page and "删除此题" not in page
    client.post(reverse("training:question_retire", args=[used.pk]), {"retired": "1"})
    used.refresh_from_db()
    assert used.is_retired and AuditLog.objects.filter(action="training.question.retired").exists()
    assert used.pk not in services._question_pool(quiz).values_list("pk", flat=True)


def test_question_fixed_in_a_quiz_counts_as_used(city_staff, quiz, bank):
    quiz.selection = quiz.Selection.FIXED
    quiz.fixed_question_ids = list(bank.questions.values_list("pk", flat=True)[:quiz.question_count])
    quiz.save()
    fixed = Question.objects.get(pk=quiz.fixed_question_ids[0])
    assert services.question_usage(fixed) == 1
    other = bank.questions.exclude(pk__in=quiz.fixed_question_ids).first()
    assert services.question_usage(other) == 0


def test_question_usage_does_not_confuse_ids_that_share_digits(worker, quiz, org_tree):
    attempt = services.attempt_start(user=worker, quiz=quiz, organization=org_tree.xiuwu_grassroots)
    drawn = set(attempt.question_ids)
    for question in Question.objects.all():
        assert services.question_usage(question) == (1 if question.pk in drawn else 0)


def test_question_pages_refuse_outsiders_and_wrong_roles(client, boai_staff, grassroots_staff, xiuwu_question):
    edit = reverse("training:question_edit", args=[xiuwu_question.pk])
    delete = reverse("training:question_delete", args=[xiuwu_question.pk])
    assert client.get(edit).status_code == 302  # anonymous → login
    client.force_login(boai_staff)
    assert client.get(edit).status_code == 404
    assert client.post(delete).status_code == 404
    client.force_login(grassroots_staff)
    assert client.get(edit).status_code == 403
    assert client.post(delete).status_code == 403
    assert Question.objects.filter(pk=xiuwu_question.pk).exists()


# --- lessons --------------------------------------------------------------------------------------

@pytest.fixture
def three_lessons(org_tree):
    course = CourseFactory(organization=org_tree.xiuwu)
    return course, [LessonFactory(course=course, order=n, title=f"第{n}课") for n in (1, 2, 3)]


def test_lessons_move_up_and_down_and_next_lesson_follows(client, xiuwu_staff, worker, three_lessons, org_tree):
    course, (first, second, third) = three_lessons
    client.force_login(xiuwu_staff)
    client.post(reverse("training:lesson_move", args=[course.pk, third.pk]), {"direction": "up"})
    assert list(course.lessons.values_list("title", flat=True)) == ["第1课", "第3课", "第2课"]
    client.post(reverse("training:lesson_move", args=[course.pk, first.pk]), {"direction": "down"})
    assert list(course.lessons.values_list("title", flat=True)) == ["第3课", "第1课", "第2课"]
    assert list(course.lessons.values_list("order", flat=True)) == [1, 2, 3]
    assert AuditLog.objects.filter(action="training.lesson.moved").count() == 2
    services.enrollment_create(user=worker, course=course, organization=org_tree.xiuwu_grassroots)
    client.force_login(worker)
    response = client.post(reverse("training:lesson_done", args=[third.pk]))
    assert response["Location"] == reverse("training:lesson_detail", args=[first.pk])


def test_first_lesson_cannot_move_up(client, xiuwu_staff, three_lessons):
    course, (first, _second, _third) = three_lessons
    client.force_login(xiuwu_staff)
    response = client.post(reverse("training:lesson_move", args=[course.pk, first.pk]), {"direction": "up"},
                           follow=True)
    assert "已经是第一课时" in response.content.decode()
    assert list(course.lessons.values_list("title", flat=True)) == ["第1课", "第2课", "第3课"]


def test_deleting_a_lesson_completes_learners_who_did_all_the_others(client, xiuwu_staff, worker, other_worker,
                                                                      three_lessons, org_tree):
    course, (first, second, third) = three_lessons
    for person in (worker, other_worker):
        services.enrollment_create(user=person, course=course, organization=org_tree.xiuwu_grassroots)
    services.lesson_complete(user=worker, lesson=first)
    services.lesson_complete(user=worker, lesson=third)
    services.lesson_complete(user=other_worker, lesson=second)
    client.force_login(xiuwu_staff)
    confirm = client.get(reverse("training:lesson_delete", args=[course.pk, second.pk]))
    assert "已有 1 名学员学完这一课时" in confirm.content.decode()
    response = client.post(reverse("training:lesson_delete", args=[course.pk, second.pk]), follow=True)
    assert "1 名学员因此学完全部课时" in response.content.decode()
    assert not Lesson.objects.filter(pk=second.pk).exists()
    assert list(course.lessons.values_list("order", flat=True)) == [1, 2]
    done = Enrollment.objects.get(user=worker)
    assert done.completed_at and done.certificate_no
    pending = Enrollment.objects.get(user=other_worker)
    assert pending.completed_at is None and not LessonProgress.objects.filter(enrollment=pending).exists()
    assert AuditLog.objects.get(action="training.lesson.deleted").before["progress"] == 1


def test_lesson_pages_refuse_outsiders_and_wrong_roles(client, boai_staff, grassroots_staff, three_lessons):
    course, (first, _second, _third) = three_lessons
    delete = reverse("training:lesson_delete", args=[course.pk, first.pk])
    move = reverse("training:lesson_move", args=[course.pk, first.pk])
    assert client.post(delete).status_code == 302 and client.post(move).status_code == 302  # to login
    client.force_login(boai_staff)
    assert client.post(delete).status_code == 404
    assert client.post(move, {"direction": "down"}).status_code == 404
    client.force_login(grassroots_staff)
    assert client.post(delete).status_code == 403
    assert Lesson.objects.filter(pk=first.pk).exists()


def test_a_lesson_of_another_course_is_not_found(client, xiuwu_staff, three_lessons, org_tree):
    course, (first, _second, _third) = three_lessons
    other = CourseFactory(organization=org_tree.xiuwu)
    client.force_login(xiuwu_staff)
    assert client.post(reverse("training:lesson_delete", args=[other.pk, first.pk])).status_code == 404


# --- campaign parts -------------------------------------------------------------------------------

@pytest.fixture
def draft_campaign(org_tree):
    campaign = CampaignFactory(organization=org_tree.xiuwu, status=Campaign.Status.DRAFT)
    stage = Stage.objects.create(campaign=campaign, order=1, name="预赛", starts_on="2026-05-01",
                                 ends_on="2026-05-31")
    criterion = CriterionFactory(campaign=campaign)
    return campaign, stage, criterion


def _remove(client, campaign, kind, pk):
    return client.post(reverse("training:console_campaign", args=[campaign.pk]),
                       {"action": "remove", "kind": kind, "id": pk}, follow=True)


def test_organiser_removes_stage_criterion_and_judge_of_a_draft(client, xiuwu_staff, boai_staff, draft_campaign):
    campaign, stage, criterion = draft_campaign
    services.judge_assign(actor=xiuwu_staff, campaign=campaign, judge=boai_staff)
    client.force_login(xiuwu_staff)
    page = client.get(reverse("training:console_campaign", args=[campaign.pk])).content.decode()
    assert "删除阶段“预赛”" in page
    for kind, pk in (("stage", stage.pk), ("criterion", criterion.pk), ("judge", boai_staff.pk)):
        assert "已删除" in _remove(client, campaign, kind, pk).content.decode()
    assert not Stage.objects.filter(pk=stage.pk).exists()
    assert not Criterion.objects.filter(pk=criterion.pk).exists()
    assert not campaign.judges.exists()
    actions = set(AuditLog.objects.filter(action__endswith="_removed").values_list("action", flat=True))
    assert actions == {"training.campaign.stage_removed", "training.campaign.criterion_removed",
                       "training.campaign.judge_removed"}


@pytest.fixture
def scored_campaign(org_tree, xiuwu_staff, boai_staff, grassroots_staff, draft_campaign):
    campaign, stage, criterion = draft_campaign
    services.judge_assign(actor=xiuwu_staff, campaign=campaign, judge=boai_staff)
    services.campaign_transition(actor=xiuwu_staff, campaign=campaign, to=Campaign.Status.OPEN)
    entry = services.entry_register(actor=grassroots_staff, campaign=campaign,
                                    organization=org_tree.xiuwu_grassroots, kind="team", name="机修班")
    services.achievement_submit(actor=grassroots_staff, entry=entry, text="节能改造", stage=stage)
    services.campaign_transition(actor=xiuwu_staff, campaign=campaign, to=Campaign.Status.JUDGING)
    services.scores_record(judge=boai_staff, entry=entry, values={criterion.pk: Decimal(40)})
    return campaign, stage, criterion


@pytest.mark.parametrize(("kind", "message"), [
    ("stage", "评审开始后不能再删除阶段"),
    ("criterion", "已按“评分项"),
    ("judge", "已经打分，不能移除"),
])
def test_parts_with_scores_are_refused_clearly(client, xiuwu_staff, boai_staff, scored_campaign, kind, message):
    campaign, stage, criterion = scored_campaign
    pk = {"stage": stage.pk, "criterion": criterion.pk, "judge": boai_staff.pk}[kind]
    client.force_login(xiuwu_staff)
    response = _remove(client, campaign, kind, pk)
    assert message in response.content.decode()
    assert Stage.objects.filter(pk=stage.pk).exists() and Criterion.objects.filter(pk=criterion.pk).exists()
    assert campaign.judges.filter(pk=boai_staff.pk).exists()
    assert not AuditLog.objects.filter(action__endswith="_removed").exists()


def test_stage_holding_achievements_cannot_be_removed_while_open(xiuwu_staff, grassroots_staff, org_tree,
                                                                  draft_campaign):
    from django.core.exceptions import ValidationError

    campaign, stage, _criterion = draft_campaign
    services.campaign_transition(actor=xiuwu_staff, campaign=campaign, to=Campaign.Status.OPEN)
    entry = services.entry_register(actor=grassroots_staff, campaign=campaign,
                                    organization=org_tree.xiuwu_grassroots, kind="team", name="电工班")
    services.achievement_submit(actor=grassroots_staff, entry=entry, text="安全月", stage=stage)
    with pytest.raises(ValidationError, match="已有参赛成果"):
        services.campaign_remove_part(actor=xiuwu_staff, campaign=campaign, kind="stage", part_id=stage.pk)


def test_removing_parts_is_refused_to_outsiders_and_non_organisers(client, xiuwu_staff, boai_staff,
                                                                   grassroots_staff, draft_campaign):
    campaign, stage, _criterion = draft_campaign
    url = reverse("training:console_campaign", args=[campaign.pk])
    post = {"action": "remove", "kind": "stage", "id": stage.pk}
    assert client.post(url, post).status_code == 302  # anonymous → login
    client.force_login(boai_staff)
    assert client.post(url, post).status_code == 404  # a draft is the organiser's business only
    # Once open, other unions' staff see the campaign (to register entries) but do not organise it.
    services.campaign_transition(actor=xiuwu_staff, campaign=campaign, to=Campaign.Status.OPEN)
    for outsider in (boai_staff, grassroots_staff):
        client.force_login(outsider)
        assert client.post(url, post).status_code == 403
    assert Stage.objects.filter(pk=stage.pk).exists()


def test_a_stage_of_another_campaign_is_not_removed(client, xiuwu_staff, draft_campaign, org_tree):
    campaign, _stage, _criterion = draft_campaign
    other = CampaignFactory(organization=org_tree.xiuwu, status=Campaign.Status.DRAFT)
    foreign = Stage.objects.create(campaign=other, order=1, name="决赛", starts_on="2026-06-01",
                                   ends_on="2026-06-30")
    client.force_login(xiuwu_staff)
    assert "不存在" in _remove(client, campaign, "stage", foreign.pk).content.decode()
    assert Stage.objects.filter(pk=foreign.pk).exists()


def test_criteria_are_locked_on_the_page_once_judging_starts(client, xiuwu_staff, scored_campaign):
    campaign, _stage, _criterion = scored_campaign
    client.force_login(xiuwu_staff)
    page = client.get(reverse("training:console_campaign", args=[campaign.pk])).content.decode()
    assert "评分标准已锁定" in page and "添加评分项" not in page and "删除评分项" not in page


def test_a_published_campaign_takes_no_new_stage(client, xiuwu_staff, scored_campaign):
    campaign, _stage, _criterion = scored_campaign
    services.campaign_transition(actor=xiuwu_staff, campaign=campaign, to=Campaign.Status.PUBLISHED)
    client.force_login(xiuwu_staff)
    response = client.post(reverse("training:console_campaign", args=[campaign.pk]), {
        "action": "stage", "stage-order": 2, "stage-name": "复赛", "stage-starts_on": "2026-06-01",
        "stage-ends_on": "2026-06-30"})
    assert "结果已公布" in response.content.decode()
    assert campaign.stages.count() == 1


def test_a_used_question_keeps_its_shape_but_its_wording_can_change(client, city_staff, worker, quiz, org_tree):
    attempt = services.attempt_start(user=worker, quiz=quiz, organization=org_tree.xiuwu_grassroots)
    used = next(q for q in Question.objects.filter(pk__in=attempt.question_ids) if q.kind == Question.Kind.SINGLE)
    url = reverse("training:question_edit", args=[used.pk])
    client.force_login(city_staff)
    response = client.post(url, _question_post(option_c="", answer="B"))  # four options down to two
    assert response.status_code == 400
    assert "不能更改题型或选项个数" in " ".join(response.context["form"].errors["option_a"])
    used.refresh_from_db()
    assert len(used.options) == 4
    response = client.post(url, _question_post(option_d="电子邮件", stem="劳动合同应当以何种形式订立？"))
    assert response.status_code == 302
    used.refresh_from_db()
    assert used.stem == "劳动合同应当以何种形式订立？" and len(used.options) == 4
    client.force_login(worker)
    assert client.get(reverse("training:attempt_take", args=[attempt.pk])).status_code == 200


def test_a_lesson_saved_at_a_taken_place_goes_there_and_the_others_close_up(xiuwu_staff, three_lessons):
    course, _lessons = three_lessons
    services.lesson_save(actor=xiuwu_staff, course=course,
                         data={"order": 1, "title": "导学", "kind": Lesson.Kind.ARTICLE, "minutes": 5,
                               "body": "<p>本课程共四课时。</p>"})
    assert list(course.lessons.values_list("title", "order")) == [("导学", 1), ("第1课", 2), ("第2课", 3),
                                                                   ("第3课", 4)]
