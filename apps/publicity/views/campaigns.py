"""Selections: public campaign and voting pages, the staff console for nominations and review."""
from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from apps.core.forms import add_service_errors, flash_service_errors
from apps.core.net import client_ip
from apps.core.pagecache import public_page
from apps.core.params import parse_int
from apps.core.permissions import staff_required
from apps.core.scoping import can_act_for

from .. import selectors, services
from ..forms import AnswerForm, CampaignForm, NominationForm, NominationReviewForm, ObjectionForm, QuotaForm
from ..models import Campaign, Nomination

__all__ = ["campaign_list_public", "campaign_public", "vote", "objection_new", "console_campaigns",
           "campaign_create", "campaign_manage", "campaign_quotas", "campaign_advance", "campaign_next_round",
           "nomination_review", "objection_answer", "recommendation_convert"]


@login_not_required
@public_page("campaigns")
def campaign_list_public(request):
    """Anyone: the selections."""
    page = Paginator(selectors.public_campaigns(), 10).get_page(request.GET.get("page"))
    return render(request, "publicity/campaign_list_public.html", {"page_obj": page})


@login_not_required
@public_page("campaigns")
def campaign_public(request, pk: int):
    """Anyone: a selection's criteria and nominees; signed-in people vote and object here."""
    campaign = selectors.get_public_campaign(pk)
    page = Paginator(selectors.public_nominees(campaign), 20).get_page(request.GET.get("page"))
    return render(request, "publicity/campaign_public.html", {"campaign": campaign, "page_obj": page})


@require_POST
def vote(request, pk: int):
    """Signed-in people: one vote per nominee per day."""
    nomination = selectors.get_public_nominee(pk)
    try:
        services.vote_cast(voter=request.user, nomination=nomination, address=client_ip(request))
    except ValidationError as error:
        flash_service_errors(request, error)
    else:
        messages.success(request, f"已为“{nomination.nominee_name}”投票，感谢参与！")
    return redirect("publicity:campaign_public", pk=nomination.campaign_id)


def objection_new(request, pk: int):
    """Signed-in people: object to a nominee during 公示."""
    nomination = selectors.get_public_nominee(pk)
    form = ObjectionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.objection_raise(actor=request.user, nomination=nomination, text=form.cleaned_data["text"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "异议已提交，主办单位将答复。")
            return redirect("publicity:campaign_public", pk=nomination.campaign_id)
    return render(request, "publicity/objection_form.html", {"form": form, "nomination": nomination})


@staff_required
def console_campaigns(request):
    """Staff who nominate or run selections."""
    if not (request.user.has_perm("publicity.nominate") or request.user.has_perm("publicity.run_campaign")):
        raise PermissionDenied
    page = Paginator(selectors.campaigns_for_user(request.user), 20).get_page(request.GET.get("page"))
    return render(request, "publicity/console_campaigns.html", {"page_obj": page})


@staff_required(perm="publicity.run_campaign")
def campaign_create(request):
    """Organisers: open a selection."""
    form = CampaignForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            campaign = services.campaign_create(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "评选活动已发布。")
            return redirect("publicity:campaign_manage", pk=campaign.pk)
    return render(request, "publicity/campaign_form.html", {"form": form})


@staff_required
def campaign_manage(request, pk: int):
    """Nominators: nominate within quota; organisers: review, objections, phases."""
    campaign = selectors.get_campaign_for_user(request.user, pk)
    runner = request.user.has_perm("publicity.run_campaign") and can_act_for(request.user, campaign.organization)
    form = NominationForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.nomination_submit(actor=request.user, campaign=campaign, **form.cleaned_data)
        except (ValidationError, PermissionDenied) as error:
            add_service_errors(form, error if isinstance(error, ValidationError) else ValidationError(str(error)))
        else:
            messages.success(request, "推荐已提交。")
            return redirect("publicity:campaign_manage", pk=campaign.pk)
    nominations = list(selectors.nominations_for_user(request.user, campaign).prefetch_related("objections"))
    return render(request, "publicity/campaign_manage.html", {
        "campaign": campaign, "form": form, "nominations": nominations, "runner": runner,
        "can_nominate": request.user.has_perm("publicity.nominate") and campaign.status == "nominating",
        "recommendations": selectors.recommendation_fields(selectors.honour_recommendations_for(request.user))
        if campaign.status == "nominating" else [],
        "next_phases": [(s, Campaign.Status(s).label) for s in services.CAMPAIGN_TRANSITIONS[campaign.status]
                        if s != Campaign.Status.VOTING or campaign.voting_enabled] if runner else [],
        "review_form": NominationReviewForm(), "answer_form": AnswerForm(),
        "quota_rows": selectors.quota_usage(request.user, campaign)})


@staff_required(perm="publicity.run_campaign")
def campaign_quotas(request, pk: int):
    """Organisers: the default quota and single counties' own, while nominations are open."""
    campaign = selectors.get_campaign_for_user(request.user, pk)
    if not can_act_for(request.user, campaign.organization):
        raise PermissionDenied
    if campaign.status != Campaign.Status.NOMINATING:
        messages.info(request, "推荐已结束，不能再调整名额。")
        return redirect("publicity:campaign_manage", pk=campaign.pk)
    rows = selectors.quota_usage(request.user, campaign)
    form = QuotaForm(request.POST or None, rows=rows, initial={"default_quota": campaign.default_quota})
    if request.method == "POST" and form.is_valid():
        try:
            services.campaign_quotas_set(actor=request.user, campaign=campaign,
                                         default_quota=form.cleaned_data["default_quota"], quotas=form.quotas())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "推荐名额已保存。")
            return redirect("publicity:campaign_manage", pk=campaign.pk)
    return render(request, "publicity/campaign_quotas.html", {"campaign": campaign, "form": form, "rows": rows},
                  status=400 if form.errors else 200)


@staff_required(perm="publicity.run_campaign")
@require_POST
def campaign_advance(request, pk: int):
    campaign = selectors.get_campaign_for_user(request.user, pk)
    try:
        services.campaign_advance(actor=request.user, campaign=campaign, to=request.POST.get("to", ""))
    except (ValidationError, PermissionDenied) as error:
        flash_service_errors(request, error)
    except KeyError:
        messages.error(request, "无效的操作。")
    else:
        messages.success(request, "评选阶段已更新。")
    return redirect("publicity:campaign_manage", pk=campaign.pk)


@staff_required(perm="publicity.run_campaign")
@require_POST
def campaign_next_round(request, pk: int):
    campaign = selectors.get_campaign_for_user(request.user, pk)
    try:
        services.campaign_next_round(actor=request.user, campaign=campaign)
    except (ValidationError, PermissionDenied) as error:
        flash_service_errors(request, error)
    else:
        messages.success(request, "已进入下一轮评审。")
    return redirect("publicity:campaign_manage", pk=campaign.pk)


@staff_required(perm="publicity.run_campaign")
@require_POST
def nomination_review(request, pk: int):
    nomination = selectors.get_nomination_for_user(request.user, pk)
    form = NominationReviewForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请选择评审结果。")
    else:
        try:
            services.nomination_review(actor=request.user, nomination=nomination, **form.cleaned_data)
        except (ValidationError, PermissionDenied) as error:
            flash_service_errors(request, error)
        else:
            messages.success(request, "评审意见已记录。")
    return redirect("publicity:campaign_manage", pk=nomination.campaign_id)


@staff_required(perm="publicity.run_campaign")
@require_POST
def objection_answer(request, pk: int):
    objection = selectors.get_objection_for_user(request.user, pk)
    form = AnswerForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请填写答复内容。")
    else:
        try:
            services.objection_answer(actor=request.user, objection=objection, answer=form.cleaned_data["answer"])
        except (ValidationError, PermissionDenied) as error:
            flash_service_errors(request, error)
        else:
            messages.success(request, "异议已答复。")
    return redirect("publicity:campaign_manage", pk=objection.nomination.campaign_id)


@staff_required(perm="publicity.nominate")
@require_POST
def recommendation_convert(request, pk: int):
    """Turn one of the women workers' recommendations into a nomination."""
    campaign = selectors.get_campaign_for_user(request.user, pk)
    index = parse_int(request.POST.get("index"))
    recommendations = selectors.honour_recommendations_for(request.user)
    if index is None or not 0 <= index < len(recommendations):
        messages.error(request, "该推荐已不存在。")
        return redirect("publicity:campaign_manage", pk=campaign.pk)
    fields = selectors.recommendation_fields([recommendations[index]])[0]
    try:
        services.nomination_submit(actor=request.user, campaign=campaign, source=Nomination.Source.WOMEN_WORKERS,
                                   **fields)
    except (ValidationError, PermissionDenied) as error:
        flash_service_errors(request, error)
    else:
        messages.success(request, "已转为提名。")
    return redirect("publicity:campaign_manage", pk=campaign.pk)
