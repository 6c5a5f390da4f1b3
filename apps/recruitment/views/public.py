"""Views: public."""
from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch, Q
from django.http import Http404
from django.shortcuts import render
from django.template.loader import get_template, render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode

from apps.core import pagecache
from apps.core.pagecache import public_page

from .. import selectors
from ..forms import (
    ApplyForm,
    JobSearchForm,
)
from ..models import (
    Application,
    Category,
    FairParticipation,
    JobPost,
    KeyGroup,
)
from ..search import CappedPaginator, Cursor, RelevancePaginator, title_match_q
from .common import _apply_draft

# ---------------------------------------------------------------- public
_CATEGORY_LABELS = dict(Category.choices)
_GROUP_LABELS = dict(KeyGroup.choices)
# The columns a result card prints (_post_cards): the description and the search text stay in the table.
_CARD_COLUMNS = ("title", "salary_min", "salary_max", "category", "headcount", "video", "published_at",
                 "enterprise__name", "district__name")


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


def _card_html(rows: list[tuple]) -> list[tuple[dict, str]]:
    """Each post's card and its HTML, for the posts ``rows`` names as ``(pk, updated_at, …)``.

    Kept per post and version (``updated_at``, which every change of a post moves, and the
    enterprises' version for the employer's name): after any post changes, a search is counted and
    paged again, but only the changed post's card is rendered again (bench/recruitment.md, "cold").
    """
    keys = {pk: f"recruitment:card:{pk}:{updated_at.isoformat()}" for pk, updated_at, *_sort in rows}
    pk_of = {key: pk for pk, key in keys.items()}

    def build(missing: list[str]) -> dict:
        template = get_template("recruitment/_post_card.html")
        posts = selectors.posts_by_pk([pk_of[key] for key in missing]).only(*_CARD_COLUMNS)
        return {keys[card["pk"]]: (card, template.render({"card": card})) for card in _post_cards(posts, set())}

    found = pagecache.fragments(list(keys.values()), (pagecache.ENTERPRISES,), build)
    return [found[key] for key in keys.values() if key in found]  # a post deleted meanwhile is left out


def _count_key(params: dict) -> str:
    """What a search's count depends on: its filters (not the order, not the page) and the day."""
    filters = urlencode(sorted((name, value) for name, value in params.items() if name != "sort"))
    return f"recruitment:capped:{timezone.localdate()}:{filters}"


def _search_results(params: dict, page_number, cursors: dict, count_key: str, known_capped: dict) -> dict:
    """The result part of the search page, the same for everyone: the cards (without saved marks),
    each card's HTML, the total and the page links. Cached by ``pagecache.fragment`` under "jobs".

    ``cursors``: the ``after`` or ``before`` cursor of the link followed (search.Cursor). The rows
    carry both sort columns, from which the links' cursors are made."""
    results = selectors.search_posts(params).values_list("pk", "updated_at", "published_at", "salary_max")
    counting = {"count_key": count_key, "known": known_capped, "paging": selectors.for_paging(results, params),
                **cursors}
    if params.get("q") and selectors.search_sort(params) == "relevance":
        paginator = RelevancePaginator(results, 20, title_q=title_match_q(results, params["q"]), **counting)
    else:  # a common keyword's page is walked in its ordering's index
        paginator = CappedPaginator(results, 20, walk_index=bool(params.get("q")), **counting)
    page = paginator.get_page(page_number)
    cards = _card_html(list(page.object_list))
    query = urlencode({name: value for name, value in sorted(params.items())})
    return {
        "cards": [card for card, _html in cards], "card_html": [html for _card, html in cards],
        "count_label": paginator.count_label, "is_capped": paginator.is_capped,
        "pagination": render_to_string("includes/pagination.html", {
            "page_obj": page, "query": query, "next_after": paginator.next_cursor(page),
            "previous_before": paginator.previous_cursor(page)}),
    }


@login_not_required
@public_page("jobs", pagecache.ENTERPRISES)
def job_list(request):
    form = JobSearchForm(request.GET or None)
    params = form.params()
    page_number = request.GET.get("page")
    # From the 下一页 / 上一页 link; anything else is left out.
    cursors = {name: Cursor.parse(request.GET.get(name)) for name in ("after", "before")}
    # Everything but the saved marks is everyone's: one cache round trip when warm (bench/recruitment.md).
    where = {"page": page_number or "1", **{name: cursor or "" for name, cursor in cursors.items()}}
    key = "recruitment:results:" + urlencode(sorted({**params, **where}.items()))
    count_key = _count_key(params)
    result, _hit = pagecache.fragment(key, ("jobs", pagecache.ENTERPRISES),
                                      lambda known: _search_results(params, page_number, cursors, count_key, known),
                                      prefetch=CappedPaginator.capped_keys(count_key))
    saved = selectors.saved_post_ids(request.user, [card["pk"] for card in result["cards"]])
    cards, card_html = result["cards"], result["card_html"]
    if saved:
        card_template = get_template("recruitment/_post_card.html")
        cards = [{**card, "saved": card["pk"] in saved} for card in cards]
        card_html = [card_template.render({"card": card}) if card["saved"] else html
                     for card, html in zip(cards, card_html, strict=True)]
    return render(request, "recruitment/job_list.html", {
        "form": form, "selects": form.selects(), "params": params, "result": result,
        "cards": cards, "card_html": card_html,
        "save_name": params.get("q") or "我的搜索",
    })


def _public_post(pk: int) -> tuple[JobPost, list[JobPost]]:
    post = selectors.get_public_post(pk)
    return post, selectors.other_posts_of_employer(post)


def _job_page_parts(pk: int) -> tuple[JobPost, list[JobPost]]:
    """The public post and its employer's other posts, kept under the key of what they show: the
    post's and the listed posts' ``updated_at`` and status (two light queries), the enterprises' and
    the employer profiles' versions. A change of any other post leaves them kept."""
    stamps = selectors.public_post_stamps(pk)
    if stamps is None:
        raise Http404
    key = f"recruitment:post-parts:{pk}:" + ";".join(f"{p}.{status}.{at.isoformat()}" for p, status, at in stamps)
    parts, _hit = pagecache.fragment(key, (pagecache.ENTERPRISES, selectors.EMPLOYERS), lambda: _public_post(pk))
    return parts


@login_not_required
@public_page("jobs", pagecache.ENTERPRISES)
def job_detail(request, pk: int):
    try:
        # A public post and its employer's other posts are everyone's: kept like the search results,
        # under "jobs" (no query while no post changed), then under what they show (_job_page_parts).
        (post, others), _hit = pagecache.fragment(f"recruitment:post:{pk}", ("jobs", pagecache.ENTERPRISES),
                                                  lambda: _job_page_parts(pk))
    except Http404:  # not public: its employer's or the area's staff preview, checked per person
        post = selectors.get_post_for_reader(request.user, pk)
        others = selectors.other_posts_of_employer(post)
    application = None
    if request.user.is_authenticated:
        application = Application.objects.filter(post=post, seeker=request.user).first()
    return render(request, "recruitment/job_detail.html", {
        "post": post, "others": others,
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


