"""Every write of the relief app (atomic, locked, audited), re-exported by area."""
# ruff: noqa: F401
from .aid import (
    NEXT_ON_APPROVAL,
    WITHDRAWABLE,
    aid_apply,
    aid_approve,
    aid_pay,
    aid_payment_return,
    aid_repay,
    aid_resubmit,
    aid_return,
    aid_withdraw,
    current_ruleset,
    level_of,
    rule_for,
    tier_propose,
    tier_rules_save,
)
from .funds import fund_allocate, fund_create, fund_disburse, fund_release, fund_reserve, fund_reverse
from .registry import (
    needy_file_close,
    needy_file_create,
    needy_file_review,
    needy_help_record,
    needy_reveal_id_number,
    needy_reviews_remind,
)
from .visits import visit_plan_create, visit_record
