"""Views: console."""
from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from apps.core.forms import add_service_errors
from apps.core.indicators import period_from_params
from apps.core.params import parse_id
from apps.core.permissions import staff_required
from apps.core.spreadsheets import workbook_response

from .. import selectors, services
from ..exports import dashboard_workbook
from ..forms import (
    FairForm,
    FairInviteForm,
    LiveSessionForm,
    MatchForm,
    MatchOutcomeForm,
    ReviewForm,
)
from ..models import (
    BrokeredMatch,
    EmployerMembership,
    JobPost,
    KeyGroup,
    LiveSession,
)
from .common import _errors


# ---------------------------------------------------------------- staff console
@staff_required(perm="recruitment.view_dashboard")
def console_posts(request):
    posts = selectors.posts_for_staff(request.user)
    # Reviewers land on their queue; grassroots staff (who broker, not review) on the live posts.
    default = "pending" if request.user.has_perm("recruitment.review_post") else "published"
    status = request.GET.get("status", default)
    if status in JobPost.Status.values:
        posts = posts.filter(status=status)
    query = request.GET.get("q", "").strip()
    if query:
        posts = posts.filter(Q(title__icontains=query) | Q(enterprise__name__icontains=query))
    page = Paginator(posts.order_by("-updated_at", "-id"), 30).get_page(request.GET.get("page"))
    return render(request, "recruitment/console/posts.html", {
        "page_obj": page, "status": status, "statuses": JobPost.Status.choices, "query": query,
        "review_form": ReviewForm()})


@require_POST
@staff_required(perm="recruitment.review_post")
def console_post_review(request, pk: int):
    post = selectors.get_post_for_staff(request.user, pk)
    form = ReviewForm(request.POST)
    if not form.is_valid():
        for errs in form.errors.values():
            for message in errs:
                messages.error(request, message)
        return redirect(reverse("recruitment:console_posts") + "?status=pending")
    try:
        services.post_review(actor=request.user, post=post, approve=form.cleaned_data["decision"] == "approve",
                             note=form.cleaned_data["note"])
    except ValidationError as error:
        _errors(request, error)
    else:
        messages.success(request, f"已处理：{post.title}")
    return redirect(reverse("recruitment:console_posts") + "?status=pending")


@staff_required(perm="recruitment.post_on_behalf")
def console_post_create(request):
    from ..forms import StaffPostForm

    form = StaffPostForm(request.POST or None, request.FILES or None, user=request.user,
                         initial={"valid_until": timezone.localdate() + timedelta(days=30)})
    if request.method == "POST" and form.is_valid():
        try:
            post = services.post_create(actor=request.user, enterprise=form.cleaned_data["enterprise"],
                                        data=form.service_data())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"岗位“{post.title}”：{post.get_status_display()}。")
            return redirect(reverse("recruitment:console_posts") + f"?status={post.status}")
    return render(request, "recruitment/console/post_form.html", {"form": form})


@staff_required(perm="recruitment.broker_match")
def console_post_candidates(request, pk: int):
    post = selectors.get_post_for_staff(request.user, pk)
    form = MatchForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.match_create(actor=request.user, seeker=form.cleaned_data["seeker"], post=post,
                                  note=form.cleaned_data["note"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "已记录点对点对接，并通知求职者和用人单位。")
            return redirect("recruitment:console_matches")
    candidates = selectors.candidates_for_post(post)
    matchable = set(selectors.seekers_for_staff(request.user).filter(
        pk__in=[reco.profile_id for reco in candidates]).values_list("pk", flat=True))
    return render(request, "recruitment/console/post_candidates.html", {
        "post": post, "candidates": candidates, "form": form, "matchable": matchable,
        "matched": set(BrokeredMatch.objects.filter(post=post).values_list("seeker_id", flat=True))})


@staff_required(perm="recruitment.broker_match")
def console_seekers(request):
    seekers = selectors.seekers_for_staff(request.user).order_by("-created_at", "-id")
    group = request.GET.get("group", "")
    if group in KeyGroup.values:
        seekers = seekers.filter(key_group=group)
    page = Paginator(seekers, 30).get_page(request.GET.get("page"))
    return render(request, "recruitment/console/seekers.html", {
        "page_obj": page, "group": group, "groups": KeyGroup.choices})


@staff_required(perm="recruitment.broker_match")
def console_seeker(request, pk: int):
    """One seeker's ranked posts with the reasons, each with a button to record a brokered match."""
    profile = selectors.get_seeker_for_staff(request.user, pk)
    if request.method == "POST":
        # Any published post in the city: a seeker may well want work outside their own district.
        post_id = parse_id(request.POST.get("post"))
        post = selectors.published_posts().filter(pk=post_id).first() if post_id else None
        if post is None:
            raise Http404
        try:
            services.match_create(actor=request.user, seeker=profile, post=post, note=request.POST.get("note", ""))
        except ValidationError as error:
            _errors(request, error)
        else:
            messages.success(request, f"已记录点对点对接：{profile.real_name} ↔ {post.title}")
        return redirect("recruitment:console_seeker", pk=pk)
    return render(request, "recruitment/console/seeker.html", {
        "profile": profile, "recommendations": selectors.recommendations_for_profile_id(profile.pk),
        "matched": set(BrokeredMatch.objects.filter(seeker=profile).values_list("post_id", flat=True)),
    })


@staff_required(perm="recruitment.verify_employer")
def console_employers(request):
    memberships = selectors.employer_memberships_for_staff(request.user)
    status = request.GET.get("status", "pending")
    if status in EmployerMembership.Status.values:
        memberships = memberships.filter(status=status)
    page = Paginator(memberships.order_by("-created_at"), 30).get_page(request.GET.get("page"))
    return render(request, "recruitment/console/employers.html", {
        "page_obj": page, "status": status, "statuses": EmployerMembership.Status.choices})


@require_POST
@staff_required(perm="recruitment.verify_employer")
def console_employer_verify(request, pk: int):
    membership = selectors.get_membership_for_staff(request.user, pk)
    approve, note = request.POST.get("decision") == "approve", request.POST.get("note", "").strip()[:200]
    if not approve and not note:
        messages.error(request, "不通过时请写明原因，申请人会收到这条意见。")
        return redirect("recruitment:console_employers")
    try:
        services.employer_verify(actor=request.user, membership=membership, approve=approve, note=note)
    except ValidationError as error:
        _errors(request, error)
    else:
        messages.success(request, "已处理。")
    return redirect("recruitment:console_employers")


@staff_required(perm="recruitment.broker_match")
def console_matches(request):
    matches = selectors.matches_for_staff(request.user)
    page = Paginator(matches, 30).get_page(request.GET.get("page"))
    return render(request, "recruitment/console/matches.html", {
        "page_obj": page, "outcomes": MatchOutcomeForm.base_fields["outcome"].choices})


@require_POST
@staff_required(perm="recruitment.broker_match")
def console_match_outcome(request, pk: int):
    match = selectors.get_match_for_staff(request.user, pk)
    form = MatchOutcomeForm(request.POST)
    if form.is_valid():
        services.match_set_outcome(actor=request.user, match=match, outcome=form.cleaned_data["outcome"])
        messages.success(request, "对接结果已更新。")
    else:
        messages.error(request, "请选择对接结果。")
    return redirect("recruitment:console_matches")


@staff_required(perm="recruitment.manage_fairs")
def console_fairs(request):
    form = FairForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            fair = services.fair_save(actor=request.user, data=form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "招聘会已创建，请邀请企业。")
            return redirect("recruitment:console_fair", pk=fair.pk)
    fairs = selectors.fairs_for_staff(request.user).annotate(enterprise_count=Count("participations")).order_by(
        "-starts_on", "-id")
    return render(request, "recruitment/console/fairs.html", {"fairs": fairs, "form": form})


@staff_required(perm="recruitment.manage_fairs")
def console_fair(request, pk: int):
    fair = selectors.get_fair_for_staff(request.user, pk)
    invite_form = FairInviteForm(request.POST if "invite" in request.POST else None, user=request.user,
                                 fair=fair)
    live_form = LiveSessionForm(request.POST if "live" in request.POST else None, fair=fair)
    if request.method == "POST":
        try:
            if "invite" in request.POST and invite_form.is_valid():
                count = services.fair_invite(actor=request.user, fair=fair,
                                             enterprises=invite_form.cleaned_data["enterprises"])
                messages.success(request, f"已邀请 {count} 家企业。")
                return redirect("recruitment:console_fair", pk=pk)
            if "live" in request.POST and live_form.is_valid():
                services.live_session_add(actor=request.user, fair=fair, data=dict(live_form.cleaned_data))
                messages.success(request, "已添加直播带岗。")
                return redirect("recruitment:console_fair", pk=pk)
        except ValidationError as error:
            add_service_errors(live_form if "live" in request.POST else invite_form, error)
    return render(request, "recruitment/console/fair.html", {
        "fair": fair, "invite_form": invite_form, "live_form": live_form,
        "participations": fair.participations.select_related("enterprise").annotate(post_count=Count("posts")),
        "sessions": LiveSession.objects.filter(fair=fair).select_related("enterprise"),
    })



@staff_required(perm="recruitment.view_dashboard")
def console_dashboard(request):
    start, end = period_from_params(request.GET)
    rows, total = selectors.dashboard_by_district(request.user, start, end)
    return render(request, "recruitment/console/dashboard.html", {
        "rows": rows, "total": total, "groups": selectors.dashboard_by_key_group(request.user, start, end),
        "start": start, "end": end})


@staff_required(perm="recruitment.view_dashboard")
def console_dashboard_export(request):
    start, end = period_from_params(request.GET)
    rows, total = selectors.dashboard_by_district(request.user, start, end)
    groups = selectors.dashboard_by_key_group(request.user, start, end)
    return workbook_response(dashboard_workbook(rows, total, groups, start, end),
                             f"线上春风行动统计-{start:%Y%m%d}-{end:%Y%m%d}.xlsx",
                             ascii_name=f"recruitment-{start:%Y%m%d}-{end:%Y%m%d}.xlsx")
