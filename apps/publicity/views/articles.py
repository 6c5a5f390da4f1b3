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
from ..forms import ArticleForm, AttachmentForm, ReviewForm
from ..models import Article

__all__ = ["article_list", "article_detail", "console_articles", "article_edit", "article_manage",
           "article_transition"]


@login_not_required
@public_page("news")
def article_list(request):
    """Anyone: published articles, by category and keyword."""
    category = request.GET.get("category", "")
    query = request.GET.get("q", "").strip()[:50]
    articles = selectors.public_articles(category=category, query=query)
    page = Paginator(articles, 10).get_page(request.GET.get("page"))
    return render(request, "publicity/article_list.html", {
        "page_obj": page, "category": category if category in Article.Category.values else "",
        "query": query, "categories": Article.Category.choices,
    })


@login_not_required
@public_page("news")
def article_detail(request, pk: int):
    """Anyone: one published article with related ones."""
    article = selectors.get_public_article(pk)
    return render(request, "publicity/article_detail.html", {
        "article": article, "related": selectors.related_articles(article),
        "attachments": list(article.attachments.all()),
    })


@staff_required(perm="publicity.write_article")
def console_articles(request):
    """Staff who write articles: their subtree's articles."""
    articles = selectors.articles_for_user(request.user)
    status = request.GET.get("status", "")
    if status in Article.Status.values:
        articles = articles.filter(status=status)
    page = Paginator(articles, 20).get_page(request.GET.get("page"))
    return render(request, "publicity/console_articles.html", {
        "page_obj": page, "status": status, "statuses": Article.Status.choices})


@staff_required(perm="publicity.write_article")
def article_edit(request, pk: int | None = None):
    """Staff who write articles: create or edit one of their subtree."""
    article = selectors.get_article_for_user(request.user, pk) if pk else None
    initial = ({"title": article.title, "category": article.category, "summary": article.summary,
                "body": article.body, "published_at": article.published_at} if article else {})
    form = ArticleForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        fields = {k: data[k] for k in ("title", "category", "summary", "body", "cover", "published_at")}
        try:
            if article:
                article = services.article_update(actor=request.user, article=article, **fields)
            else:
                article = services.article_create(actor=request.user, organization=request.user.organization,
                                                  **fields)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "文章已保存。")
            return redirect("publicity:article_manage", pk=article.pk)
    return render(request, "publicity/article_form.html", {"form": form, "article": article})


@staff_required(perm="publicity.write_article")
def article_manage(request, pk: int):
    """Staff who write articles: preview, attachments, workflow buttons."""
    article = selectors.get_article_for_user(request.user, pk)
    attachment_form = AttachmentForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and attachment_form.is_valid():
        services.article_add_attachment(actor=request.user, article=article, **attachment_form.cleaned_data)
        messages.success(request, "附件已添加。")
        return redirect("publicity:article_manage", pk=article.pk)
    allowed = services.ARTICLE_TRANSITIONS.get(article.status, {})
    actions = [(target, Article.Status(target).label) for target, perm in allowed.items()
               if request.user.has_perm(perm)]
    return render(request, "publicity/article_manage.html", {
        "article": article, "attachment_form": attachment_form, "actions": actions,
        "review_form": ReviewForm(), "attachments": list(article.attachments.all())})


@staff_required(perm="publicity.write_article")
@require_POST
def article_transition(request, pk: int):
    """Staff: submit / publish / return / withdraw, as the transition table allows."""
    article = selectors.get_article_for_user(request.user, pk)
    form = ReviewForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    try:
        services.article_transition(actor=request.user, article=article, to=request.POST.get("to", ""), note=note)
    except (ValidationError, PermissionDenied) as error:
        text = "；".join(error.messages) if isinstance(error, ValidationError) else str(error)
        messages.error(request, text)
    except ValueError:
        messages.error(request, "无效的操作。")
    else:
        messages.success(request, "文章状态已更新。")
    return redirect("publicity:article_manage", pk=article.pk)
