"""Answers saved as the worker goes; results marked against the key as it stood at the hand-in."""
from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from apps.training import excel, services
from apps.training.models import Attempt, Question

from .conftest import right_answers
from .factories import BankFactory, QuestionFactory, QuizFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def attempt(worker, quiz, org_tree):
    return services.attempt_start(user=worker, quiz=quiz, organization=org_tree.xiuwu_grassroots)


def _save(client, attempt, data):
    return client.post(reverse("training:attempt_save", args=[attempt.pk]), data)


def test_each_answer_is_saved_and_a_reload_shows_it_with_the_servers_time(client, worker, attempt):
    client.force_login(worker)
    first, second = attempt.question_ids[:2]
    right = right_answers(attempt)
    response = _save(client, attempt, {f"q{first}": right[first]})
    assert response.status_code == 200 and response.json()["saved"] is True
    assert 0 < response.json()["remaining"] <= 600
    _save(client, attempt, {f"q{second}": right[second]})
    attempt.refresh_from_db()
    assert set(attempt.answers) == {str(first), str(second)} and attempt.status == Attempt.Status.IN_PROGRESS
    Attempt.objects.filter(pk=attempt.pk).update(deadline=timezone.now() + timedelta(minutes=3))
    page = client.get(reverse("training:attempt_take", args=[attempt.pk])).content.decode()
    question = Question.objects.get(pk=first)
    if question.kind == Question.Kind.FILL:
        assert f'value="{right[first][0]}"' in page
    else:
        assert f'id="q{first}-{right[first][0]}" value="{right[first][0]}" checked' in page
    assert 'data-remaining="17' in page or 'data-remaining="18' in page  # about 3 minutes, from the server
    assert 'data-save-url="' in page


def test_a_changed_or_cleared_answer_replaces_the_saved_one(client, worker, attempt):
    client.force_login(worker)
    first = attempt.question_ids[0]
    _save(client, attempt, {f"q{first}": right_answers(attempt)[first]})
    _save(client, attempt, {f"q{first}": ""})
    attempt.refresh_from_db()
    assert attempt.answers[str(first)] in ("", [])


def test_hand_in_grades_the_autosaved_answers(client, worker, attempt, quiz):
    client.force_login(worker)
    _save(client, attempt, {f"q{pk}": values for pk, values in right_answers(attempt).items()})
    client.post(reverse("training:attempt_submit", args=[attempt.pk]), {})
    attempt.refresh_from_db()
    assert attempt.status == Attempt.Status.SUBMITTED and attempt.score == quiz.max_score


def test_someone_elses_attempt_is_404_and_nothing_saved(client, other_worker, attempt):
    client.force_login(other_worker)
    first = attempt.question_ids[0]
    assert _save(client, attempt, {f"q{first}": ["1"]}).status_code == 404
    attempt.refresh_from_db()
    assert attempt.answers == {}


def test_saving_after_the_time_is_refused(client, worker, attempt):
    Attempt.objects.filter(pk=attempt.pk).update(
        deadline=timezone.now() - timedelta(seconds=services.SUBMIT_GRACE_SECONDS + 5))
    client.force_login(worker)
    response = _save(client, attempt, {f"q{attempt.question_ids[0]}": ["1"]})
    assert response.status_code == 409 and "答题时间已到" in response.json()["error"]
    attempt.refresh_from_db()
    assert attempt.answers == {}


def test_saving_a_handed_in_attempt_is_refused(client, worker, attempt):
    services.attempt_submit(user=worker, attempt=attempt, answers={})
    client.force_login(worker)
    assert _save(client, attempt, {f"q{attempt.question_ids[0]}": ["1"]}).status_code == 409


def test_saving_within_the_grace_is_accepted(client, worker, attempt):
    Attempt.objects.filter(pk=attempt.pk).update(deadline=timezone.now() - timedelta(seconds=1))
    client.force_login(worker)
    assert _save(client, attempt, {f"q{attempt.question_ids[0]}": ["1"]}).status_code == 200


@pytest.mark.parametrize("field", ["q²", "q١", "qx", "q1x", "q" + "9" * 40])
def test_hostile_field_names_are_refused_with_400(client, worker, attempt, field):
    client.force_login(worker)
    response = _save(client, attempt, {field: "1"})
    assert response.status_code == 400
    attempt.refresh_from_db()
    assert attempt.answers == {}


def _fill_and_choice(attempt) -> tuple[int, int]:
    kinds = dict(Question.objects.filter(pk__in=attempt.question_ids).values_list("pk", "kind"))
    return (next((pk for pk in attempt.question_ids if kinds[pk] == Question.Kind.FILL), None),
            next(pk for pk in attempt.question_ids if kinds[pk] != Question.Kind.FILL))


@pytest.mark.parametrize("value", ["9" * 5000, "-1", "99", "1" * 20, "abc"])
def test_hostile_choice_values_are_refused_with_400(client, worker, attempt, value):
    client.force_login(worker)
    _fill, choice = _fill_and_choice(attempt)
    response = _save(client, attempt, {f"q{choice}": value})
    assert response.status_code == 400 and response.json()["error"]
    attempt.refresh_from_db()
    assert attempt.answers == {}


@pytest.mark.parametrize("value", ["综合\x00治理", "长" * 100_000])
def test_hostile_fill_in_text_is_refused_with_400(client, worker, org_tree, value):
    bank = BankFactory(organization=org_tree.city)
    QuestionFactory(bank=bank, kind=Question.Kind.FILL, options=[], answer=["综合治理"])
    quiz = QuizFactory(organization=org_tree.city, banks=[bank], question_count=1)
    attempt = services.attempt_start(user=worker, quiz=quiz, organization=org_tree.xiuwu_grassroots)
    client.force_login(worker)
    response = _save(client, attempt, {f"q{attempt.question_ids[0]}": value})
    assert response.status_code == 400
    response = client.post(reverse("training:attempt_submit", args=[attempt.pk]),
                           {f"q{attempt.question_ids[0]}": value})
    assert response.status_code == (400 if "\x00" in value else 302)  # NUL: core's guard answers first
    attempt.refresh_from_db()
    assert attempt.answers == {} and attempt.status == Attempt.Status.IN_PROGRESS


def test_too_many_values_for_one_question_are_refused(client, worker, attempt):
    client.force_login(worker)
    _fill, choice = _fill_and_choice(attempt)
    assert _save(client, attempt, {f"q{choice}": ["0"] * 500}).status_code == 400


def test_practice_mode_is_not_autosaved(client, worker, org_tree, bank, questions):
    practice = QuizFactory(organization=org_tree.city, banks=[bank], mode="practice", max_attempts=0)
    attempt = services.attempt_start(user=worker, quiz=practice, organization=org_tree.xiuwu_grassroots)
    client.force_login(worker)
    assert _save(client, attempt, {f"q{attempt.question_ids[0]}": ["0"]}).status_code == 400
    assert "data-save-url" not in client.get(reverse("training:attempt_take", args=[attempt.pk])).content.decode()


def test_anonymous_save_is_sent_to_sign_in(client, attempt):
    response = _save(client, attempt, {f"q{attempt.question_ids[0]}": ["1"]})
    assert response.status_code == 302 and "login" in response["Location"]


# --- the result page keeps the key of the hand-in ---------------------------------------------------

@pytest.fixture
def single_quiz(org_tree):
    bank = BankFactory(organization=org_tree.city)
    for _ in range(5):
        QuestionFactory(bank=bank)
    return QuizFactory(organization=org_tree.city, banks=[bank], question_count=5, shuffle_options=False)


def test_result_after_staff_correct_a_question_still_agrees_with_the_stored_score(
        client, worker, city_staff, single_quiz, org_tree):
    attempt = services.attempt_start(user=worker, quiz=single_quiz, organization=org_tree.xiuwu_grassroots)
    services.attempt_submit(user=worker, attempt=attempt, answers=right_answers(attempt))
    attempt.refresh_from_db()
    assert attempt.score == single_quiz.max_score
    assert all(mark == {"key": [1], "ok": True} for mark in attempt.marking.values())
    corrected = Question.objects.get(pk=attempt.question_ids[0])
    cells = excel.cells_for(corrected)
    cells["正确答案"] = "A"
    services.question_update(actor=city_staff, question=corrected, cells=cells)
    assert Question.objects.get(pk=corrected.pk).answer == [0]
    client.force_login(worker)
    page = client.get(reverse("training:attempt_result", args=[attempt.pk])).content.decode()
    assert f'data-testid="score">{attempt.score}<' in page
    assert page.count("回答正确") == attempt.correct_count == 5
    assert "回答错误" not in page and "正确答案：<strong>B</strong>" in page
    assert "正确答案：<strong>A</strong>" not in page


def test_a_wrong_answer_is_marked_red_never_green(client, worker, single_quiz, org_tree):
    attempt = services.attempt_start(user=worker, quiz=single_quiz, organization=org_tree.xiuwu_grassroots)
    first = attempt.question_ids[0]
    answers = right_answers(attempt)
    answers[first] = ["2"]  # 短信: wrong
    services.attempt_submit(user=worker, attempt=attempt, answers=answers)
    client.force_login(worker)
    page = client.get(reverse("training:attempt_result", args=[attempt.pk])).content.decode()
    assert page.count("explanation-wrong") == 1 and page.count("explanation-right") == 4
    assert page.count("option-wrong") == 1
    wrong_card = next(card for card in page.split("question-card")[1:] if "explanation-wrong" in card)
    assert "text-bg-success" not in wrong_card and "text-bg-danger" in wrong_card
    assert 'option-right">\n  <input class="form-check-input" type="radio" name="q' in wrong_card
    assert wrong_card.count("option-right") == 1 and wrong_card.count("option-wrong") == 1
