"""Separate consent for sensitive personal information (PIPL arts. 29–30): the record, the field, the pages."""
from __future__ import annotations

import json

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction
from django.urls import reverse

from apps.core.consent import CONSENT_REQUIRED, ConsentPurpose, wording_version
from apps.core.forms import SensitiveConsentMixin
from apps.core.models import SensitiveConsent
from apps.core.services import consent_record, consent_withdraw
from tests.conftest import require_postgres

PURPOSE = ConsentPurpose(key="core.test_purpose", service="测试业务", collected="病历", necessity="核实病情",
                         who="经办人员", keep="办结后三年")


class ExampleForm(SensitiveConsentMixin, forms.Form):
    consent_purpose = PURPOSE
    name = forms.CharField()


class OnBehalfExampleForm(ExampleForm):
    consent_attested = True


def test_the_wording_says_what_why_who_how_long_and_what_refusing_means():
    text = PURPOSE.text
    for part in ("测试业务", "病历", "核实病情", "经办人员", "办结后三年", "不影响您的账号和平台的其他服务",
                 "第二十九条"):
        assert part in text, part


def test_unticked_box_is_refused_next_to_the_box():
    form = ExampleForm({"name": "张伟"})
    assert not form.is_valid()
    assert form.errors["sensitive_consent"] == ["办理此项业务需要您单独同意处理上述敏感个人信息。"]
    assert ExampleForm({"name": "张伟", "sensitive_consent": "on"}).is_valid()


def test_the_box_comes_after_the_forms_own_fields_and_the_wording_before_the_box():
    form = ExampleForm()
    assert list(form.fields)[-1] == "sensitive_consent"
    html = str(form["sensitive_consent"])
    assert "病历" in html and "办结后三年" in html and "不同意会怎样" in html
    assert html.index("不同意会怎样") < html.index('type="checkbox"')
    assert 'aria-describedby="id_sensitive_consent_notice"' in html and 'id="id_sensitive_consent_notice"' in html


def test_on_behalf_form_asks_staff_to_confirm_written_consent():
    form = OnBehalfExampleForm({"name": "张伟"})
    assert not form.is_valid()
    assert "书面同意" in form.errors["sensitive_consent"][0]
    assert "书面同意" in form.fields["sensitive_consent"].label


def test_consent_record_keeps_the_exact_wording_and_its_version(worker):
    consent = consent_record(subject=worker, purpose=PURPOSE, given=True, target=worker)
    consent.refresh_from_db()
    assert consent.kind == SensitiveConsent.Kind.GIVEN and consent.actor == worker
    assert consent.purpose == "core.test_purpose" and consent.wording == PURPOSE.text
    assert consent.wording_version == wording_version(PURPOSE.text) and len(consent.wording_version) == 16
    assert consent.target_id == str(worker.pk)


def test_consent_record_refuses_without_consent(worker):
    with pytest.raises(ValidationError) as error:
        consent_record(subject=worker, purpose=PURPOSE, given=False)
    assert error.value.message_dict == {"sensitive_consent": [CONSENT_REQUIRED]}
    assert not SensitiveConsent.objects.exists()


def test_staff_entry_records_an_attestation_with_the_staff_member_as_actor(worker, grassroots_staff):
    consent = consent_record(subject=worker, actor=grassroots_staff, purpose=PURPOSE, given=True)
    assert consent.kind == SensitiveConsent.Kind.ATTESTED
    assert consent.subject == worker and consent.actor == grassroots_staff
    assert consent.wording.startswith(PURPOSE.text) and "书面同意" in consent.wording


def test_withdrawal_is_a_new_row_once(worker):
    given = consent_record(subject=worker, purpose=PURPOSE, given=True, target=worker)
    withdrawn = consent_withdraw(subject=worker, purpose=PURPOSE, target=worker)
    assert withdrawn.kind == SensitiveConsent.Kind.WITHDRAWN
    assert consent_withdraw(subject=worker, purpose=PURPOSE, target=worker) is None
    given.refresh_from_db()
    assert given.kind == SensitiveConsent.Kind.GIVEN
    assert SensitiveConsent.objects.count() == 2


def test_consent_rows_cannot_be_changed_or_deleted_on_postgres(worker):
    require_postgres()
    consent = consent_record(subject=worker, purpose=PURPOSE, given=True)
    with pytest.raises(DatabaseError), transaction.atomic():
        SensitiveConsent.objects.filter(pk=consent.pk).update(wording="改过的内容")
    with pytest.raises(DatabaseError), transaction.atomic():
        SensitiveConsent.objects.filter(pk=consent.pk).delete()
    consent.refresh_from_db()
    assert consent.wording == PURPOSE.text


def test_the_consent_is_in_the_persons_data_copy_and_on_me(client, worker, other_worker):
    consent_record(subject=worker, purpose=PURPOSE, given=True, target=worker)
    consent_record(subject=other_worker, purpose=PURPOSE, given=True, target=other_worker)
    client.force_login(worker)
    document = json.loads(client.get(reverse("core:my_data_export") + "?format=json").content)
    section = next(part for part in document["内容"] if part["类别"] == "敏感个人信息单独同意")
    assert len(section["记录"]) == 1
    row = section["记录"][0]
    assert row["业务"] == "测试业务" and row["类型"] == "本人单独同意" and row["告知并同意的内容"] == PURPOSE.text
    me = client.get(reverse("core:me")).content.decode()
    assert "敏感个人信息单独同意" in me and "测试业务" in me


def test_no_consent_no_section(client, worker):
    client.force_login(worker)
    document = json.loads(client.get(reverse("core:my_data_export") + "?format=json").content)
    assert "敏感个人信息单独同意" not in {part["类别"] for part in document["内容"]}


def test_privacy_notice_explains_the_separate_consents(client):
    page = client.get(reverse("core:privacy")).content.decode()
    assert 'id="consent"' in page and "不代替" in page
    for service in ("困难职工分类梯度帮扶申请", "返岗交通补贴申请", "孕期、哺乳期特殊时期工作安排申请", "心理咨询预约",
                    "法律援助申请"):
        assert service in page, service
