"""Exemplar gallery and the essay contest (public pages, the worker's entry, the judges' pages)."""
from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from apps.core.forms import add_service_errors
from apps.core.pagecache import public_page
from apps.core.permissions import staff_required

from .. import selectors, services
from ..forms import AwardForm, ContestForm, EssayForm, ExemplarForm, ExemplarPhotoForm, ScoreForm
from ..models import Essay, EssayContest

__all__ = ["exemplar_gallery", "exemplar_detail", "console_exemplars", "exemplar_create", "exemplar_manage",
           "contest_list", "contest_public", "essay_public", "essay_submit", "console_contests", "contest_create",
           "contest_judge", "essay_judge", "contest_advance"]


@login_not_required
@public_page("exemplars")
def exemplar_gallery(request):
    """Anyone: published exemplars, by tag."""
    tag = request.GET.get("tag", "")
    tag = tag if tag in ("front_line", "resumption") else ""
    page = Paginator(selectors.public_exemplars(tag=tag), 12).get_page(request.GET.get("page"))
    return render(request, "publicity/exemplar_gallery.html", {"page_obj": page, "tag": tag})


@login_not_required
@public_page("exemplars")
def exemplar_detail(request, pk: int):
    """Anyone: one published exemplar."""
    exemplar = selectors.get_public_exemplar(pk)
    return render(request, "publicity/exemplar_detail.html", {"exemplar": exemplar,
                                                              "photos": list(exemplar.photos.all())})


@staff_required(perm="publicity.write_article")
def console_exemplars(request):
    page = Paginator(selectors.exemplars_for_user(request.user), 20).get_page(request.GET.get("page"))
    return render(request, "publicity/console_exemplars.html", {"page_obj": page})


@staff_required(perm="publicity.write_article")
def exemplar_create(request):
    form = ExemplarForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        exemplar = services.exemplar_create(actor=request.user, **form.cleaned_data)
        messages.success(request, "先进典型已保存，审核人员发布后公开。")
        return redirect("publicity:exemplar_manage", pk=exemplar.pk)
    return render(request, "publicity/simple_form.html", {"form": form, "heading": "添加先进典型",
                                                          "back": "publicity:console_exemplars"})


@staff_required(perm="publicity.write_article")
def exemplar_manage(request, pk: int):
    """Staff: add photos; reviewers publish or withdraw."""
    exemplar = selectors.get_exemplar_for_user(request.user, pk)
    form = ExemplarPhotoForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        try:
            if "publish" in request.POST:
                services.exemplar_set_published(actor=request.user, exemplar=exemplar,
                                                published=request.POST["publish"] == "1")
                messages.success(request, "已更新。")
                return redirect("publicity:exemplar_manage", pk=exemplar.pk)
            if form.is_valid():
                services.exemplar_add_photo(actor=request.user, exemplar=exemplar, **form.cleaned_data)
                messages.success(request, "照片已添加。")
                return redirect("publicity:exemplar_manage", pk=exemplar.pk)
        except PermissionDenied as error:
            messages.error(request, str(error))
    return render(request, "publicity/exemplar_manage.html", {"exemplar": exemplar, "form": form,
                                                              "photos": list(exemplar.photos.all())})


@login_not_required
@public_page("contests")
def contest_list(request):
    """Anyone: essay contests."""
    page = Paginator(selectors.public_contests(), 10).get_page(request.GET.get("page"))
    return render(request, "publicity/contest_list.html", {"page_obj": page})


@login_not_required
@public_page("contests")
def contest_public(request, pk: int):
    """Anyone: rules, and once published, the winners."""
    contest = selectors.get_public_contest(pk)
    return render(request, "publicity/contest_public.html", {
        "contest": contest, "winners": list(selectors.winning_essays(contest))})


@login_not_required
@public_page("contests")
def essay_public(request, pk: int):
    """Anyone: a winning essay of a published contest."""
    return render(request, "publicity/essay_public.html", {"essay": selectors.get_winning_essay(pk)})


def essay_submit(request, pk: int):
    """Signed-in workers: one essay per contest."""
    contest = selectors.get_public_contest(pk)
    form = EssayForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.essay_submit(author=request.user, contest=contest, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "投稿成功，感谢参与！")
            return redirect("publicity:contest_public", pk=contest.pk)
    return render(request, "publicity/essay_form.html", {"form": form, "contest": contest})


@staff_required(perm="publicity.judge_essay")
def console_contests(request):
    page = Paginator(selectors.contests_for_judge(request.user), 20).get_page(request.GET.get("page"))
    return render(request, "publicity/console_contests.html", {"page_obj": page})


@staff_required(perm="publicity.judge_essay")
def contest_create(request):
    form = ContestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            contest = services.contest_create(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "征文活动已发布。")
            return redirect("publicity:contest_judge", pk=contest.pk)
    return render(request, "publicity/simple_form.html", {"form": form, "heading": "发起征文",
                                                          "back": "publicity:console_contests"})


@staff_required(perm="publicity.judge_essay")
def contest_judge(request, pk: int):
    """Judges: the entries by number and title only (no author), with scores."""
    contest = selectors.get_contest_for_judge(request.user, pk)
    page = Paginator(selectors.essays_for_judge(request.user, contest), 30).get_page(request.GET.get("page"))
    next_phases = [(s, EssayContest.Status(s).label) for s in services.CONTEST_TRANSITIONS[contest.status]]
    return render(request, "publicity/contest_judge.html", {"contest": contest, "page_obj": page,
                                                            "next_phases": next_phases})


@staff_required(perm="publicity.judge_essay")
def essay_judge(request, pk: int):
    """Judges: read and score one entry without its author."""
    essay = selectors.get_essay_for_judge(request.user, pk)
    contest = selectors.get_contest_for_judge(request.user, essay.contest_id)
    mine = essay.scores.filter(judge=request.user).first()
    form = ScoreForm(request.POST or None, initial={"score": mine.score, "comment": mine.comment} if mine else None)
    award_form = AwardForm(request.POST or None, initial={"award": essay.award})
    if request.method == "POST":
        try:
            if "award" in request.POST and award_form.is_valid():
                services.essay_award(actor=request.user, essay=essay, award=award_form.cleaned_data["award"])
                messages.success(request, "奖项已保存。")
                return redirect("publicity:essay_judge", pk=essay.pk)
            if "award" not in request.POST and form.is_valid():
                services.essay_score(judge=request.user, essay=essay, **form.cleaned_data)
                messages.success(request, "评分已保存。")
                return redirect("publicity:contest_judge", pk=contest.pk)
        except ValidationError as error:
            add_service_errors(form, error)
        except PermissionDenied as error:
            messages.error(request, str(error))
    return render(request, "publicity/essay_judge.html", {"essay": essay, "contest": contest, "form": form,
                                                          "award_form": award_form, "awards": Essay.Award.choices})


@staff_required(perm="publicity.judge_essay")
@require_POST
def contest_advance(request, pk: int):
    contest = selectors.get_contest_for_judge(request.user, pk)
    try:
        services.contest_advance(actor=request.user, contest=contest, to=request.POST.get("to", ""))
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, "；".join(error.messages) if isinstance(error, ValidationError) else str(error))
    except KeyError:
        messages.error(request, "无效的操作。")
    else:
        messages.success(request, "征文阶段已更新。")
    return redirect("publicity:contest_judge", pk=contest.pk)
