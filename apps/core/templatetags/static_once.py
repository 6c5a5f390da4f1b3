"""Django's ``static`` library, with the address of a constant path worked out once per process.

Registered under the name ``static`` (``TEMPLATES[...]["OPTIONS"]["libraries"]``), so every
``{% load static %}`` gets it. A page prints half a dozen stylesheet, script and icon addresses,
each a manifest lookup and a URL join; the answer only changes with a deployment (a new process)
or with the ``STATIC_URL``/``STORAGES`` settings, whose change clears what is kept.
"""
from __future__ import annotations

from django import template
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.templatetags import static as django_static

from .portal import _is_literal

register = template.Library()
register.tags.update(django_static.register.tags)
register.filters.update(django_static.register.filters)

_addresses: dict[str, str] = {}


class ConstantStaticNode(django_static.StaticNode):
    """``{% static "css/portal.css" %}``: the address is kept after the first render."""

    def url(self, context):
        path = self.path.resolve(context)
        address = _addresses.get(path)
        if address is None:
            address = _addresses[path] = self.handle_simple(path)
        return address


@register.tag("static")
def do_static(parser, token):
    node = django_static.StaticNode.handle_token(parser, token)
    if _is_literal(node.path):
        return ConstantStaticNode(node.varname, node.path)
    return node


@receiver(setting_changed)
def _forget_addresses(*, setting, **kwargs):
    if setting in ("STATIC_URL", "STORAGES", "INSTALLED_APPS"):
        _addresses.clear()
