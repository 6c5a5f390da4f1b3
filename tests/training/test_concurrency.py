"""Two requests at once must not give two running attempts or count a hand-in twice (PostgreSQL)."""
from __future__ import annotations

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from apps.training import services
from apps.training.models import Attempt, QuizResult
from tests.conftest import require_postgres

from .conftest import right_answers

pytestmark = pytest.mark.django_db(transaction=True)


def _race(target, count=2):
    outcomes: list[object] = []
    barrier = threading.Barrier(count)

    def run():
        try:
            barrier.wait()
            outcomes.append(target())
        except ValidationError as error:
            outcomes.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


def test_two_simultaneous_starts_give_one_attempt(worker, quiz, org_tree):
    require_postgres()
    outcomes = _race(lambda: services.attempt_start(user=worker, quiz=quiz, organization=org_tree.xiuwu_grassroots))
    assert sum(isinstance(o, Attempt) for o in outcomes) == 1
    assert sum(isinstance(o, ValidationError) for o in outcomes) == 1
    assert Attempt.objects.filter(user=worker, quiz=quiz).count() == 1


def test_two_simultaneous_hand_ins_count_once(worker, quiz, org_tree):
    require_postgres()
    attempt = services.attempt_start(user=worker, quiz=quiz, organization=org_tree.xiuwu_grassroots)
    answers = right_answers(attempt)
    outcomes = _race(lambda: services.attempt_submit(user=worker, attempt=attempt, answers=answers))
    assert sum(isinstance(o, Attempt) for o in outcomes) == 1
    result = QuizResult.objects.get(quiz=quiz, user=worker)
    assert result.score == quiz.max_score and result.attempts_used == 1
