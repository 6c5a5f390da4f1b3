"""Views: seekers."""
from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_POST

from apps.core.downloads import content_disposition
from apps.core.forms import add_service_errors
from apps.core.redirects import is_safe_next, redirect_next
from apps.core.scoping import is_staff_member

from .. import selectors, services
from ..forms import (
    ApplyForm,
    InterviewResponseForm,
    JobSearchForm,
    SavedSearchForm,
    SavedSearchUpdateForm,
    SeekerProfileForm,
)
from ..models import (
    Application,
    SavedSearch,
    SeekerProfile,
)
from .common import APPLY_DRAFT, _errors
from .public import _post_cards


# ---------------------------------------------------------------- seekers
def seeker_profile(request):
    profile = selectors.with_wishes(SeekerProfile.objects.filter(user=request.user)).first()
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
            add_service_errors(form, error)
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
    page = Paginator(selectors.saved_jobs_for_user(request.user), 20).get_page(request.GET.get("page"))
    posts = []
    for saved in page.object_list:
        saved.post.key_group_list = saved.post_key_group_list  # read with the row: no query per card
        posts.append(saved.post)
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


