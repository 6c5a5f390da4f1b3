"""Every write of the subsidies app (atomic, locked, audited), re-exported by area."""
# ruff: noqa: F401
from .applications import (
    TRANSITIONS,
    application_approve,
    application_confirm,
    application_correct_account,
    application_reject,
    application_review,
    application_submit,
    application_withdraw,
    programme_save,
)
from .common import normalize_bank_account
from .deferrals import deferral_apply, deferral_decide, deferral_remind_due, deferral_settle
from .payments import batch_add, batch_create, batch_mark_paid, batch_remove, item_return
