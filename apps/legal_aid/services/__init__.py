"""Writes of the legal-aid app: atomic, locked, audited, with one table of allowed transitions.

One module per area, re-exported here so that callers write ``services.consultation_ask``.
"""
from .cases import (  # noqa: F401
    CASE_TRANSITIONS,
    case_accept,
    case_apply,
    case_assign,
    case_close,
    case_decline,
    case_money,
    case_record_stage,
    case_set_green_channel,
    case_withdraw,
    green_channel_for,
)
from .consultations import (  # noqa: F401
    DEFAULT_CATEGORIES,
    TRANSITIONS,
    build_faq_document,
    categories_ensure,
    category_set_hours,
    consultation_answer,
    consultation_ask,
    consultation_assign,
    consultation_claim,
    consultation_close,
    consultation_note,
    consultation_rate,
    consultation_reply,
    escalate_overdue,
    faq_publish,
    routed_organization,
)
from .disputes import (  # noqa: F401
    DISPUTE_TRANSITIONS,
    collective_by_rule,
    dispute_alert,
    dispute_progress,
    dispute_record,
    dispute_thresholds,
    dispute_update,
    major_reasons,
    thresholds_set,
)
from .negotiations import negotiation_record  # noqa: F401
from .screening import screening_record  # noqa: F401
