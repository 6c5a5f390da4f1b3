"""What the publicity app plugs into core: navigation, console menu, to-dos, home, files, a person's data
copy and account closing."""
from __future__ import annotations

from django.urls import reverse

from apps.core.registry import HomeSection, PrivacyNote, RecordRow, TodoItem

GROUP = "宣传与评选"


def console_todos(user) -> list[TodoItem]:
    from . import selectors
    from .models import Article

    if not user.has_perm("publicity.review_article"):
        return []
    count = selectors.articles_for_user(user).filter(status=Article.Status.REVIEW).count()
    return [TodoItem(label="待审核的文章", count=count,
                     url=reverse("publicity:console_articles") + "?status=review", group=GROUP)]


def latest_news(request) -> HomeSection | None:
    from . import selectors

    articles = list(selectors.public_articles()[:5])
    if not articles:
        return None
    return HomeSection(title="工会资讯", order=40, more_url=reverse("publicity:article_list"),
                       rows=[RecordRow(title=a.title, url=a.get_absolute_url(), status=a.get_category_display(),
                                       when=a.published_at) for a in articles])


def can_see_article_file(user, obj, field_name: str) -> bool:
    """Covers and attachments of a public article are public; drafts only for the owning staff."""
    from apps.core.scoping import can_act_for

    from .models import Article

    article = obj if isinstance(obj, Article) else obj.article
    return article.is_public or can_act_for(user, article.organization)


def can_see_exemplar_file(user, obj, field_name: str) -> bool:
    from apps.core.scoping import can_act_for

    from .models import Exemplar

    exemplar = obj if isinstance(obj, Exemplar) else obj.exemplar
    return exemplar.is_published or can_act_for(user, exemplar.organization)


def can_see_nomination_file(user, obj, field_name: str) -> bool:
    """Supporting material: the nominating union's subtree and the organiser."""
    from apps.core.scoping import can_act_for

    return can_act_for(user, obj.nominated_by) or can_act_for(user, obj.campaign.organization)


def can_see_essay_file(user, obj, field_name: str) -> bool:
    """An essay's file: its author and the contest's judges."""
    from apps.core.scoping import can_act_for

    if not user.is_authenticated:
        return False
    return obj.author_id == user.pk or (user.has_perm("publicity.judge_essay")
                                        and can_act_for(user, obj.contest.organization))


# Articles have a category but no tags: guidance is a labour-law or policy article whose title names
# the topic (legal aid lists them beside disputes and collective negotiations).
GUIDANCE_KEYWORDS = {
    "wage_payment": ("工资", "薪酬", "生活费", "停工停产"),
    "employment": ("用工", "劳动合同", "劳动关系", "复工", "稳岗", "休假", "裁员", "劳动争议"),
}


def guidance(topic: str, limit: int) -> list:
    """Published labour-law and policy articles on employment or wage payment, newest first (one query)."""
    from django.db.models import Q

    from apps.core.registry import GuidanceArticle

    from . import selectors
    from .models import Article

    words = GUIDANCE_KEYWORDS.get(topic) or tuple(w for group in GUIDANCE_KEYWORDS.values() for w in group)
    about = Q()
    for word in words:
        about |= Q(title__contains=word)
    articles = (selectors.public_articles().filter(about, category__in=[Article.Category.LABOUR_LAW,
                                                                        Article.Category.POLICY])
                .select_related(None).only("pk", "title", "published_at")[:limit])
    return [GuidanceArticle(a.title, a.get_absolute_url(), a.published_at) for a in articles]


# What this app collects about a person, for the privacy notice (/privacy/).
PRIVACY_NOTES = (
    PrivacyNote(
        info="征文作品、投票、对公示提出的异议",
        when="参加征文、投票、提出异议",
        purpose="评选先进、公示",
        who="公开：获奖征文署名公开。",
        keep="未获奖的征文随注销删除；投票和异议作为评选记录保留。",
        order=60,
    ),
)


def register() -> None:
    from apps.core.registry import (
        ConsoleLink,
        NavItem,
        account_closers,
        console_menu,
        guidance_articles,
        home_sections,
        my_data_exports,
        nav_items,
        privacy_notes,
    )
    from apps.core.registry import console_todos as todo_registry
    from apps.core.uploads import private_files

    from .models import Article, ArticleAttachment, Essay, Exemplar, ExemplarPhoto, Nomination
    from .privacy import my_publicity_data, publicity_records_close

    nav_items.register(NavItem(label="工会资讯", url_name="publicity:article_list", order=70, icon="journal-text",
                               description="新闻、政策解读、健康知识、劳动法律"))
    nav_items.register(NavItem(label="评选表彰", url_name="publicity:campaign_list", order=71, icon="award",
                               description="最美职工、五一劳动奖章等评选，投票与公示"))
    console_menu.register(ConsoleLink(label="评选表彰", url_name="publicity:console_campaigns", group=GROUP,
                                      icon="award", order=501,
                                      permissions=("publicity.nominate", "publicity.run_campaign")))
    console_menu.register(ConsoleLink(label="文章管理", url_name="publicity:console_articles", group=GROUP,
                                      icon="journal-text", order=500, permissions=("publicity.write_article",)))
    nav_items.register(NavItem(label="先进典型", url_name="publicity:exemplar_gallery", order=72, icon="star",
                               description="抗疫一线和复工复产中的先进个人与集体"))
    nav_items.register(NavItem(label="征文活动", url_name="publicity:contest_list", order=73, icon="pencil-square",
                               description="“抗击疫情，我们在行动”主题征文"))
    console_menu.register(ConsoleLink(label="先进典型", url_name="publicity:console_exemplars", group=GROUP,
                                      icon="star", order=502, permissions=("publicity.write_article",)))
    console_menu.register(ConsoleLink(label="征文评审", url_name="publicity:console_contests", group=GROUP,
                                      icon="pencil-square", order=503, permissions=("publicity.judge_essay",)))
    todo_registry.register(console_todos)
    home_sections.register(latest_news)
    guidance_articles.register(guidance)
    private_files.register(Article, can_see_article_file)
    private_files.register(ArticleAttachment, can_see_article_file)
    private_files.register(Exemplar, can_see_exemplar_file)
    private_files.register(ExemplarPhoto, can_see_exemplar_file)
    private_files.register(Nomination, can_see_nomination_file)
    private_files.register(Essay, can_see_essay_file)
    my_data_exports.register(my_publicity_data)
    account_closers.register(publicity_records_close)
    for note in PRIVACY_NOTES:
        privacy_notes.register(note)
