"""Answer forms take whatever a browser sends: odd field names and values are refused, never a 500."""
from __future__ import annotations

import pytest
from django.urls import reverse

from apps.training import services
from apps.training.models import Attempt

ODD_FIELDS = [
    {"q²": "1"},                      # a superscript digit: isdigit() says yes, int() says no
    {"q١٢": "1"},                     # Arabic-Indic digits: int() reads them as 12
    {"q" + "9" * 40: "1"},            # beyond any primary key
    {"q-1": "1"},
    {"q": "1"},
]


@pytest.mark.parametrize("fields", ODD_FIELDS)
@pytest.mark.parametrize("step", ["training:attempt_answer", "training:attempt_submit"])
def test_odd_question_fields_are_refused_with_a_message(client, worker, quiz, org_tree, fields, step):
    attempt = services.attempt_start(user=worker, quiz=quiz, organization=org_tree.xiuwu_grassroots)
    client.force_login(worker)
    response = client.post(reverse(step, args=[attempt.pk]), fields)
    assert response.status_code == 302
    attempt.refresh_from_db()
    assert attempt.status == Attempt.Status.IN_PROGRESS or step == "training:attempt_submit"


@pytest.mark.parametrize("value", ["长" * 10_000, str(10**30), "²", "-1"])
def test_odd_answers_to_a_real_question_do_not_break_the_page(client, worker, quiz, org_tree, value):
    attempt = services.attempt_start(user=worker, quiz=quiz, organization=org_tree.xiuwu_grassroots)
    client.force_login(worker)
    question_id = attempt.question_ids[0]
    response = client.post(reverse("training:attempt_answer", args=[attempt.pk]), {f"q{question_id}": value},
                           follow=True)
    assert response.status_code == 200
