"""Separate consent (PIPL art. 29) on the arrangement, the on-behalf entry and the counselling booking."""
from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from apps.core.models import SensitiveConsent
from apps.women_workers import services
from apps.women_workers.consents import ARRANGEMENT, COUNSELLING
from apps.women_workers.models import Arrangement, Booking

from .conftest import arrangement_data

pytestmark = pytest.mark.django_db
MESSAGE = "办理此项业务需要您单独同意处理上述敏感个人信息。"


def _form(**overrides):
    data = arrangement_data(**overrides)
    return {k: ("" if v is None else (v.isoformat() if hasattr(v, "isoformat") else v)) for k, v in data.items()
            if k != "sensitive_consent"}


def _message_is_in_the_checkbox_block(response, message):
    html = response.content.decode()
    block = html[html.index('id="div_id_sensitive_consent"'):]
    return message in block


def test_unticked_arrangement_saves_nothing_and_says_why_next_to_the_box(client, member):
    client.force_login(member)
    response = client.post(reverse("women_workers:arrangement_new"), _form())
    assert response.status_code == 400
    assert response.context["form"].errors["sensitive_consent"] == [MESSAGE]
    assert _message_is_in_the_checkbox_block(response, MESSAGE)
    assert not Arrangement.objects.exists() and not SensitiveConsent.objects.exists()


def test_ticked_arrangement_records_exactly_one_consent(client, member):
    client.force_login(member)
    response = client.post(reverse("women_workers:arrangement_new"), {**_form(), "sensitive_consent": "on"})
    assert response.status_code == 302
    arrangement = Arrangement.objects.get()
    consent = SensitiveConsent.objects.get()
    assert consent.kind == "given" and consent.subject == member and consent.actor == member
    assert consent.purpose == "women_workers.arrangement" and consent.wording == ARRANGEMENT.text
    assert consent.target_type == "women_workers.arrangement" and consent.target_id == str(arrangement.pk)


def test_on_behalf_entry_needs_and_records_the_staff_attestation(client, member, grassroots_staff):
    client.force_login(grassroots_staff)
    url = reverse("women_workers:arrangement_on_behalf")
    response = client.post(url, {**_form(), "worker_phone": member.phone})
    assert response.status_code == 400
    assert "书面同意" in response.context["form"].errors["sensitive_consent"][0]
    assert not Arrangement.objects.exists() and not SensitiveConsent.objects.exists()
    response = client.post(url, {**_form(), "worker_phone": member.phone, "sensitive_consent": "on"})
    assert response.status_code == 302
    consent = SensitiveConsent.objects.get()
    assert consent.kind == "attested" and consent.subject == member and consent.actor == grassroots_staff
    assert consent.wording == ARRANGEMENT.attestation_text


def test_the_service_refuses_an_arrangement_without_consent(member):
    with pytest.raises(ValidationError) as error:
        services.arrangement_request(actor=member, data=arrangement_data(sensitive_consent=False))
    assert error.value.message_dict["sensitive_consent"] == [MESSAGE]
    assert not Arrangement.objects.exists()


def test_withdrawing_an_open_arrangement_withdraws_its_consent(client, member):
    arrangement = services.arrangement_request(actor=member, data=arrangement_data())
    client.force_login(member)
    client.post(reverse("women_workers:arrangement_withdraw", args=[arrangement.pk]))
    kinds = list(SensitiveConsent.objects.filter(target_id=str(arrangement.pk)).order_by("id")
                 .values_list("kind", flat=True))
    assert kinds == ["given", "withdrawn"]


def test_unticked_booking_saves_nothing(client, worker, slot):
    client.force_login(worker)
    response = client.post(reverse("women_workers:book", args=[slot.pk]), {"mode": "video"})
    assert response.status_code == 400
    assert _message_is_in_the_checkbox_block(response, MESSAGE)
    assert not Booking.objects.exists() and not SensitiveConsent.objects.exists()


def test_booking_records_its_consent_and_cancelling_withdraws_it(client, worker, slot, counsellor):
    client.force_login(worker)
    page = client.get(reverse("women_workers:book", args=[slot.pk])).content.decode()
    assert "咨询师的咨询记录保密" in page
    client.post(reverse("women_workers:book", args=[slot.pk]), {"mode": "video", "sensitive_consent": "on"})
    booking = Booking.objects.get()
    consent = SensitiveConsent.objects.get()
    assert consent.purpose == "women_workers.counselling_booking" and consent.wording == COUNSELLING.text
    assert consent.target_id == str(booking.pk)
    client.post(reverse("women_workers:booking_cancel", args=[booking.pk]))
    assert SensitiveConsent.objects.filter(kind="withdrawn", target_id=str(booking.pk)).count() == 1


def test_a_counsellor_cancelling_is_not_her_withdrawal(worker, slot, counsellor):
    booking = services.booking_create(actor=worker, slot=slot, mode="video", sensitive_consent=True)
    services.booking_cancel(actor=counsellor, booking=booking)
    assert not SensitiveConsent.objects.filter(kind="withdrawn").exists()
