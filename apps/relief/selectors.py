"""Reads of the relief app, scoped to the user (404 outside their subtree)."""
from __future__ import annotations

from decimal import Decimal

from django.db.models import Count, F, Q, QuerySet, Sum
from django.http import Http404

from apps.core.indicators import Indicator, period_bounds, subtree_totals
from apps.core.models import Organization
from apps.core.scoping import is_staff_member, org_scope_q, scope_root

from .models import (
    AidApplication,
    AidPaymentReturn,
    Cause,
    Fund,
    FundAccount,
    LedgerEntry,
    NeedyFile,
    NeedyReview,
    Tier,
    Visit,
    VisitPlan,
)

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




# --- funds -------------------------------------------------------------------------------------

def funds_for_user(user) -> QuerySet[Fund]:
    """Funds of which the user's subtree holds at least one account."""
    if not is_staff_member(user):
        return Fund.objects.none()
    held = FundAccount.objects.filter(org_scope_q(user, "organization")).values("fund_id")
    return Fund.objects.filter(pk__in=held).select_related("organization")


def get_fund_for_user(user, pk) -> Fund:
    fund = funds_for_user(user).filter(pk=pk).first()
    if fund is None:
        raise Http404
    return fund


def accounts_of_fund(user, fund: Fund) -> QuerySet[FundAccount]:
    return (FundAccount.objects.filter(org_scope_q(user, "organization"), fund=fund)
            .select_related("organization", "parent__organization").order_by("organization__path"))


def ledger_for_user(user, fund: Fund) -> QuerySet[LedgerEntry]:
    return (LedgerEntry.objects.filter(org_scope_q(user, "account__organization"), account__fund=fund)
            .select_related("account__organization", "counterpart__organization", "actor")
            .order_by("created_at", "id"))


# --- aid ---------------------------------------------------------------------------------------

def aid_for_user(user) -> QuerySet[AidApplication]:
    """Staff: applications of unions in their subtree. Workers: their own."""
    base = AidApplication.objects.select_related("organization", "worker")
    if is_staff_member(user):
        return base.filter(org_scope_q(user, "organization"))
    if user is not None and user.is_authenticated:
        return base.filter(worker=user)
    return base.none()


def get_aid_for_user(user, pk) -> AidApplication:
    application = aid_for_user(user).filter(pk=pk).select_related(
        "entered_by", "ruleset", "reservation__account__organization", "disbursement").first()
    if application is None:
        raise Http404
    return application


def payable_accounts(user, application: AidApplication) -> QuerySet[FundAccount]:
    """Accounts the reviewer may reserve from: aid funds held by the applicant's union or one above it."""
    ancestors = [code for code in application.organization.path.split("/") if code]
    return fund_accounts_for_user(user, purpose="aid").filter(organization__code__in=ancestors)


def aid_payment_returns_for_user(user, *, fund: Fund | None = None,
                                 district: Organization | None = None) -> QuerySet[AidPaymentReturn]:
    """Returned aid payments of the applications the user may see (the dashboard's filters apply)."""
    returns = AidPaymentReturn.objects.filter(application__in=aid_for_user(user)).select_related(
        "application__organization", "disbursement__account__fund", "recorded_by")
    if district is not None:
        returns = returns.filter(application__organization__path__startswith=district.path)
    if fund is not None:
        returns = returns.filter(disbursement__account__fund=fund)
    return returns.order_by("returned_on", "id")


# --- visits ------------------------------------------------------------------------------------

def visit_plans_for_user(user) -> QuerySet[VisitPlan]:
    if not is_staff_member(user):
        return VisitPlan.objects.none()
    return VisitPlan.objects.filter(org_scope_q(user, "organization")).select_related(
        "organization", "account__fund").annotate(visit_count=Count("visits"), visit_value=Sum("visits__value"))


def get_visit_plan_for_user(user, pk) -> VisitPlan:
    plan = visit_plans_for_user(user).filter(pk=pk).first()
    if plan is None:
        raise Http404
    return plan


def visits_for_user(user) -> QuerySet[Visit]:
    if not is_staff_member(user):
        return Visit.objects.none()
    return Visit.objects.filter(org_scope_q(user, "plan__organization")).select_related("plan")


# --- registry ----------------------------------------------------------------------------------

def needy_files_for_user(user) -> QuerySet[NeedyFile]:
    if not is_staff_member(user):
        return NeedyFile.objects.none()
    return NeedyFile.objects.filter(org_scope_q(user, "organization")).select_related("organization")


def get_needy_file_for_user(user, pk) -> NeedyFile:
    file = needy_files_for_user(user).filter(pk=pk).first()
    if file is None:
        raise Http404
    return file


# --- dashboard ---------------------------------------------------------------------------------

def dashboard(user, *, fund: Fund | None = None, district: Organization | None = None) -> dict:
    """Per fund and district: applications by state, amounts approved and paid, people by tier and cause."""
    applications = aid_for_user(user)
    if district is not None:
        applications = applications.filter(organization__path__startswith=district.path)
    if fund is not None:
        applications = applications.filter(reservation__account__fund=fund)
    by_state = dict(applications.values_list("status").annotate(n=Count("id")))
    money_rows = applications.aggregate(
        approved=Sum("amount", filter=Q(status__in=["approved", "paid"])),
        paid=Sum("amount", filter=Q(status="paid")))
    paid = applications.filter(status="paid")
    by_tier = dict(paid.values_list("tier").annotate(n=Count("worker", distinct=True)))
    by_cause = dict(paid.values_list("cause").annotate(n=Count("worker", distinct=True)))
    districts = []
    root = scope_root(user)
    if root is not None:
        # Three grouped queries whatever the number of child organisations.
        children = list(Organization.objects.filter(parent=root).order_by("path"))
        counts = subtree_totals(applications, org_field="organization", organizations=children)
        amounts = subtree_totals(paid, org_field="organization", organizations=children, value="amount")
        people = subtree_totals(paid, org_field="organization", organizations=children, distinct="worker")
        districts = [{"organization": child, "count": counts[child.pk], "paid": amounts[child.pk] or None,
                      "people": people[child.pk]} for child in children if counts[child.pk]]
    accounts = FundAccount.objects.filter(org_scope_q(user, "organization")).select_related("fund", "organization")
    if fund is not None:
        accounts = accounts.filter(fund=fund)
    if district is not None:
        accounts = accounts.filter(organization__path__startswith=district.path)
    return {
        "states": [(value, label, by_state.get(value, 0)) for value, label in AidApplication.Status.choices],
        "approved": money_rows["approved"] or Decimal("0"), "paid": money_rows["paid"] or Decimal("0"),
        "tiers": [(label, by_tier.get(value, 0)) for value, label in Tier.choices],
        "causes": [(label, by_cause.get(value, 0)) for value, label in Cause.choices],
        "districts": districts,
        "accounts": accounts.order_by("fund__year", "fund__name", "organization__path")[:200],
    }


# --- indicators --------------------------------------------------------------------------------

def _sum(queryset, org_field, organizations, value=None):
    return subtree_totals(queryset, org_field=org_field, organizations=organizations, value=value)


def _paid_aid(start, end):
    low, high = period_bounds(start, end)
    return AidApplication.objects.filter(status="paid", paid_at__gte=low, paid_at__lt=high)


def _aid_people(organizations, start, end):
    # One payment per person per period in practice (one open application each); counted by application.
    return _sum(_paid_aid(start, end), "organization", organizations)


def _aid_yuan(organizations, start, end):
    return _sum(_paid_aid(start, end), "organization", organizations, "amount")


def _visits(start, end):
    return Visit.objects.filter(visited_on__gte=start, visited_on__lte=end)


def _visit_people(organizations, start, end):
    return _sum(_visits(start, end), "plan__organization", organizations)


def _visit_yuan(organizations, start, end):
    return _sum(_visits(start, end), "plan__organization", organizations, "value")


def _files_open(organizations, start, end):
    rows = NeedyFile.objects.filter(filed_on__lte=end).filter(Q(status="open") | Q(closed_on__gt=end))
    return _sum(rows, "organization", organizations)


def _reviews(start, end):
    return NeedyReview.objects.filter(reviewed_on__gte=start, reviewed_on__lte=end)


def _reviews_done(organizations, start, end):
    return _sum(_reviews(start, end), "file__organization", organizations)


def _reviews_on_time(organizations, start, end):
    return _sum(_reviews(start, end).filter(on_time=True), "file__organization", organizations)


def _rate(numerator: dict, denominator: dict) -> dict:
    return {pk: (Decimal(numerator.get(pk) or 0) * 100 / Decimal(total)).quantize(Decimal("0.1")) if total
            else Decimal("0") for pk, total in denominator.items()}


def _review_rate(organizations, start, end):
    return _rate(_reviews_on_time(organizations, start, end), _reviews_done(organizations, start, end))


def _fund_received(organizations, start, end):
    # What organisations actually hold: received less what they passed further down (counted below them).
    rows = FundAccount.objects.annotate(own=F("received") - F("allocated_out"))
    return _sum(rows, "organization", organizations, "own")


def _fund_used(organizations, start, end):
    rows = FundAccount.objects.annotate(used=F("spent") + F("reserved"))
    return _sum(rows, "organization", organizations, "used")


def _fund_used_rate(organizations, start, end):
    return _rate(_fund_used(organizations, start, end), _fund_received(organizations, start, end))


def _link(url_name: str, **params):
    def link(organization, start, end) -> str:
        from urllib.parse import urlencode

        from django.urls import reverse

        return f"{reverse(url_name)}?{urlencode({**params, 'org': organization.pk})}"
    return link


INDICATORS = [
    Indicator(key="relief.aid_people", label="分类梯度帮扶发放人数", unit="人", compute=_aid_people,
              link=_link("relief:aid_list", status="paid")),
    Indicator(key="relief.aid_yuan", label="分类梯度帮扶发放金额", unit="元", compute=_aid_yuan,
              link=_link("relief:aid_list", status="paid")),
    Indicator(key="relief.visit_people", label="慰问人次", unit="人", compute=_visit_people,
              link=_link("relief:visit_plan_list")),
    Indicator(key="relief.visit_yuan", label="慰问金额（含慰问品价值）", unit="元", compute=_visit_yuan,
              link=_link("relief:visit_plan_list")),
    Indicator(key="relief.files_open", label="困难职工在档数", unit="户", compute=_files_open,
              link=_link("relief:registry_list", status="open"), description="截至期末"),
    Indicator(key="relief.reviews_done", label="档案年度复核数", unit="份", compute=_reviews_done,
              link=_link("relief:registry_list")),
    Indicator(key="relief.reviews_on_time", label="按期复核数", unit="份", compute=_reviews_on_time,
              link=_link("relief:registry_list")),
    Indicator(key="relief.reviews_on_time_rate", label="档案按期复核率", unit="%", compute=_review_rate,
              link=_link("relief:registry_list"), numerator="relief.reviews_on_time",
              denominator="relief.reviews_done"),
    Indicator(key="relief.fund_received", label="专项资金可支配额度", unit="元", compute=_fund_received,
              link=_link("relief:fund_list"), description="本单位及下级实际持有的额度（当前）"),
    Indicator(key="relief.fund_used", label="专项资金已使用", unit="元", compute=_fund_used,
              link=_link("relief:fund_list"), description="已支出与已预留（当前）"),
    Indicator(key="relief.fund_used_rate", label="专项资金使用率", unit="%", compute=_fund_used_rate,
              link=_link("relief:fund_list"), numerator="relief.fund_used", denominator="relief.fund_received"),
]
