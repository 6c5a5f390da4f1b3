"""Reads of the relief app, scoped to the user (404 outside their subtree)."""
from __future__ import annotations

from decimal import Decimal

from django.db.models import QuerySet, Sum
from django.http import Http404

from apps.core.scoping import is_staff_member, org_scope_q

from .models import FundAccount, LedgerEntry

K = LedgerEntry.Kind


def fund_accounts_for_user(user, *, purpose: str | None = None) -> QuerySet[FundAccount]:
    """The accounts of open funds a staff member may pay from: those held within their subtree."""
    if not is_staff_member(user):
        return FundAccount.objects.none()
    accounts = FundAccount.objects.filter(org_scope_q(user, "organization"), fund__is_open=True)
    if purpose:
        accounts = accounts.filter(fund__purposes__contains=f",{purpose},")
    return accounts.select_related("fund", "organization").order_by("-fund__year", "fund__name",
                                                                    "organization__path")


def get_fund_account_for_user(user, pk) -> FundAccount:
    """One account within the user's subtree (open or not), else 404."""
    if not is_staff_member(user):
        raise Http404
    account = (FundAccount.objects.filter(org_scope_q(user, "organization"), pk=pk)
               .select_related("fund", "organization", "parent__organization").first())
    if account is None:
        raise Http404
    return account


def ledger_totals(account: FundAccount) -> dict[str, Decimal]:
    """The account's balances recomputed from its ledger entries alone (the check on the running totals)."""
    sums = {row["kind"]: row["total"] for row in
            LedgerEntry.objects.filter(account=account).values("kind").annotate(total=Sum("amount"))}

    def s(*kinds):
        return sum((sums.get(k) or Decimal("0")) for k in kinds)

    return {
        "received": s(K.FUNDING, K.ALLOCATION_IN),
        "allocated_out": s(K.ALLOCATION_OUT),
        "reserved": s(K.RESERVATION) - s(K.RELEASE, K.DISBURSEMENT),
        "spent": s(K.DISBURSEMENT) - s(K.REVERSAL),
        "available": s(K.FUNDING, K.ALLOCATION_IN, K.RELEASE, K.REVERSAL) - s(K.ALLOCATION_OUT, K.RESERVATION),
    }


