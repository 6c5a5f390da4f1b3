"""Relief: special funds and their ledger, condolence visits, tiered aid, the needy-worker registry."""
# ruff: noqa: F401
from .aid import AidApplication, AidPaymentReturn, AidStep, Cause, Tier, TierRule, TierRuleSet
from .funds import Disbursement, Fund, FundAccount, LedgerEntry, Reservation, Reversal
from .registry import NeedyFile, NeedyHelp, NeedyReview
from .visits import Visit, VisitPlan
