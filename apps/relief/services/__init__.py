"""Every write of the relief app (atomic, locked, audited), re-exported by area."""
# ruff: noqa: F401
from .funds import fund_allocate, fund_create, fund_disburse, fund_release, fund_reserve, fund_reverse
