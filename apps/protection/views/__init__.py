"""Thin views of the protection app, by area."""
from .hazards import hazard_assign, hazard_detail, hazard_list, hazard_rectify, hazard_reopen, hazard_verify  # noqa: F401
from .inspections import (  # noqa: F401
    inspection_create,
    inspection_detail,
    inspection_list,
    template_create,
    template_detail,
    template_item_remove,
    template_list,
)
from .other import (  # noqa: F401
    accident_create,
    ankang_list,
    ankang_winner,
    dashboard,
    dashboard_export,
    health_enterprise,
    health_list,
    visit_create,
    visit_detail,
    visit_list,
)
from .plans import plan_compare, plan_detail, plan_list, plan_review, plan_submit  # noqa: F401
from .public import follow, report  # noqa: F401
