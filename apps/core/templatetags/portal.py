from __future__ import annotations

from functools import lru_cache

from django import template
from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.template import defaulttags
from django.template.defaulttags import URLNode
from django.templatetags.static import static
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from apps.core import validators
from apps.core.icons import SPRITE_PATH
from apps.core.uploads import private_file_url

register = template.Library()


@register.filter
def mask_id(value: str) -> str:
    return validators.mask_resident_id(value or "")


@register.filter
def mask_phone(value: str) -> str:
    return validators.mask_mobile(value or "")


@register.filter
def mask_name(value: str) -> str:
    return validators.mask_name(value or "")


@register.simple_tag
def file_url(obj, field_name: str, inline: bool = False) -> str:
    return private_file_url(obj, field_name, inline=inline)


@register.inclusion_tag("includes/pagination.html", takes_context=True)
def paginate(context, page_obj):
    """Page links that keep the current query string (filters, search)."""
    query = context["request"].GET.copy()
    query.pop("page", None)
    return {"page_obj": page_obj, "query": query.urlencode()}


@register.filter
def web_link(value: str) -> str:
    """The address if it is a safe ``http``/``https`` link, else an empty string (rendered as no link)."""
    return value if validators.is_web_link(value or "") else ""


@register.simple_tag
def form_error_count(form) -> int:
    """How many fields of a bound form carry an error (the form-wide errors are listed, not counted)."""
    if form is None or not getattr(form, "is_bound", False):
        return 0
    return sum(1 for name in form.errors if name != "__all__")


@register.simple_tag
def icon(name: str, label: str = "", **attrs) -> str:
    """An icon from the sprite: ``{% icon "briefcase" %}``; with ``label`` it is announced, else hidden."""
    return _icon_html(name, label, attrs.get("class", ""))


@lru_cache(maxsize=1024)
def _icon_html(name: str, label: str, css_class: str) -> str:
    """The same few dozen icons are printed on every page (about 25 on a job search page): built once
    per process, since the sprite's address only changes with a deployment."""
    css = " ".join(filter(None, ["bi", css_class]))
    if label:
        a11y = format_html(' role="img" aria-label="{}"', label)
    else:
        a11y = mark_safe(' aria-hidden="true" focusable="false"')
    return format_html('<svg class="{}"{}><use href="{}#{}"></use></svg>', css, a11y, static(SPRITE_PATH), name)


@receiver(setting_changed)
def _forget_icons(*, setting, **kwargs):
    if setting in ("STATIC_URL", "STORAGES"):
        _icon_html.cache_clear()


def _is_literal(expression) -> bool:
    """A template expression that is a constant: a quoted string or a number, without filters."""
    if expression.filters:
        return False
    return not isinstance(expression.var, template.Variable) or expression.var.lookups is None


def _reversal_key(context) -> tuple:
    """What a reversal depends on besides the name and arguments (see ConstantURLNode)."""
    request = context.get("request")
    current_app = getattr(request, "current_app", None)
    if current_app is None:
        current_app = getattr(getattr(request, "resolver_match", None), "namespace", None)
    return get_script_prefix(), get_urlconf(), settings.ROOT_URLCONF, get_language(), current_app


class ConstantURLNode(URLNode):
    """A ``{% url %}`` whose view name and arguments are all literals (the layout's links, about
    twenty on every page): reversed once per script prefix, URLconf, language and current app, and
    kept on the node, since a reversal costs ~70 µs and its answer only changes with those."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._rendered: dict[tuple, str] = {}

    def render(self, context):
        key = (*_reversal_key(context), context.autoescape)
        rendered = self._rendered.get(key)
        if rendered is None:
            rendered = self._rendered[key] = super().render(context)
        return rendered


@lru_cache(maxsize=4096)
def _kept_reverse(view_name: str, args: tuple, kwargs: tuple, current_app, *_conditions) -> str:
    """``reverse()`` kept per process; ``_conditions`` (prefix, URLconf, language) are only part of the key."""
    return reverse(view_name, args=args, kwargs=dict(kwargs), current_app=current_app)


@receiver(setting_changed)
def _forget_reversals(*, setting, **kwargs):
    if setting == "ROOT_URLCONF":
        _kept_reverse.cache_clear()


def _keepable(value) -> bool:
    return isinstance(value, (int, str))


class KeptURLNode(URLNode):
    """A ``{% url %}`` with variables (a post's page in a list of posts, its apply and save forms):
    when the name and every argument are strings or integers, the address is kept per process under
    the same conditions as :class:`ConstantURLNode`'s; other arguments go to Django's own rendering."""

    def render(self, context):
        args = tuple(arg.resolve(context) for arg in self.args)
        kwargs = tuple(sorted((name, value.resolve(context)) for name, value in self.kwargs.items()))
        view_name = self.view_name.resolve(context)
        if not (_keepable(view_name) and all(map(_keepable, args)) and all(_keepable(v) for _n, v in kwargs)):
            return super().render(context)
        prefix, urlconf, root_urlconf, language, current_app = _reversal_key(context)
        url = ""
        try:
            url = _kept_reverse(view_name, args, kwargs, current_app, prefix, urlconf, root_urlconf, language)
        except NoReverseMatch:
            if self.asvar is None:
                raise
        if self.asvar:
            context[self.asvar] = url
            return ""
        return conditional_escape(url) if context.autoescape else url


@register.tag
def url(parser, token):
    """Django's ``{% url %}`` (this library is a builtin, so it takes the name): constant links are
    a :class:`ConstantURLNode`, the others a :class:`KeptURLNode`."""
    node = defaulttags.url(parser, token)
    if node.asvar is None and all(_is_literal(part) for part in (node.view_name, *node.args, *node.kwargs.values())):
        return ConstantURLNode(node.view_name, node.args, node.kwargs, node.asvar)
    return KeptURLNode(node.view_name, node.args, node.kwargs, node.asvar)
