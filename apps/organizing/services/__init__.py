"""Writes of the organizing app, by area (re-exported here)."""
from .census import census_import_create, census_import_run  # noqa: F401, E402
from .elections import (  # noqa: F401, E402
    current_epidemic,
    election_postpone,
    election_record,
    epidemic_record,
    remind_overdue_elections,
    social_worker_register,
    social_worker_review,
    term_set,
)
from .founding import plan_found, plan_note_add, plan_save  # noqa: F401, E402
from .member_import import MemberImportRefused, members_import  # noqa: F401, E402
from .membership import (  # noqa: F401
    application_approve,
    application_return,
    application_submit,
    application_withdraw,
    catch_all_union_for,
    check_id_number,
    membership_end,
    membership_leave,
    membership_transfer,
    next_member_number,
    route_union,
)
