"""A seeker's and a recruiter's own recruitment records: their copy, and what closing erases."""
from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from apps.core.audit import audit_record
from apps.core.registry import ClosureNote, DataSection

from .models import Application, Category, EmployerMembership, Interview, SavedJob, SavedSearch, SeekerProfile
from .selectors import forget_saved

S = Application.Status
OPEN_STATUSES = (S.SUBMITTED, S.VIEWED, S.INTERVIEW, S.OFFERED)


def my_recruitment_data(user) -> list[DataSection]:
    sections = []
    profile = (SeekerProfile.objects.select_related("district")
               .prefetch_related("desired_categories", "desired_districts").filter(user=user).first())
    if profile is not None:
        places = "、".join(d.name.replace("总工会", "") for d in sorted(profile.desired_districts.all(),
                                                                         key=lambda d: d.code))
        sections.append(DataSection(
            title="求职登记",
            columns=["姓名", "联系电话", "居住地", "人员类别", "学历", "工作年限", "技能特长", "工作经历",
                     "期望职业", "期望工作地区", "期望月薪（元）", "简历", "简历 PDF", "同意工会推荐", "登记时间",
                     "更新时间"],
            rows=[[profile.real_name, profile.phone, str(profile.district), profile.get_key_group_display(),
                   profile.get_education_display(), profile.experience_years, profile.skills, profile.experience,
                   "、".join(Category(code).label for code in profile.desired_category_codes), places,
                   profile.desired_salary, profile.resume_text, "已上传" if profile.resume_pdf else "",
                   "是" if profile.allow_recommendation else "否", profile.created_at, profile.updated_at]],
        ))
    applications = Application.objects.filter(seeker=user).select_related("post", "post__enterprise")
    sections.append(DataSection(
        title="求职申请", columns=["岗位", "单位", "状态", "来源", "求职留言", "投递时间", "更新时间"],
        rows=[[a.post.title, a.post.enterprise.name, a.get_status_display(), a.get_source_display(),
               a.cover_letter, a.created_at, a.updated_at] for a in applications],
    ))
    interviews = Interview.objects.filter(application__seeker=user).select_related("application__post")
    sections.append(DataSection(
        title="面试", columns=["岗位", "面试时间", "方式", "链接或地址", "状态", "我的留言"],
        rows=[[i.application.post.title, i.scheduled_at, i.get_mode_display(), i.location, i.get_status_display(),
               i.seeker_note] for i in interviews],
    ))
    saved = SavedJob.objects.filter(user=user).select_related("post")
    sections.append(DataSection(title="收藏的岗位", columns=["岗位", "收藏时间"],
                                rows=[[s.post.title, s.created_at] for s in saved]))
    searches = SavedSearch.objects.filter(user=user)
    sections.append(DataSection(title="保存的搜索", columns=["名称", "条件", "每日推送", "保存时间"],
                                rows=[[s.name, s.params, "是" if s.alert else "否", s.created_at] for s in searches]))
    memberships = EmployerMembership.objects.filter(user=user).select_related("enterprise")
    if memberships:
        sections.append(DataSection(title="企业招聘账号", columns=["企业", "职务", "状态", "申请时间"],
                                    rows=[[m.enterprise.name, m.job_title, m.get_status_display(), m.created_at]
                                          for m in memberships]))
    return sections


def _erase_resume_fields(profile: SeekerProfile) -> str:
    """Clear the résumé text and file of a locked profile; returns the file name to delete after commit."""
    name = profile.resume_pdf.name or ""
    profile.resume_text = ""
    profile.resume_pdf = ""
    return name


def _delete_after_commit(name: str) -> None:
    if name:
        storage = SeekerProfile._meta.get_field("resume_pdf").storage
        transaction.on_commit(lambda: storage.delete(name))


@transaction.atomic
def seeker_records_close(*, user) -> ClosureNote:
    """Account closing: erase the seeker's profile details, saved items and open applications' notes."""
    note = ClosureNote(app="招聘求职")
    profile = SeekerProfile.objects.select_for_update().filter(user=user).first()
    if profile is not None:
        name = _erase_resume_fields(profile)
        profile.real_name = "已注销用户"
        profile.phone = ""
        profile.skills = ""
        profile.experience = ""
        profile.allow_recommendation = False
        profile.save()
        profile.recommendations.all().delete()
        _delete_after_commit(name)
        note.erased.append("求职登记中的姓名、电话、技能、工作经历和简历（文字与文件）")
    withdrawn = 0
    for application in Application.objects.select_for_update().filter(seeker=user, status__in=OPEN_STATUSES):
        from .services import application_transition

        application_transition(actor=user, application=application, to_status=S.WITHDRAWN, note="求职者已注销账号")
        withdrawn += 1
    Application.objects.filter(seeker=user).exclude(cover_letter="").update(cover_letter="")
    if withdrawn:
        note.erased.append(f"进行中的求职申请 {withdrawn} 份已撤回")
    saved, _ = SavedJob.objects.filter(user=user).delete()
    forget_saved([user.pk])
    searches, _ = SavedSearch.objects.filter(user=user).delete()
    if saved or searches:
        note.erased.append("收藏的岗位和保存的搜索")
    memberships, _ = EmployerMembership.objects.filter(user=user).delete()
    if memberships:
        note.erased.append("企业招聘账号的关联（企业发布的岗位仍归企业所有）")
    if Application.objects.filter(seeker=user).exists():
        note.kept.append("已投递的求职申请（岗位、状态、时间）与您的身份脱钩后保留：它们也是用人单位的招聘档案，"
                         "并计入“线上春风行动”的就业统计。")
    return note


@transaction.atomic
def resumes_purge_stale(*, now=None) -> int:
    """Erase résumés (text and file) not updated for the notice's period, with no application open."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.PRIVACY_RETENTION["resume_idle_days"])
    stale = (SeekerProfile.objects.select_for_update(skip_locked=True)
             .filter(updated_at__lt=cutoff)
             .exclude(resume_text="", resume_pdf="")
             .exclude(user__job_applications__status__in=OPEN_STATUSES))
    count = 0
    for profile in stale[:1000]:
        name = _erase_resume_fields(profile)
        # updated_at stays: the purge is not an update by the person.
        SeekerProfile.objects.filter(pk=profile.pk).update(resume_text="", resume_pdf="")
        _delete_after_commit(name)
        audit_record(actor=None, action="recruitment.seeker.resume_purged", target=profile,
                     organization=profile.district)
        count += 1
    return count
