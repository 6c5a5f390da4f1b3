"""``{% url %}`` with constant arguments is reversed once per prefix and URLconf (apps.core.templatetags.portal)."""
from __future__ import annotations

import pytest
from django.template import engines
from django.template.defaulttags import URLNode
from django.test import RequestFactory
from django.urls import NoReverseMatch, reverse, set_script_prefix

from apps.core.templatetags.portal import ConstantURLNode, KeptURLNode


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
def test_a_link_with_a_variable_is_reversed_for_each_value(source):
    template = engines["django"].from_string(source)
    assert {type(node) for node in template.template.nodelist} == {KeptURLNode}
    if "name" in source:
        assert template.render({"name": "core:home"}) == "/"
        assert template.render({"name": "core:me"}) == reverse("core:me")
    else:
        added = 1 if "add" in source else 0
        assert [template.render({"pk": pk}) for pk in (1, 2, 1)] == [f"/jobs/{pk + added}/" for pk in (1, 2, 1)]


def test_a_kept_link_follows_the_script_prefix_and_escapes_like_django():
    template = engines["django"].from_string("{% url 'recruitment:job_detail' pk %}|{% url 'core:home' %}")
    assert template.render({"pk": 7}) == "/jobs/7/|/"
    try:
        set_script_prefix("/portal/")
        assert template.render({"pk": 7}) == "/portal/jobs/7/|/portal/"
    finally:
        set_script_prefix("/")
    assert template.render({"pk": 7}) == "/jobs/7/|/"


def test_other_arguments_and_unknown_names_are_left_to_django():
    class Pk:
        def __str__(self):
            return "9"

    template = engines["django"].from_string("{% url 'recruitment:job_detail' pk %}")
    assert template.render({"pk": Pk()}) == "/jobs/9/"
    with pytest.raises(NoReverseMatch):
        engines["django"].from_string("{% url name %}").render({"name": "no:such"})
    assert _render("{% url name as missing %}[{{ missing }}]", name="no:such") == "[]"
    assert _render("{% url 'recruitment:job_detail' pk as link %}[{{ link }}]", pk=4) == "[/jobs/4/]"


def test_as_variable_and_missing_names_behave_as_in_django():
    assert _render("{% url 'core:home' as home %}[{{ home }}]") == "[/]"
    assert _render("{% url 'no:such' as missing %}[{{ missing }}]") == "[]"
    request = RequestFactory().get("/")
    assert _render("{% url 'core:home' %}", request=request) == "/"
