"""Services: common."""
from __future__ import annotations

from django.core.exceptions import PermissionDenied

from apps.core.models import Organization
from apps.core.scoping import can_act_for

# A browser's auto-submit at zero arrives a moment late; this much network latency is forgiven.
SUBMIT_GRACE_SECONDS = 5
PARTICIPANT_ORG_TYPES = (Organization.Type.GRASSROOTS, Organization.Type.COUNTY, Organization.Type.INDUSTRY)

ARTICLE_TAGS = {"p", "br", "strong", "em", "ul", "ol", "li", "h3", "h4", "blockquote", "a", "img"}


def _require_org(actor, organization: Organization) -> None:
    if not can_act_for(actor, organization):
        raise PermissionDenied("只能操作本组织及下级组织的事项。")


# --- participants -----------------------------------------------------------------------------

