"""Every write of the protection app (atomic, locked, audited), re-exported by area."""
# ruff: noqa: F401
from . import hazards
from .hazards import TRANSITIONS as HAZARD_TRANSITIONS
from .hazards import (
    hazard_assign,
    hazard_raise,
    hazard_rectify,
    hazard_reopen,
    hazard_report_public,
    hazard_verify,
    hazards_escalate,
)
from .inspections import inspection_submit, template_create, template_item_add, template_item_remove, validate_period
from .other import (
    accident_report,
    ankang_mark_winner,
    ankang_register,
    check_figures,
    health_figure_report,
    health_rules_save,
    visit_record,
    visits_send_follow_up_reminders,
)
from .plans import TRANSITIONS as PLAN_TRANSITIONS
from .plans import plan_review, plan_submit
