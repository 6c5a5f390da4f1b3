# ruff: noqa: F401
from .aid import (
    aid_apply,
    aid_detail,
    aid_enter,
    aid_list,
    aid_pay,
    aid_payment_return,
    aid_repay,
    aid_resubmit,
    aid_review,
    aid_withdraw,
)
from .dashboard import dashboard, dashboard_export, tier_rules
from .funds import fund_allocate, fund_create, fund_detail, fund_export, fund_list
from .registry import (
    registry_action,
    registry_create,
    registry_detail,
    registry_export,
    registry_list,
    registry_reveal,
)
from .visits import visit_plan_create, visit_plan_detail, visit_plan_list, visit_record
