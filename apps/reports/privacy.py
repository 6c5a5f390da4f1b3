"""Reports are the organisation's, not the person's: the copy lists what they submitted or reviewed."""
from __future__ import annotations

from django.db.models import Q

from apps.core.registry import ClosureNote, DataSection

from .models import SubmissionVersion


def my_reports_data(user) -> list[DataSection]:
    versions = (SubmissionVersion.objects.filter(Q(submitted_by=user) | Q(reviewed_by=user))
                .select_related("submission__organization", "submission__round__task").order_by("submitted_at"))
    if not versions:
        return []
    return [DataSection(
        title="经手的落实情况报告",
        columns=["报告", "报送单位", "版本", "报送时间", "我的角色", "审核结果", "审核意见"],
        rows=[[str(v.submission.round), str(v.submission.organization), v.number, v.submitted_at,
               "报送人" if v.submitted_by_id == user.pk else "审核人", v.get_decision_display(), v.comment]
              for v in versions],
    )]


def reports_close(*, user) -> ClosureNote | None:
    if not SubmissionVersion.objects.filter(Q(submitted_by=user) | Q(reviewed_by=user)).exists():
        return None
    return ClosureNote(app="落实情况报告", kept=[
        "以单位名义报送和审核的报告是工会的工作档案，内容不删除；报送人、审核人显示为“已注销用户”。"])
