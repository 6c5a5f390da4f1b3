from django.contrib.auth.decorators import login_not_required
from django.urls import path

from . import views
from .feeds import LatestArticlesFeed

app_name = "publicity"

urlpatterns = [
    path("", views.article_list, name="article_list"),
    path("<int:pk>/", views.article_detail, name="article_detail"),
    path("feed/", login_not_required(LatestArticlesFeed()), name="feed"),
    path("campaigns/", views.campaign_list_public, name="campaign_list"),
    path("campaigns/<int:pk>/", views.campaign_public, name="campaign_public"),
    path("nominees/<int:pk>/vote/", views.vote, name="vote"),
    path("nominees/<int:pk>/objection/", views.objection_new, name="objection_new"),
    path("exemplars/", views.exemplar_gallery, name="exemplar_gallery"),
    path("exemplars/<int:pk>/", views.exemplar_detail, name="exemplar_detail"),
    path("contests/", views.contest_list, name="contest_list"),
    path("contests/<int:pk>/", views.contest_public, name="contest_public"),
    path("contests/<int:pk>/submit/", views.essay_submit, name="essay_submit"),
    path("essays/<int:pk>/", views.essay_public, name="essay_public"),
    path("console/exemplars/", views.console_exemplars, name="console_exemplars"),
    path("console/exemplars/new/", views.exemplar_create, name="exemplar_create"),
    path("console/exemplars/<int:pk>/", views.exemplar_manage, name="exemplar_manage"),
    path("console/contests/", views.console_contests, name="console_contests"),
    path("console/contests/new/", views.contest_create, name="contest_create"),
    path("console/contests/<int:pk>/", views.contest_judge, name="contest_judge"),
    path("console/contests/<int:pk>/advance/", views.contest_advance, name="contest_advance"),
    path("console/essays/<int:pk>/", views.essay_judge, name="essay_judge"),
    path("console/articles/", views.console_articles, name="console_articles"),
    path("console/articles/new/", views.article_edit, name="article_create"),
    path("console/articles/<int:pk>/edit/", views.article_edit, name="article_edit"),
    path("console/articles/<int:pk>/", views.article_manage, name="article_manage"),
    path("console/articles/<int:pk>/transition/", views.article_transition, name="article_transition"),
    path("console/campaigns/", views.console_campaigns, name="console_campaigns"),
    path("console/campaigns/new/", views.campaign_create, name="campaign_create"),
    path("console/campaigns/<int:pk>/", views.campaign_manage, name="campaign_manage"),
    path("console/campaigns/<int:pk>/quotas/", views.campaign_quotas, name="campaign_quotas"),
    path("console/campaigns/<int:pk>/advance/", views.campaign_advance, name="campaign_advance"),
    path("console/campaigns/<int:pk>/next-round/", views.campaign_next_round, name="campaign_next_round"),
    path("console/campaigns/<int:pk>/recommendations/", views.recommendation_convert,
         name="recommendation_convert"),
    path("console/nominations/<int:pk>/review/", views.nomination_review, name="nomination_review"),
    path("console/objections/<int:pk>/answer/", views.objection_answer, name="objection_answer"),
]
