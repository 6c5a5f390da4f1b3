"""``{% load static %}`` loads Django's tags, a constant path's address kept (apps.core.templatetags.static_once)."""
from __future__ import annotations

from django.template import engines
from django.templatetags.static import StaticNode, static
from django.test import override_settings

from apps.core.templatetags.static_once import ConstantStaticNode


def _template(source: str):
    return engines["django"].from_string("{% load static %}" + source)


def test_a_constant_path_matches_django_and_follows_the_settings():
    template = _template('{% static "css/portal.css" %}|{% get_static_prefix %}')
    assert any(isinstance(node, ConstantStaticNode) for node in template.template.nodelist)
    assert template.render({}) == f"{static('css/portal.css')}|/static/"
    with override_settings(STATIC_URL="/assets/"):
        assert template.render({}) == "/assets/css/portal.css|/assets/"
    assert template.render({}) == "/static/css/portal.css|/static/"


def test_a_variable_path_and_as_work_as_in_django():
    template = _template('{% static path %}|{% static "img/favicon.svg" as icon %}<{{ icon }}>')
    variable, constant = template.template.nodelist.get_nodes_by_type(StaticNode)
    assert type(variable) is StaticNode and type(constant) is ConstantStaticNode
    assert template.render({"path": "a b.css"}) == "/static/a%20b.css|</static/img/favicon.svg>"
    assert template.render({"path": "js/x.js"}).startswith("/static/js/x.js|")


def test_the_address_is_escaped_like_djangos():
    assert _template('{% static "a&b.css" %}').render({}) == "/static/a%26b.css"
