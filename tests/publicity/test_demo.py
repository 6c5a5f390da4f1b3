from __future__ import annotations

import pytest
from django.core.management import call_command

from apps.publicity.models import Article, Campaign, Essay, Exemplar, Nomination


@pytest.mark.django_db
def test_seed_demo_fills_publicity_and_is_repeatable(client):
    call_command("seed_demo", verbosity=0)
    assert Article.objects.count() == 30
    assert set(Article.objects.values_list("category", flat=True)) == set(Article.Category.values)
    assert Exemplar.objects.filter(is_published=True).exists()
    assert Campaign.objects.filter(kind="most_beautiful", status="voting").exists()
    assert Nomination.objects.filter(front_line=True).exists() and Essay.objects.count() >= 3
    call_command("seed_demo", verbosity=0)
    assert Article.objects.count() == 30
    assert client.get("/news/", {"q": "工伤"}).content.decode().count('data-testid="article-row"') == 1
