"""Article bodies are HTML from the editors' rich-text box; what is stored is cleaned by nh3."""
from __future__ import annotations

import nh3

ALLOWED_TAGS = {
    "p", "br", "strong", "b", "em", "i", "u", "s", "h2", "h3", "h4", "blockquote", "ul", "ol", "li",
    "a", "img", "table", "thead", "tbody", "tr", "th", "td", "hr", "figure", "figcaption", "span",
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "width", "height"},
    "th": {"colspan", "rowspan"},
    "td": {"colspan", "rowspan"},
}


def clean_html(html: str) -> str:
    """Only formatting survives: no script or style, no on* handlers, links only http(s)/mailto."""
    return nh3.clean(
        html.replace("\x00", ""),
        tags=ALLOWED_TAGS,
        clean_content_tags={"script", "style"},
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
    )


def plain_text(html: str) -> str:
    return nh3.clean(html, tags=set(), clean_content_tags={"script", "style"})
