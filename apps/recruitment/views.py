from __future__ import annotations

from datetime import timedelta
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch, Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.views.decorators.http import require_POST

from apps.core.downloads import content_disposition
from apps.core.indicators import period_from_params
from apps.core.pagecache import public_page
from apps.core.params import parse_id
from apps.core.permissions import staff_required
from apps.core.redirects import is_safe_next, redirect_next
from apps.core.scoping import is_staff_member
from apps.core.spreadsheets import workbook_response

from . import selectors, services
from .exports import dashboard_workbook
from .forms import (
    ApplyForm,
    EmployerRegisterForm,
    FairForm,
    FairInviteForm,
    FairPostsForm,
    InterviewForm,
    InterviewResponseForm,
    JobPostForm,
    JobSearchForm,
    LiveSessionForm,
    MatchForm,
    MatchOutcomeForm,
    ReviewForm,
    SavedSearchForm,
    SavedSearchUpdateForm,
    SeekerProfileForm,
)
from .models import (
    Application,
    BrokeredMatch,
    Category,
    EmployerMembership,
    FairParticipation,
    JobPost,
    KeyGroup,
    LiveSession,
    SavedJob,
    SavedSearch,
    SeekerProfile,
)
from .search import CappedPaginator, RelevancePaginator, fetch_in_index_order, title_match_q


def _errors(request, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


def _form_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field_name, errs in error.message_dict.items():
            form.add_error(field_name if field_name in form.fields else None, errs)
    else:
        form.add_error(None, error)


def employer_required(view):
    """Only people holding an active employer membership; others are sent to register."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not selectors.is_employer(request.user):
            messages.info(request, "请先申请企业招聘账号，经工会核实后即可发布岗位。")
            return redirect("recruitment:employer_register")
        return view(request, *args, **kwargs)

    return wrapper


# ---------------------------------------------------------------- public
_CATEGORY_LABELS = dict(Category.choices)
_GROUP_LABELS = dict(KeyGroup.choices)


def _post_cards(posts, saved_ids) -> list[dict]:
    """What a result card shows, worked out once in Python: the card template only prints dict values."""
    detail = reverse("recruitment:job_detail", args=[0])[:-2]  # "/jobs/"; the pk and "/" follow
    cards = []
    for post in posts:
        cards.append({
            "url": f"{detail}{post.pk}/", "title": post.title, "pk": post.pk,
            "salary": f"{post.salary_min}–{post.salary_max}", "enterprise": post.enterprise.name,
            "district": post.district.name.replace("总工会", "") if post.district_id else "",
            "category": _CATEGORY_LABELS.get(post.category, post.category), "headcount": post.headcount,
            "groups": [_GROUP_LABELS[code] for code in post.key_group_codes if code in _GROUP_LABELS],
            "video": bool(post.video), "saved": post.pk in saved_ids,
            "date": timezone.localtime(post.published_at).strftime("%m-%d") if post.published_at else "",
        })
    return cards


@login_not_required
@public_page("jobs")
def job_list(request):
    form = JobSearchForm(request.GET or None)
    params = form.params()
    results = selectors.search_posts(params)
    if params.get("q") and selectors.search_sort(params) == "relevance":
        paginator = RelevancePaginator(results, 20, title_q=title_match_q(results, params["q"]))
        page = paginator.get_page(request.GET.get("page"))
        posts = list(page.object_list)
    else:
        paginator = CappedPaginator(results, 20)
        page = paginator.get_page(request.GET.get("page"))
        if params.get("q") and paginator.is_capped:
            posts = fetch_in_index_order(page.object_list)  # a common term: walk the ordering's index
        else:
            posts = list(page.object_list)
    return render(request, "recruitment/job_list.html", {
        "form": form, "selects": form.selects(), "page_obj": page, "paginator": paginator, "params": params,
        "posts": posts,
        "cards": _post_cards(posts, selectors.saved_post_ids(request.user, [p.pk for p in posts])),
        "save_name": params.get("q") or "我的搜索",
    })


@login_not_required
@public_page("jobs")
def job_detail(request, pk: int):
    post = selectors.get_post_for_reader(request.user, pk)
    application = None
    if request.user.is_authenticated:
        application = Application.objects.filter(post=post, seeker=request.user).first()
    return render(request, "recruitment/job_detail.html", {
        "post": post, "others": selectors.other_posts_of_employer(post),
        "is_saved": bool(selectors.saved_post_ids(request.user, [post.pk])),
        "application": application, "apply_form": ApplyForm(), "draft_letter": _apply_draft(request, post),
        "open": post.status == JobPost.Status.PUBLISHED and post.valid_until >= timezone.localdate(),
    })


@login_not_required
def fair_list(request):
    fairs = selectors.public_fairs().annotate(
        enterprise_count=Count("participations", filter=Q(participations__status=FairParticipation.Status.JOINED))
    ).order_by("-starts_on", "-id")
    page = Paginator(fairs, 12).get_page(request.GET.get("page"))
    return render(request, "recruitment/fair_list.html", {"page_obj": page, "today": timezone.localdate()})


@login_not_required
def fair_detail(request, pk: int):
    fair = selectors.get_public_fair(pk)
    live_posts = JobPost.objects.filter(status=JobPost.Status.PUBLISHED)
    participations = (fair.participations.filter(status=FairParticipation.Status.JOINED)
                      .select_related("enterprise", "enterprise__district")
                      .prefetch_related(Prefetch("posts", queryset=live_posts.select_related("district"))))
    sessions = fair.live_sessions.select_related("enterprise").prefetch_related(Prefetch("posts", queryset=live_posts))
    return render(request, "recruitment/fair_detail.html", {
        "fair": fair, "participations": participations, "sessions": sessions, "now": timezone.now()})


# ---------------------------------------------------------------- seekers
APPLY_DRAFT = "recruitment_apply_draft"


def _apply_draft(request, post: JobPost) -> str | None:
    """The note typed on this post before being sent to 求职登记, kept in the session until it is sent."""
    draft = request.session.get(APPLY_DRAFT) if request.user.is_authenticated else None
    if isinstance(draft, dict) and draft.get("post") == post.pk:
        return str(draft.get("cover_letter", ""))[:1000]
    return None


def seeker_profile(request):
    profile = SeekerProfile.objects.filter(user=request.user).first()
    initial = {"real_name": request.user.real_name, "phone": request.user.phone or ""}
    if profile:
        initial = {f: getattr(profile, f) for f in ("real_name", "phone", "district", "key_group", "education",
                                                    "experience_years", "skills", "experience", "desired_salary",
                                                    "resume_text", "allow_recommendation")}
        initial["desired_categories"] = profile.desired_category_codes
        initial["desired_districts"] = profile.desired_district_ids
    form = SeekerProfileForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.seeker_profile_save(user=request.user, data=form.cleaned_data)
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(request, "求职登记已保存。系统将为您匹配合适的岗位。")
            return redirect_next(request, "recruitment:my_applications")
    resuming = request.GET.get("next") if request.session.get(APPLY_DRAFT) else None
    return render(request, "recruitment/seeker_profile.html", {
        "form": form, "profile": profile, "resuming": resuming if is_safe_next(request, resuming) else None,
    }, status=400 if form.errors else 200)


@require_POST
def job_apply(request, pk: int):
    post = selectors.get_public_post(pk)
    form = ApplyForm(request.POST)
    form.is_valid()
    try:
        application = services.application_submit(seeker=request.user, post=post,
                                                  cover_letter=form.cleaned_data.get("cover_letter", ""))
    except ValidationError as error:
        if not SeekerProfile.objects.filter(user=request.user).exists() and not is_staff_member(request.user):
            # Keep what was typed; 求职登记 sends the person back here to finish.
            request.session[APPLY_DRAFT] = {"post": post.pk,
                                            "cover_letter": form.cleaned_data.get("cover_letter", "")}
            messages.info(request, "投递前请先完成求职登记。您写的留言已保留，登记后会回到这个岗位继续投递。")
            return redirect(reverse("recruitment:seeker_profile") + "?" + urlencode(
                {"next": post.get_absolute_url() + "#apply"}))
        _errors(request, error)
        return redirect("recruitment:job_detail", pk=post.pk)
    request.session.pop(APPLY_DRAFT, None)
    messages.success(request, "简历已投递，用人单位查看后会通知您。")
    return redirect("recruitment:application_detail", pk=application.pk)


@require_POST
def job_save(request, pk: int):
    post = selectors.get_public_post(pk)
    saved = services.saved_job_toggle(user=request.user, post=post)
    messages.success(request, "已收藏该岗位。" if saved else "已取消收藏。")
    return redirect_next(request, reverse("recruitment:job_detail", args=[pk]))


def saved_jobs(request):
    rows = SavedJob.objects.filter(user=request.user).select_related("post", "post__enterprise", "post__district")
    page = Paginator(rows.order_by("-created_at"), 20).get_page(request.GET.get("page"))
    posts = [saved.post for saved in page.object_list]
    return render(request, "recruitment/saved_jobs.html", {
        "page_obj": page, "cards": _post_cards(posts, {post.pk for post in posts})})


@require_POST
def search_save(request):
    form = SavedSearchForm(request.POST)
    params = JobSearchForm(request.GET).params()
    if form.is_valid():
        try:
            services.saved_search_create(user=request.user, name=form.cleaned_data["name"], params=params,
                                         alert=form.cleaned_data["alert"])
        except ValidationError as error:
            _errors(request, error)
        else:
            messages.success(request, "搜索条件已保存。")
    else:
        messages.error(request, "请填写搜索名称。")
    return redirect("recruitment:saved_searches")


def saved_searches(request):
    searches = list(SavedSearch.objects.filter(user=request.user))
    for search in searches:
        search.summary = selectors.describe_search(search.params)
    return render(request, "recruitment/saved_searches.html", {"searches": searches})


@require_POST
def search_update(request, pk: int):
    search = get_object_or_404(SavedSearch, pk=pk, user=request.user)
    form = SavedSearchUpdateForm(request.POST)
    if form.is_valid():
        try:
            search = services.saved_search_update(user=request.user, search=search, name=form.cleaned_data["name"],
                                                  alert=form.cleaned_data["alert"])
        except ValidationError as error:
            _errors(request, error)
        else:
            if form.cleaned_data["alert"] is None:
                messages.success(request, f"已改名为“{search.name}”。")
            else:
                state = "已开启每日推送" if search.alert else "已关闭每日推送"
                messages.success(request, f"“{search.name}”：{state}。")
    else:
        for errs in form.errors.values():
            for message in errs:
                messages.error(request, message)
    return redirect("recruitment:saved_searches")


@require_POST
def resume_remove(request):
    if services.seeker_resume_clear(user=request.user):
        messages.success(request, "已删除简历 PDF。")
    else:
        messages.info(request, "您没有上传简历 PDF。")
    return redirect("recruitment:seeker_profile")


@require_POST
def search_delete(request, pk: int):
    get_object_or_404(SavedSearch, pk=pk, user=request.user).delete()
    messages.success(request, "已删除。")
    return redirect("recruitment:saved_searches")


def my_applications(request):
    applications = selectors.applications_for_seeker(request.user).order_by("-created_at")
    page = Paginator(applications, 20).get_page(request.GET.get("page"))
    return render(request, "recruitment/my_applications.html", {
        "page_obj": page, "profile": SeekerProfile.objects.filter(user=request.user).first()})


def application_detail(request, pk: int):
    application = selectors.get_application_for_seeker(request.user, pk)
    return render(request, "recruitment/application_detail.html", {
        "application": application, "events": application.events.all(),
        "interviews": application.interviews.all(), "response_form": InterviewResponseForm(),
    })


@require_POST
def application_withdraw(request, pk: int):
    application = selectors.get_application_for_seeker(request.user, pk)
    try:
        services.application_transition(actor=request.user, application=application,
                                        to_status=Application.Status.WITHDRAWN, note=request.POST.get("note", ""))
    except ValidationError as error:
        _errors(request, error)
    else:
        messages.success(request, "已撤回申请。")
    return redirect("recruitment:application_detail", pk=pk)


@require_POST
def interview_respond(request, pk: int):
    interview = selectors.get_interview_for_user(request.user, pk)
    if interview.application.seeker_id != request.user.pk:
        raise Http404
    form = InterviewResponseForm(request.POST)
    if form.is_valid():
        try:
            services.interview_respond(seeker=request.user, interview=interview,
                                       accept=form.cleaned_data["accept"], note=form.cleaned_data["note"])
        except ValidationError as error:
            _errors(request, error)
        else:
            messages.success(request, "已确认面试。" if form.cleaned_data["accept"] else "已向用人单位申请改期。")
    else:
        for errs in form.errors.values():
            for message in errs:
                messages.error(request, message)
    return redirect("recruitment:application_detail", pk=interview.application_id)


def interview_ics(request, pk: int):
    interview = selectors.get_interview_for_user(request.user, pk)
    response = HttpResponse(services.interview_ics(interview), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = content_disposition(f"面试邀请-{interview.application.post.title}.ics",
                                                          fallback=f"interview-{interview.pk}.ics")
    return response


def my_matches(request):
    profile = SeekerProfile.objects.filter(user=request.user).first()
    if profile is None:
        messages.info(request, "完成求职登记后，系统会按您的期望为您匹配岗位。")
        return redirect("recruitment:seeker_profile")
    return render(request, "recruitment/my_matches.html", {
        "profile": profile, "recommendations": selectors.recommendations_for_seeker(request.user)})


# ---------------------------------------------------------------- employers
def employer_register(request):
    memberships = EmployerMembership.objects.filter(user=request.user).select_related("enterprise")
    form = EmployerRegisterForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.employer_register(user=request.user, **form.cleaned_data)
        except ValidationError as error:
            _form_errors(form, error)
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
            _form_errors(form, error)
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
            _form_errors(form, error)
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
            _form_errors(form, error)
        else:
            messages.success(request, "已确认参会岗位。")
            return redirect("recruitment:fair_detail", pk=fair.pk)
    return render(request, "recruitment/employer_fair.html", {"fair": fair, "form": form,
                                                              "participation": participation})


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
    from .forms import StaffPostForm

    form = StaffPostForm(request.POST or None, request.FILES or None, user=request.user,
                         initial={"valid_until": timezone.localdate() + timedelta(days=30)})
    if request.method == "POST" and form.is_valid():
        try:
            post = services.post_create(actor=request.user, enterprise=form.cleaned_data["enterprise"],
                                        data=form.service_data())
        except ValidationError as error:
            _form_errors(form, error)
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
            _form_errors(form, error)
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
            _form_errors(form, error)
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
            _form_errors(live_form if "live" in request.POST else invite_form, error)
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
