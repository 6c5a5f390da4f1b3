"""A learner's own training records: their copy, and what closing the account erases."""
from __future__ import annotations

from django.db import transaction

from apps.core.registry import ClosureNote, DataSection

from .models import Attempt, Enrollment, ParticipantProfile, WrongAnswer


def my_training_data(user) -> list[DataSection]:
    profile = ParticipantProfile.objects.select_related("organization").filter(user=user).first()
    sections = []
    if profile is not None:
        sections.append(DataSection(title="所在工会", columns=["所在工会", "更新时间"],
                                    rows=[[str(profile.organization), profile.updated_at]]))
    enrollments = Enrollment.objects.filter(user=user).select_related("course", "organization")
    sections.append(DataSection(
        title="学习记录", columns=["课程", "所在工会", "报名时间", "完成时间", "证书编号"],
        rows=[[e.course.title, str(e.organization), e.enrolled_at, e.completed_at, e.certificate_no or ""]
              for e in enrollments],
    ))
    attempts = Attempt.objects.filter(user=user).select_related("quiz")
    sections.append(DataSection(
        title="答题记录", columns=["答题", "第几次", "状态", "开始时间", "交卷时间", "答对题数", "得分", "满分",
                                 "用时（秒）", "作答"],
        rows=[[a.quiz.title, a.number, a.get_status_display(), a.started_at, a.submitted_at, a.correct_count,
               a.score, a.max_score, a.duration_seconds, a.answers] for a in attempts],
    ))
    wrong = WrongAnswer.objects.filter(user=user).select_related("question")
    sections.append(DataSection(
        title="错题本", columns=["题目", "答错次数", "最近答错", "最近作答", "已掌握"],
        rows=[[str(w.question), w.times_wrong, w.last_wrong_at, w.last_answer, w.mastered_at] for w in wrong],
    ))
    return sections


@transaction.atomic
def learner_records_close(*, user) -> ClosureNote:
    note = ClosureNote(app="学习培训")
    wrong, _ = WrongAnswer.objects.filter(user=user).delete()
    if wrong:
        note.erased.append(f"错题本 {wrong} 道题")
    profiles, _ = ParticipantProfile.objects.filter(user=user).delete()
    if profiles:
        note.erased.append("登记的所在工会")
    if Enrollment.objects.filter(user=user, certificate_no__isnull=False).exists():
        note.kept.append("已发出的结业证书保留，持证单位仍可凭证书编号查验，证书上不再显示您的姓名。")
    if Attempt.objects.filter(user=user).exists():
        note.kept.append("答题成绩保留在竞赛排行榜和各工会的参与统计中，显示为“已注销用户”。")
    return note
