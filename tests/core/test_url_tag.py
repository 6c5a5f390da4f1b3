"""``{% url %}`` with constant arguments is reversed once per prefix and URLconf (apps.core.templatetags.portal)."""
from __future__ import annotations

import pytest
from django.template import engines
from django.template.defaulttags import URLNode
from django.test import RequestFactory
from django.urls import reverse, set_script_prefix

from apps.core.templatetags.portal import ConstantURLNode


def _render(source: str, **context) -> str:
    return engines["django"].from_string(source).render(context)


def test_constant_links_match_django_and_follow_the_script_prefix():
    template = engines["django"].from_string("{% url 'core:home' %}|{% url 'recruitment:job_detail' 5 %}")
    assert {type(node) for node in template.template.nodelist.get_nodes_by_type(URLNode)} == {ConstantURLNode}
    assert template.render({}) == f"{reverse('core:home')}|{reverse('recruitment:job_detail', args=[5])}"
    try:
        set_script_prefix("/portal/")
        assert template.render({}) == "/portal/|/portal/jobs/5/"
    finally:
        set_script_prefix("/")
    assert template.render({}) == "/|/jobs/5/"


@pytest.mark.parametrize("source", ["{% url 'recruitment:job_detail' pk %}", "{% url name %}",
                                    "{% url 'recruitment:job_detail' pk|add:1 %}"])
def test_a_link_with_a_variable_is_reversed_every_time(source):
    template = engines["django"].from_string(source)
    assert not any(isinstance(node, ConstantURLNode) for node in template.template.nodelist)
    if "name" in source:
        assert template.render({"name": "core:home"}) == "/"
        assert template.render({"name": "core:me"}) == reverse("core:me")
    else:
        assert template.render({"pk": 1}) != template.render({"pk": 2})


def test_as_variable_and_missing_names_behave_as_in_django():
    assert _render("{% url 'core:home' as home %}[{{ home }}]") == "[/]"
    assert _render("{% url 'no:such' as missing %}[{{ missing }}]") == "[]"
    request = RequestFactory().get("/")
    assert _render("{% url 'core:home' %}", request=request) == "/"
