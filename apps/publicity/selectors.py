"""Reads of the publicity app, scoped to who is asking."""
from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from apps.core.indicators import Indicator
from apps.core.models import Organization
from apps.core.scoping import org_scope_q
from apps.core.search import filter_substrings

from .models import Article, Campaign, CampaignQuota, Essay, EssayContest, Exemplar, Nomination, Objection


def public_articles(*, category: str = "", query: str = "") -> QuerySet[Article]:
    """Published articles whose publication time has come (scheduled ones appear by themselves)."""
    articles = Article.objects.filter(status=Article.Status.PUBLISHED, published_at__lte=timezone.now())
    if category in Article.Category.values:
        articles = articles.filter(category=category)
    if query:
        articles = filter_substrings(articles, query)
    return articles.select_related("organization").order_by("-published_at", "-pk")


def get_public_article(pk: int) -> Article:
    article = public_articles().filter(pk=pk).first()
    if article is None:
        raise Http404
    return article


def related_articles(article: Article, limit: int = 4) -> list[Article]:
    return list(public_articles(category=article.category).exclude(pk=article.pk)[:limit])


def articles_for_user(user) -> QuerySet[Article]:
    """Articles of the staff member's subtree."""
    return (Article.objects.filter(org_scope_q(user, "organization"))
            .select_related("organization", "author", "reviewer").order_by("-updated_at", "-pk"))


def get_article_for_user(user, pk: int) -> Article:
    article = articles_for_user(user).filter(pk=pk).first()
    if article is None:
        raise Http404
    return article


# --- selections -------------------------------------------------------------------------------

PUBLIC_PHASES = (Campaign.Status.VOTING, Campaign.Status.NOTICE, Campaign.Status.FINAL)


def public_campaigns() -> QuerySet[Campaign]:
    return Campaign.objects.all().order_by("-created_at", "-pk")


def get_public_campaign(pk: int) -> Campaign:
    campaign = public_campaigns().filter(pk=pk).first()
    if campaign is None:
        raise Http404
    return campaign


def _ordered(nominations: QuerySet[Nomination], campaign: Campaign) -> QuerySet[Nomination]:
    """Front-line nominees first where the campaign says so."""
    order = ["-front_line"] if campaign.front_line_priority else []
    return nominations.order_by(*order, "-vote_count", "pk")


def public_nominees(campaign: Campaign) -> QuerySet[Nomination]:
    """Nominees shown publicly: from the voting phase on, those still in the running (or selected)."""
    if campaign.status not in PUBLIC_PHASES:
        return Nomination.objects.none()
    nominations = campaign.nominations.exclude(status=Nomination.Status.REJECTED).filter(
        rounds_passed__gte=campaign.review_round).select_related("district")
    if campaign.status == Campaign.Status.FINAL:
        nominations = nominations.filter(status=Nomination.Status.SELECTED)
    return _ordered(nominations.annotate(vote_count=Count("votes")), campaign)


def get_public_nominee(pk: int) -> Nomination:
    nomination = Nomination.objects.select_related("campaign").filter(pk=pk).first()
    if nomination is None or not public_nominees(nomination.campaign).filter(pk=pk).exists():
        raise Http404
    return nomination


def campaigns_for_user(user) -> QuerySet[Campaign]:
    """Staff: selections run by their organisation's ancestors (to nominate) or within their subtree."""
    organization = getattr(user, "organization", None)
    if organization is None:
        return Campaign.objects.filter(org_scope_q(user, "organization"))
    ancestors = [organization.path[:i + 1] for i, ch in enumerate(organization.path) if ch == "/"]
    return (Campaign.objects.filter(Q(organization__path__in=ancestors + [organization.path])
                                    | org_scope_q(user, "organization"))
            .select_related("organization").order_by("-created_at", "-pk"))


def get_campaign_for_user(user, pk: int) -> Campaign:
    campaign = campaigns_for_user(user).filter(pk=pk).first()
    if campaign is None:
        raise Http404
    return campaign


def campaign_districts(campaign: Campaign) -> QuerySet[Organization]:
    """The county-level unions (and industry unions) that nominate in a selection."""
    return Organization.objects.filter(
        path__startswith=campaign.organization.path,
        org_type__in=[Organization.Type.COUNTY, Organization.Type.INDUSTRY]).order_by("path")


def used_by_district(campaign: Campaign) -> dict[int, int]:
    """Places used per county-level union: its nominations that were not turned down."""
    return dict(campaign.nominations.exclude(status=Nomination.Status.REJECTED).order_by()
                .values_list("district").annotate(n=Count("pk")))


@dataclass(frozen=True)
class QuotaRow:
    district: Organization
    quota: int
    used: int
    own: bool  # set for this county; otherwise the campaign's default

    @property
    def left(self) -> int:
        return max(self.quota - self.used, 0)


def quota_usage(user, campaign: Campaign) -> list[QuotaRow]:
    """Each county's quota and usage, in a fixed number of queries: the organiser sees every county, a nominating
    union only its own county-level union."""
    from apps.core.scoping import can_act_for

    districts = campaign_districts(campaign)
    if not can_act_for(user, campaign.organization):
        county = getattr(getattr(user, "organization", None), "county", None)
        districts = districts.filter(pk=county.pk) if county is not None else districts.none()
    own = dict(CampaignQuota.objects.filter(campaign=campaign).values_list("district_id", "quota"))
    used = used_by_district(campaign)
    return [QuotaRow(district=d, quota=own.get(d.pk, campaign.default_quota), used=used.get(d.pk, 0),
                     own=d.pk in own) for d in districts]


def nominations_for_user(user, campaign: Campaign) -> QuerySet[Nomination]:
    """The organiser sees every nomination; a nominating union those of its own subtree."""
    nominations = campaign.nominations.select_related("district", "nominated_by").annotate(vote_count=Count("votes"))
    from apps.core.scoping import can_act_for

    if not can_act_for(user, campaign.organization):
        nominations = nominations.filter(org_scope_q(user, "nominated_by"))
    return _ordered(nominations, campaign)


def get_nomination_for_user(user, pk: int) -> Nomination:
    nomination = Nomination.objects.select_related("campaign").filter(pk=pk).first()
    if nomination is None or not nominations_for_user(user, nomination.campaign).filter(pk=pk).exists():
        raise Http404
    return nomination


def get_objection_for_user(user, pk: int) -> Objection:
    objection = Objection.objects.select_related("nomination__campaign").filter(pk=pk).first()
    if objection is None or not nominations_for_user(user, objection.nomination.campaign).filter(
            pk=objection.nomination_id).exists():
        raise Http404
    return objection


def honour_recommendations_for(user) -> list:
    """Recommendations from other apps (women workers' work) registered in core."""
    from apps.core.registry import honour_recommendations

    found = []
    for provider in honour_recommendations:
        found.extend(provider(user) or [])
    return found


# --- exemplars and essays ----------------------------------------------------------------------

def public_exemplars(*, tag: str = "") -> QuerySet[Exemplar]:
    exemplars = Exemplar.objects.filter(is_published=True)
    if tag == "front_line":
        exemplars = exemplars.filter(front_line=True)
    elif tag == "resumption":
        exemplars = exemplars.filter(resumption=True)
    return exemplars.order_by("-published_at", "-pk")


def get_public_exemplar(pk: int) -> Exemplar:
    exemplar = public_exemplars().filter(pk=pk).first()
    if exemplar is None:
        raise Http404
    return exemplar


def exemplars_for_user(user) -> QuerySet[Exemplar]:
    return Exemplar.objects.filter(org_scope_q(user, "organization")).order_by("-created_at", "-pk")


def get_exemplar_for_user(user, pk: int) -> Exemplar:
    exemplar = exemplars_for_user(user).filter(pk=pk).first()
    if exemplar is None:
        raise Http404
    return exemplar


def public_contests() -> QuerySet[EssayContest]:
    return EssayContest.objects.all().order_by("-opens_on", "-pk")


def get_public_contest(pk: int) -> EssayContest:
    contest = public_contests().filter(pk=pk).first()
    if contest is None:
        raise Http404
    return contest


def winning_essays(contest: EssayContest) -> QuerySet[Essay]:
    if contest.status != EssayContest.Status.PUBLISHED:
        return Essay.objects.none()
    return contest.essays.exclude(award="").select_related("author").order_by("award", "pk")


def get_winning_essay(pk: int) -> Essay:
    essay = Essay.objects.select_related("contest", "author").filter(pk=pk).first()
    if essay is None or not winning_essays(essay.contest).filter(pk=pk).exists():
        raise Http404
    return essay


def contests_for_judge(user) -> QuerySet[EssayContest]:
    return EssayContest.objects.filter(org_scope_q(user, "organization")).order_by("-opens_on", "-pk")


def get_contest_for_judge(user, pk: int) -> EssayContest:
    contest = contests_for_judge(user).filter(pk=pk).first()
    if contest is None:
        raise Http404
    return contest


def essays_for_judge(user, contest: EssayContest):
    """The judge's view of the entries: never the author (only() leaves the author out of the query)."""
    from django.db.models import Avg, FilteredRelation

    return (contest.essays.only("pk", "title", "award", "contest_id", "created_at")
            .annotate(mine=FilteredRelation("scores", condition=Q(scores__judge=user)))
            .annotate(average=Avg("scores__score"), my_score=Avg("mine__score"))
            .order_by("pk"))


def get_essay_for_judge(user, pk: int) -> Essay:
    essay = Essay.objects.only("pk", "title", "text", "file", "award", "contest_id").filter(pk=pk).first()
    if essay is None or not contests_for_judge(user).filter(pk=essay.contest_id).exists():
        raise Http404
    return essay


def _articles_published(organizations, start, end):
    from apps.core.indicators import period_bounds, subtree_totals

    low, high = period_bounds(start, end)
    published = Article.objects.filter(status=Article.Status.PUBLISHED, published_at__gte=low, published_at__lt=high)
    return subtree_totals(published, org_field="organization", organizations=organizations)


def _articles_link(organization, start, end) -> str:
    from django.urls import reverse

    return f"{reverse('publicity:console_articles')}?status=published"


def _nominations(organizations, start, end):
    from apps.core.indicators import period_bounds, subtree_totals

    low, high = period_bounds(start, end)
    return subtree_totals(Nomination.objects.filter(created_at__gte=low, created_at__lt=high),
                          org_field="nominated_by", organizations=organizations)


def _front_line_share(organizations, start, end):
    from decimal import Decimal

    from apps.core.indicators import period_bounds, subtree_totals

    low, high = period_bounds(start, end)
    within = Nomination.objects.filter(created_at__gte=low, created_at__lt=high)
    total = subtree_totals(within, org_field="nominated_by", organizations=organizations)
    front = subtree_totals(within.filter(front_line=True), org_field="nominated_by", organizations=organizations)
    return {pk: (Decimal(front.get(pk, 0) * 100) / total[pk]).quantize(Decimal("0.1")) if total.get(pk) else Decimal(0)
            for pk in total}


def _essays_received(organizations, start, end):
    from apps.core.indicators import period_bounds, subtree_totals

    low, high = period_bounds(start, end)
    return subtree_totals(Essay.objects.filter(created_at__gte=low, created_at__lt=high),
                          org_field="contest__organization", organizations=organizations)


def _console_link(url_name: str):
    def build(organization, start, end) -> str:
        from django.urls import reverse

        return reverse(url_name)

    return build


INDICATORS = [
    Indicator(key="publicity.articles_published", label="发布宣传文章数", unit="篇", compute=_articles_published,
              link=_articles_link),
    Indicator(key="publicity.nominations", label="评选推荐人数", unit="人", compute=_nominations,
              link=_console_link("publicity:console_campaigns")),
    Indicator(key="publicity.front_line_share", label="推荐人选中一线人员占比", unit="%", compute=_front_line_share,
              link=_console_link("publicity:console_campaigns"),
              description="期间内推荐的人选中，有抗疫或复工复产一线贡献的比例"),
    Indicator(key="publicity.essays_received", label="收到征文篇数", unit="篇", compute=_essays_received,
              link=_console_link("publicity:console_contests")),
]


def recommendation_fields(recommendations: list) -> list[dict]:
    """Women workers' recommendations (core.registry.HonourRecommendation) as the fields of nominations."""
    from apps.core.models import Organization

    names = dict(Organization.objects.filter(pk__in={r.organization_id for r in recommendations})
                 .values_list("pk", "name"))
    return [{"nominee_name": r.name[:80], "workplace": names.get(r.organization_id, "（未填写）")[:120],
             "deeds": (r.summary or "来自女职工工作的推荐")[:3000], "front_line": r.front_line,
             "is_collective": False, "source_key": f"{r.source}:{r.source_id}"[:80]}
            for r in recommendations]
