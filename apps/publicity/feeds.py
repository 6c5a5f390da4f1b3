from __future__ import annotations

from django.contrib.syndication.views import Feed
from django.urls import reverse_lazy

from . import selectors


class LatestArticlesFeed(Feed):
    title = "焦作职工服务平台 · 工会资讯"
    link = reverse_lazy("publicity:article_list")
    description = "焦作市总工会发布的新闻、政策解读、健康知识与劳动法律。"

    def items(self):
        return selectors.public_articles()[:30]

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return item.summary

    def item_pubdate(self, item):
        return item.published_at

    def item_categories(self, item):
        return [item.get_category_display()]
