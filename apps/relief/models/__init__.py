"""Relief: special funds and their ledger, condolence visits, tiered aid, the needy-worker registry."""
# ruff: noqa: F401
from .funds import Disbursement, Fund, FundAccount, LedgerEntry, Reservation, Reversal
