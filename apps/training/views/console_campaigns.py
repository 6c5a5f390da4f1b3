"""Views: console_campaigns."""
from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count
from django.shortcuts import redirect, render
from django.urls import reverse

from apps.core.permissions import staff_required
from apps.core.scoping import can_act_for, is_staff_member

from .. import selectors, services
from ..forms import (
    AchievementForm,
    CampaignForm,
    CriterionForm,
    EntryForm,
    JudgeForm,
    ReviewForm,
    ScoreForm,
    StageForm,
    StudioForm,
)
from ..models import Campaign, Entry
from .common import _error_text, _int


@staff_required
def console_campaigns(request):
    page = Paginator(selectors.campaigns_for_staff(request.user), 30).get_page(request.GET.get("page"))
    return render(request, "training/console/campaigns.html", {
        "page_obj": page, "pioneer_count": selectors.pioneer_queue(request.user).count()})


@staff_required(perm="training.manage_campaigns")
def campaign_create(request):
    form = CampaignForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            campaign = services.campaign_create(actor=request.user, data=form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "活动已创建，请添加阶段、评分标准并指派评委。")
            return redirect("training:console_campaign", pk=campaign.pk)
    return render(request, "training/console/form.html", {"form": form, "title": "新建竞赛活动",
                                                          "back": reverse("training:console_campaigns")})


@staff_required
def console_campaign(request, pk: int):
    campaign = selectors.get_campaign_for_staff(request.user, pk)
    organiser = can_act_for(request.user, campaign.organization) and request.user.has_perm(
        "training.manage_campaigns")
    stage_form = StageForm(prefix="stage", initial={"order": campaign.stages.count() + 1})
    criterion_form = CriterionForm(prefix="criterion", initial={"order": campaign.criteria.count() + 1})
    judge_form = JudgeForm(prefix="judge")
    if request.method == "POST":
        if not organiser:
            raise PermissionDenied
        stage_form, criterion_form, judge_form = _campaign_post(request, campaign)
        if not any(f.errors for f in (stage_form, criterion_form, judge_form)):
            return redirect("training:console_campaign", pk=campaign.pk)
    entries = selectors.entries_for_staff(request.user, campaign).annotate(
        judged=Count("scores__judge", distinct=True))
    return render(request, "training/console/campaign.html", {
        "campaign": campaign, "organiser": organiser, "entries": entries, "stages": campaign.stages.all(),
        "criteria": campaign.criteria.all(), "judges": campaign.judges.all(),
        "is_judge": campaign.judges.filter(pk=request.user.pk).exists(),
        "removable": campaign.status in (Campaign.Status.DRAFT, Campaign.Status.OPEN),
        "can_register": request.user.has_perm("training.register_entries") and campaign.status == Campaign.Status.OPEN,
        "stage_form": stage_form, "criterion_form": criterion_form, "judge_form": judge_form,
        "next_status": [(s, Campaign.Status(s).label) for s in services.CAMPAIGN_TRANSITIONS[campaign.status]],
    })


def _campaign_post(request, campaign: Campaign):
    action = request.POST.get("action")
    stage_form = StageForm(request.POST if action == "stage" else None, prefix="stage")
    criterion_form = CriterionForm(request.POST if action == "criterion" else None, prefix="criterion")
    judge_form = JudgeForm(request.POST if action == "judge" else None, prefix="judge")
    parts = {"stage": stage_form, "criterion": criterion_form}
    if action in parts and parts[action].is_valid():
        form = parts[action]
        try:
            services.campaign_add_part(actor=request.user, campaign=campaign, part=form.save(commit=False))
        except ValidationError as error:
            form.add_error(None, error)
    elif action == "judge" and judge_form.is_valid():
        judge = get_user_model().objects.filter(username=judge_form.cleaned_data["username"]).first()
        try:
            if judge is None:
                raise ValidationError("没有这个账号。")
            services.judge_assign(actor=request.user, campaign=campaign, judge=judge)
        except ValidationError as error:
            judge_form.add_error("username", error.messages)
    elif action == "remove":
        try:
            services.campaign_remove_part(actor=request.user, campaign=campaign, kind=request.POST.get("kind", ""),
                                          part_id=_int(request.POST.get("id")))
            messages.success(request, "已删除。")
        except ValidationError as error:
            messages.error(request, _error_text(error))
    elif action == "status":
        try:
            services.campaign_transition(actor=request.user, campaign=campaign, to=request.POST.get("to", ""))
            messages.success(request, "活动状态已更新。")
        except ValidationError as error:
            messages.error(request, _error_text(error))
    return stage_form, criterion_form, judge_form


@staff_required(perm="training.register_entries")
def entry_create(request, pk: int):
    campaign = selectors.get_campaign_for_staff(request.user, pk)
    form = EntryForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            entry = services.entry_register(actor=request.user, campaign=campaign, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "报名成功。")
            return redirect("training:entry_detail", pk=entry.pk)
    return render(request, "training/console/form.html", {"form": form, "title": f"报名参加：{campaign.title}",
                                                          "back": reverse("training:console_campaign",
                                                                          args=[campaign.pk])})


REVIEW_DECISIONS = ("county_approve", "county_return", "city_approve", "city_reject", "resubmit")


@staff_required
def entry_detail(request, pk: int):
    entry = selectors.get_entry_for_staff(request.user, pk)
    forms = {}
    if request.method == "POST":
        action = request.POST.get("action")
        handler = {"achievement": _post_achievement, "score": _post_score}.get(action)
        if action in REVIEW_DECISIONS:
            handler = _post_review
        if handler is None:
            raise PermissionDenied
        outcome = handler(request, entry, action)
        if not isinstance(outcome, dict):
            return outcome
        forms = outcome
    return _entry_page(request, entry, **forms)


def _entry_roles(request, entry: Entry) -> tuple[bool, bool]:
    campaign = entry.campaign
    is_judge = campaign.status == Campaign.Status.JUDGING and campaign.judges.filter(pk=request.user.pk).exists()
    can_submit = campaign.status in (Campaign.Status.OPEN, Campaign.Status.JUDGING) and can_act_for(
        request.user, entry.organization)
    return is_judge, can_submit


def _entry_page(request, entry: Entry, achievement_form=None, score_form=None):
    campaign = entry.campaign
    is_judge, can_submit = _entry_roles(request, entry)
    if score_form is None:
        mine = {s.criterion_id: s for s in entry.scores.filter(judge=request.user)}
        initial = {f"c{k}": v.value for k, v in mine.items()}
        if mine:
            initial["comment"] = next(iter(mine.values())).comment
        score_form = ScoreForm(criteria=campaign.criteria.all(), initial=initial, prefix="s")
    return render(request, "training/console/entry.html", {
        "entry": entry, "campaign": campaign, "achievements": entry.achievements.select_related("stage"),
        "is_judge": is_judge, "can_submit": can_submit, "review_form": ReviewForm(),
        "achievement_form": achievement_form or AchievementForm(campaign=campaign, prefix="a"),
        "score_form": score_form, "review_actions": _review_actions(request.user, entry),
    })


def _post_achievement(request, entry: Entry, action: str):
    if not _entry_roles(request, entry)[1]:
        raise PermissionDenied
    form = AchievementForm(request.POST, request.FILES, campaign=entry.campaign, prefix="a")
    if form.is_valid():
        try:
            services.achievement_submit(actor=request.user, entry=entry, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "成果已提交。")
            return redirect("training:entry_detail", pk=entry.pk)
    return {"achievement_form": form}


def _post_score(request, entry: Entry, action: str):
    if not _entry_roles(request, entry)[0]:
        raise PermissionDenied
    form = ScoreForm(request.POST, criteria=entry.campaign.criteria.all(), prefix="s")
    if form.is_valid():
        try:
            services.scores_record(judge=request.user, entry=entry, values=form.values(),
                                   comment=form.cleaned_data["comment"])
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "评分已保存。")
            return redirect("training:console_campaign", pk=entry.campaign_id)
    return {"score_form": form}


def _post_review(request, entry: Entry, action: str):
    review = ReviewForm(request.POST)
    review.is_valid()
    try:
        services.pioneer_review(actor=request.user, entry=entry, decision=action,
                                note=review.cleaned_data.get("note", ""))
    except ValidationError as error:
        messages.error(request, _error_text(error))
    else:
        messages.success(request, "审核意见已提交。")
    return redirect("training:entry_detail", pk=entry.pk)


def _review_actions(user, entry: Entry) -> list[tuple[str, str]]:
    labels = {"county_approve": "县级审核通过", "county_return": "退回修改", "city_approve": "市总审核通过",
              "city_reject": "不予通过", "resubmit": "重新提交"}
    actions = []
    for (status, decision), (_target, level) in services.PIONEER_TRANSITIONS.items():
        if status == entry.review_status and services.pioneer_step_allowed(user, entry, level):
            actions.append((decision, labels[decision]))
    return actions


@staff_required(perm="training.review_pioneer")
def pioneer_queue(request):
    page = Paginator(selectors.pioneer_queue(request.user), 30).get_page(request.GET.get("page"))
    return render(request, "training/console/pioneer_queue.html", {"page_obj": page})


@staff_required(perm="training.manage_quizzes")
def quiz_results(request, pk: int):
    quiz = selectors.get_quiz_for_staff(request.user, pk)
    page = Paginator(selectors.person_leaderboard(quiz), 50).get_page(request.GET.get("page"))
    return render(request, "training/leaderboard.html", {
        "quiz": quiz, "visible": True, "page_obj": page, "org_rows": selectors.organization_leaderboard(quiz),
        "mine": None, "my_rank": None, "offset": page.start_index() - 1, "staff_view": True,
        "is_staff": is_staff_member(request.user)})


@staff_required(perm="training.manage_courses")
def console_studios(request):
    page = Paginator(selectors.studios_for_staff(request.user), 30).get_page(request.GET.get("page"))
    return render(request, "training/console/studios.html", {"page_obj": page})


@staff_required(perm="training.manage_courses")
def studio_edit(request, pk: int | None = None):
    studio = selectors.get_studio_for_staff(request.user, pk) if pk else None
    form = StudioForm(request.POST or None, instance=studio, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.studio_save(actor=request.user, data=form.cleaned_data, studio=studio)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "工作室信息已保存。")
            return redirect("training:console_studios")
    return render(request, "training/console/form.html", {
        "form": form, "title": "编辑创新工作室" if studio else "登记创新工作室",
        "back": reverse("training:console_studios")})
