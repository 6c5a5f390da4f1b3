"""Template helpers of labour disputes and negotiations: the guidance block and amounts as a clerk reads them."""
from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django import template

from apps.core.registry import guidance_articles

register = template.Library()


@register.inclusion_tag("legal_aid/disputes/_guidance.html")
def guidance_block(topic: str = "", limit: int = 5):
    """用工与工资支付指导: whatever the guidance registry returns (publicity's articles), or an empty state."""
    return {"guides": guidance_articles.collect(topic, limit)}


@register.filter
def yuan(value, exact: bool = False) -> str:
    """680000 → "68 万元", 1234.5 → "1,234.50 元"; ``exact`` always gives 元 to the fen."""
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return ""
    if not amount.is_finite():
        return ""
    if exact or abs(amount) < 10_000:
        return f"{amount:,.2f} 元"
    return f"{(amount / 10_000).quantize(Decimal('0.01')).normalize():f} 万元"
