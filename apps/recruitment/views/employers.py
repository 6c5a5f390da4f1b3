"""Views: employers."""
from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from apps.core.forms import add_service_errors

from .. import selectors, services
from ..forms import (
    EmployerRegisterForm,
    FairPostsForm,
    InterviewForm,
    JobPostForm,
)
from ..models import (
    Application,
    EmployerMembership,
    FairParticipation,
    JobPost,
)
from .common import _errors, employer_required


# ---------------------------------------------------------------- employers
def employer_register(request):
    memberships = EmployerMembership.objects.filter(user=request.user).select_related("enterprise")
    form = EmployerRegisterForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.employer_register(user=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "已提交，企业所在地工会核实后会通知您。")
            return redirect("recruitment:employer_register")
    return render(request, "recruitment/employer_register.html", {"form": form, "memberships": memberships})


@employer_required
def employer_home(request):
    posts = selectors.posts_for_employer(request.user).annotate(
        applicant_count=Count("applications", distinct=True)).order_by("-updated_at")
    status = request.GET.get("status", "")
    if status in JobPost.Status.values:
        posts = posts.filter(status=status)
    page = Paginator(posts, 20).get_page(request.GET.get("page"))
    invitations = (FairParticipation.objects.filter(
        enterprise__in=selectors.employer_enterprises(request.user), fair__ends_on__gte=timezone.localdate())
        .select_related("fair").order_by("fair__starts_on"))
    return render(request, "recruitment/employer_home.html", {
        "page_obj": page, "enterprises": selectors.employer_enterprises(request.user),
        "status": status, "statuses": JobPost.Status.choices, "invitations": invitations})


def _employer_enterprise(request):
    enterprises = list(selectors.employer_enterprises(request.user))
    wanted = request.GET.get("enterprise") or request.POST.get("enterprise")
    if wanted:
        for enterprise in enterprises:
            if str(enterprise.pk) == wanted:
                return enterprise
        raise Http404
    return enterprises[0]


@employer_required
def post_create(request):
    enterprise = _employer_enterprise(request)
    form = JobPostForm(request.POST or None, request.FILES or None,
                       initial={"district": enterprise.district_id, "address": enterprise.address,
                                "contact_name": enterprise.contact_name, "contact_phone": enterprise.contact_phone,
                                "valid_until": timezone.localdate() + timedelta(days=30)})
    if request.method == "POST" and form.is_valid():
        try:
            post = services.post_create(actor=request.user, enterprise=enterprise, data=form.service_data(),
                                        submit="draft" not in request.POST)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "岗位已提交审核。" if post.status == JobPost.Status.PENDING else "已保存。")
            return redirect("recruitment:employer_home")
    return render(request, "recruitment/post_form.html", {"form": form, "enterprise": enterprise,
                                                          "title": "发布岗位"})


@employer_required
def post_edit(request, pk: int):
    post = selectors.get_post_for_employer(request.user, pk)
    form = JobPostForm(request.POST or None, request.FILES or None, instance=post)
    if request.method == "POST" and form.is_valid():
        try:
            post = services.post_update(actor=request.user, post=post, data=form.service_data())
            if "draft" not in request.POST and post.status in (JobPost.Status.DRAFT, JobPost.Status.RETURNED):
                post = services.post_submit(actor=request.user, post=post)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, {
                JobPost.Status.PENDING: "岗位已修改并提交审核，审核通过后重新发布。",
                JobPost.Status.PUBLISHED: "岗位已修改并发布。",
            }.get(post.status, "已保存为草稿，修改完成后请提交审核。"))
            return redirect("recruitment:employer_home")
    return render(request, "recruitment/post_form.html", {"form": form, "enterprise": post.enterprise,
                                                          "post": post, "title": f"修改岗位：{post.title}"})


@require_POST
@employer_required
def post_action(request, pk: int, action: str):
    post = selectors.get_post_for_employer(request.user, pk)
    actions = {"copy": services.post_copy, "close": services.post_close, "submit": services.post_submit}
    if action not in actions:
        raise Http404
    try:
        result = actions[action](actor=request.user, post=post)
    except ValidationError as error:
        _errors(request, error)
        return redirect("recruitment:employer_home")
    if action == "copy":
        messages.success(request, "已复制为草稿，请修改后提交。")
        return redirect("recruitment:post_edit", pk=result.pk)
    messages.success(request, {"close": "岗位已关闭。", "submit": "已提交审核。"}[action])
    return redirect("recruitment:employer_home")


@require_POST
@employer_required
def post_video_remove(request, pk: int):
    post = selectors.get_post_for_employer(request.user, pk)
    if services.post_remove_video(actor=request.user, post=post):
        messages.success(request, "已删除岗位视频。")
    else:
        messages.info(request, "该岗位没有视频。")
    return redirect("recruitment:post_edit", pk=pk)


@employer_required
def employer_applicants(request, pk: int):
    post = selectors.get_post_for_employer(request.user, pk)
    applications = post.applications.select_related("seeker", "seeker__seeker_profile").order_by("-created_at")
    status = request.GET.get("status", "")
    if status in Application.Status.values:
        applications = applications.filter(status=status)
    page = Paginator(applications, 30).get_page(request.GET.get("page"))
    return render(request, "recruitment/employer_applicants.html", {
        "post": post, "page_obj": page, "status": status, "statuses": Application.Status.choices})


@employer_required
def employer_application(request, pk: int):
    application = selectors.get_application_for_employer(request.user, pk)
    application = services.application_mark_viewed(actor=request.user, application=application)
    application = selectors.get_application_for_employer(request.user, pk)
    form = InterviewForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.interview_invite(actor=request.user, application=application, **form.invite_data())
        except ValidationError as error:
            form.add_service_error(error)
        else:
            messages.success(request, "面试邀请已发送。")
            return redirect("recruitment:employer_application", pk=pk)
    moves = sorted(services.APPLICATION_TRANSITIONS[application.status] & services.EMPLOYER_MOVES
                   - {Application.Status.VIEWED, Application.Status.INTERVIEW})
    profile = getattr(application.seeker, "seeker_profile", None)
    interviews = list(application.interviews.all())
    return render(request, "recruitment/employer_application.html", {
        "application": application, "profile": profile, "events": application.events.all(),
        "interviews": interviews, "form": form,
        "open_interview": next((i for i in interviews if i.status in services.OPEN_INTERVIEW), None),
        "moves": [(m, Application.Status(m).label) for m in moves],
        "can_invite": application.status in services.APPLICATION_TRANSITIONS
        and application.status in ("submitted", "viewed", "interview"),
    }, status=400 if form.errors else 200)


@require_POST
@employer_required
def employer_application_move(request, pk: int):
    application = selectors.get_application_for_employer(request.user, pk)
    try:
        services.application_transition(actor=request.user, application=application,
                                        to_status=request.POST.get("to", ""), note=request.POST.get("note", ""))
    except ValidationError as error:
        _errors(request, error)
    else:
        messages.success(request, "已更新申请状态，并通知求职者。")
    return redirect("recruitment:employer_application", pk=pk)


@employer_required
def employer_candidates(request, pk: int):
    post = selectors.get_post_for_employer(request.user, pk)
    return render(request, "recruitment/employer_candidates.html", {
        "post": post, "candidates": selectors.candidates_for_post(post)})


@employer_required
def employer_fair(request, pk: int):
    fair = selectors.get_public_fair(pk)
    participation = (FairParticipation.objects.filter(fair=fair, enterprise__in=selectors.employer_enterprises(
        request.user)).select_related("enterprise").first())
    if participation is None:
        raise Http404
    form = FairPostsForm(request.POST or None, enterprise=participation.enterprise,
                         initial={"posts": participation.posts.all()})
    if request.method == "POST" and form.is_valid():
        try:
            services.fair_attach_posts(actor=request.user, fair=fair, enterprise=participation.enterprise,
                                       posts=list(form.cleaned_data["posts"]))
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "已确认参会岗位。")
            return redirect("recruitment:fair_detail", pk=fair.pk)
    return render(request, "recruitment/employer_fair.html", {"fair": fair, "form": form,
                                                              "participation": participation})


