"""What legal aid plugs into core for cases and personal data: /me/, to-dos, the console menu, the person's
copy of their records, account closing (the demo cases: tests/core/test_seed_demo.py)."""
from __future__ import annotations

from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from apps.accounts import services as account_services
from apps.core.models import AuditLog
from apps.core.registry import console_todos
from apps.legal_aid import services
from apps.legal_aid.models import (
    CaseStage,
    Consultation,
    ConsultationMessage,
    LegalAidCase,
    PublishedAnswer,
)
from apps.legal_aid.privacy import ERASED, legal_records_close, my_legal_data
from tests.factories import PASSWORD

from .conftest import apply_case, ask
from .test_views import PNG

pytestmark = pytest.mark.django_db
S = LegalAidCase.Status


def test_worker_follows_the_case_on_me(client, accepted, lawyer, xiuwu_member, other_worker):
    services.case_record_stage(actor=lawyer, case=accepted, stage="mediation", happened_on=timezone.localdate(),
                               body="组织调解。")
    client.force_login(xiuwu_member)
    body = client.get(reverse("core:me")).content.decode()
    assert f"{accepted.case_number} · 工资报酬" in body and "调解阶段" in body
    assert reverse("legal_aid:case_detail", args=[accepted.pk]) in body
    client.force_login(other_worker)
    assert accepted.case_number not in client.get(reverse("core:me")).content.decode()


def test_me_section_runs_fixed_queries(xiuwu_member, wages, django_assert_max_num_queries):
    from apps.legal_aid.providers import my_legal_aid_cases

    for index in range(8):
        apply_case(xiuwu_member, wages, opponent_name=f"第{index}号公司")
    with django_assert_max_num_queries(1):
        section = my_legal_aid_cases(xiuwu_member)
        assert len(section.rows) == 5 and section.rows[0].status == "待受理"


def test_todos_put_the_green_channel_first(xiuwu_member, wages, xiuwu_staff, boai_staff, grassroots_staff,
                                           django_assert_max_num_queries):
    from apps.legal_aid.providers import case_todos

    apply_case(xiuwu_member, wages, opponent_name="甲", is_migrant_worker=True)
    apply_case(xiuwu_member, wages, opponent_name="乙")
    with django_assert_max_num_queries(3):
        items = case_todos(xiuwu_staff)
    assert [(i.label, i.count) for i in items] == [("绿色通道待受理的法律援助申请", 1), ("待受理的法律援助申请", 2)]
    assert "green=1" in items[0].url
    assert [i.count for i in case_todos(boai_staff)] == [0, 0]
    assert case_todos(grassroots_staff) == []
    assert case_todos in list(console_todos)


def test_console_shows_the_menu_entry_and_the_todo(client, application, xiuwu_staff, grassroots_staff):
    client.force_login(xiuwu_staff)
    body = client.get(reverse("core:console")).content.decode()
    assert "法律援助案件" in body and "待受理的法律援助申请" in body
    client.force_login(grassroots_staff)
    assert "法律援助案件" not in client.get(reverse("core:console")).content.decode()


@pytest.fixture
def legal_history(xiuwu_member, wages, lawyer, xiuwu_staff):
    """A consultation with an answer, the worker's reply and a private note; a case accepted with an entry."""
    consultation = ask(xiuwu_member, wages, allow_publish=True,
                       attachment=SimpleUploadedFile("a.png", PNG, content_type="image/png"))
    consultation = services.consultation_claim(lawyer=lawyer, consultation=consultation)
    services.consultation_answer(lawyer=lawyer, consultation=consultation, body="建议申请劳动仲裁。")
    services.consultation_reply(worker=xiuwu_member, consultation=consultation, body="仲裁要交费吗？我叫张伟。")
    services.consultation_note(author=lawyer, consultation=consultation, body="内部备注：当事人情绪激动")
    case = apply_case(xiuwu_member, wages, consultation=consultation,
                      attachment=SimpleUploadedFile("b.png", PNG, content_type="image/png"))
    services.case_accept(actor=xiuwu_staff, case=case, lawyer=lawyer)
    services.case_record_stage(actor=lawyer, case=case, stage="mediation", happened_on=timezone.localdate(),
                               body="调解中。")
    pending = apply_case(xiuwu_member, wages, opponent_name="另一家公司",
                         attachment=SimpleUploadedFile("c.png", PNG, content_type="image/png"))
    return consultation, LegalAidCase.objects.get(pk=case.pk), pending


def test_data_copy_lists_own_records_without_private_notes(legal_history, xiuwu_member, other_worker, wages,
                                                           django_assert_max_num_queries):
    consultation, case, pending = legal_history
    ask(other_worker, wages, facts="别人的法律咨询内容，不应出现。")
    with django_assert_max_num_queries(4):
        sections = {s.title: s for s in my_legal_data(xiuwu_member)}
    assert set(sections) == {"法律咨询", "法律咨询往来", "法律援助申请与案件", "法律援助案件进展"}
    cells = [str(c) for s in sections.values() for row in s.rows for c in row]
    assert "建议申请劳动仲裁。" in cells and "仲裁要交费吗？我叫张伟。" in cells
    assert not any("内部备注" in c for c in cells) and not any("别人的法律咨询" in c for c in cells)
    assert case.case_number in cells and "调解中。" in cells and "13900000001" in cells
    assert len(sections["法律援助申请与案件"].rows) == 2
    assert my_legal_data(other_worker)[0].title == "法律咨询" and len(my_legal_data(other_worker)) == 2


def test_data_copy_download_has_the_legal_sheets(client, legal_history, xiuwu_member):
    client.force_login(xiuwu_member)
    workbook = load_workbook(BytesIO(client.get(reverse("core:my_data_export")).content))
    assert {"法律咨询", "法律咨询往来", "法律援助申请与案件", "法律援助案件进展"} <= set(workbook.sheetnames)


def test_closing_erases_what_can_go_and_keeps_the_case_file(legal_history, xiuwu_member, wages, city_staff,
                                                            django_capture_on_commit_callbacks):
    consultation, case, pending = legal_history
    services.consultation_close(actor=xiuwu_member, consultation=consultation)
    assert PublishedAnswer.objects.filter(consultation=consultation, status="draft").exists()
    published = PublishedAnswer.objects.create(category=wages, question="单位欠薪怎么办", answer="申请仲裁",
                                               status=PublishedAnswer.Status.PUBLISHED)
    storage = LegalAidCase._meta.get_field("attachment").storage
    pending_file, case_file = pending.attachment.name, case.attachment.name
    consultation_file = Consultation.objects.get(pk=consultation.pk).attachment.name
    with django_capture_on_commit_callbacks(execute=True):
        notes = account_services.user_close_account(user=xiuwu_member, password=PASSWORD)
    note = next(n for n in notes if n.app == "法律服务")
    assert any("法律援助法" in kept for kept in note.kept) and any("联系电话" in e for e in note.erased)
    assert any("尚未受理的法律援助申请 1 件已撤回" in e for e in note.erased)

    consultation = Consultation.objects.get(pk=consultation.pk)
    assert consultation.facts == ERASED and not consultation.attachment and not consultation.allow_publish
    assert set(ConsultationMessage.objects.filter(consultation=consultation).values_list("body", flat=True)) == {ERASED}
    assert not PublishedAnswer.objects.filter(consultation=consultation).exists()
    assert PublishedAnswer.objects.filter(pk=published.pk).exists()
    assert not Consultation._meta.get_field("attachment").storage.exists(consultation_file)

    pending = LegalAidCase.objects.get(pk=pending.pk)
    assert pending.status == S.WITHDRAWN and pending.facts == ERASED and not pending.attachment
    assert pending.contact_phone == "" and not storage.exists(pending_file)
    kept = LegalAidCase.objects.get(pk=case.pk)
    assert kept.status == S.ACCEPTED and kept.stage == CaseStage.MEDIATION and kept.contact_phone == ""
    assert kept.facts != ERASED and kept.attachment and storage.exists(case_file)
    assert kept.entries.count() == 2
    assert AuditLog.objects.filter(action="legal_aid.case.withdrawn_on_closure").exists()
    # The case in progress goes on: staff still see and handle it.
    services.case_record_stage(actor=city_staff, case=kept, stage="arbitration", happened_on=timezone.localdate(),
                               body="已申请仲裁。")


def test_closer_says_nothing_for_a_person_without_legal_records(other_worker):
    assert legal_records_close(user=other_worker) is None
    assert my_legal_data(other_worker) == []


def test_closer_runs_fixed_queries(legal_history, xiuwu_member, django_assert_max_num_queries):
    with django_assert_max_num_queries(16):
        legal_records_close(user=xiuwu_member)
