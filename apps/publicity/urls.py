from django.contrib.auth.decorators import login_not_required
from django.urls import path

from . import views
from .feeds import LatestArticlesFeed

app_name = "publicity"

urlpatterns = [
    path("", views.article_list, name="article_list"),
    path("<int:pk>/", views.article_detail, name="article_detail"),
    path("feed/", login_not_required(LatestArticlesFeed()), name="feed"),
    path("console/articles/", views.console_articles, name="console_articles"),
    path("console/articles/new/", views.article_edit, name="article_create"),
    path("console/articles/<int:pk>/edit/", views.article_edit, name="article_edit"),
    path("console/articles/<int:pk>/", views.article_manage, name="article_manage"),
    path("console/articles/<int:pk>/transition/", views.article_transition, name="article_transition"),
]
