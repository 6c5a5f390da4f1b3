"""Reads of the subsidies app, scoped to the user (404 outside their subtree), and its indicators."""
from __future__ import annotations

from collections import defaultdict
from datetime import date

from django.db.models import Count, Q, QuerySet, Sum
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from apps.core.indicators import Indicator, period_bounds, subtree_totals
from apps.core.scoping import is_staff_member, org_scope_q

from .models import Application, DuesDeferral, PaymentBatch, PaymentItem, Programme, Receipt

S = Application.Status


def open_programmes() -> QuerySet[Programme]:
    today = timezone.localdate()
    return Programme.objects.filter(is_open=True, apply_until__gte=today).select_related("organization")


def get_public_programme(pk) -> Programme:
    programme = Programme.objects.filter(pk=pk).select_related("organization").first()
    if programme is None:
        raise Http404
    return programme


def programmes_for_user(user) -> QuerySet[Programme]:
    if not is_staff_member(user):
        return Programme.objects.none()
    return (Programme.objects.filter(org_scope_q(user, "organization"))
            .select_related("organization", "fund_account__fund", "fund_account__organization"))


def get_programme_for_user(user, pk) -> Programme:
    programme = programmes_for_user(user).filter(pk=pk).first()
    if programme is None:
        raise Http404
    return programme


def applications_for_user(user) -> QuerySet[Application]:
    """Staff see the applications whose confirming union lies in their subtree."""
    if not is_staff_member(user):
        return Application.objects.none()
    return (Application.objects.filter(org_scope_q(user, "union"))
            .select_related("programme", "enterprise", "union"))


def get_application_for_user(user, pk) -> Application:
    application = applications_for_user(user).filter(pk=pk).first()
    if application is None:
        raise Http404
    return application


def my_applications(user) -> QuerySet[Application]:
    if not getattr(user, "is_authenticated", False):
        return Application.objects.none()
    return Application.objects.filter(applicant=user).select_related("programme", "enterprise")


def get_my_application(user, pk) -> Application:
    application = my_applications(user).filter(pk=pk).first()
    if application is None:
        raise Http404
    return application


def batches_for_user(user) -> QuerySet[PaymentBatch]:
    if not is_staff_member(user):
        return PaymentBatch.objects.none()
    return (PaymentBatch.objects.filter(org_scope_q(user, "organization"))
            .select_related("programme", "organization", "created_by")
            .annotate(item_count=Count("items"), total=Sum("items__amount"),
                      returned_total=Sum("items__amount", filter=Q(items__status=PaymentItem.Status.RETURNED))))


def get_batch_for_user(user, pk) -> PaymentBatch:
    batch = batches_for_user(user).filter(pk=pk).first()
    if batch is None:
        raise Http404
    return batch


def batch_items(batch: PaymentBatch) -> QuerySet[PaymentItem]:
    return batch.items.select_related("application", "application__enterprise").order_by("id")


def payable_applications(user, programme: Programme) -> QuerySet[Application]:
    return applications_for_user(user).filter(programme=programme, status=S.APPROVED).order_by("created_at", "id")


def signals_for(applications) -> dict[int, list[str]]:
    """Fraud signals for reviewers, for a page of applications in three queries:
    the same bank account or phone on other applications, receipts whose bytes appear more than once."""
    applications = list(applications)
    if not applications:
        return {}
    ids = [a.pk for a in applications]
    accounts = {a.account_hash for a in applications}
    phones = {a.phone for a in applications}
    account_counts = dict(Application.objects.filter(account_hash__in=accounts).values("account_hash")
                          .annotate(n=Count("pk")).values_list("account_hash", "n"))
    phone_counts = dict(Application.objects.filter(phone__in=phones).values("phone")
                        .annotate(n=Count("pk")).values_list("phone", "n"))
    receipt_hashes = defaultdict(set)
    for application_id, digest in Receipt.objects.filter(application_id__in=ids).values_list("application_id",
                                                                                             "sha256"):
        receipt_hashes[application_id].add(digest)
    all_hashes = set().union(*receipt_hashes.values()) if receipt_hashes else set()
    hash_counts = dict(Receipt.objects.filter(sha256__in=all_hashes).values("sha256")
                       .annotate(n=Count("pk")).values_list("sha256", "n"))
    signals: dict[int, list[str]] = {}
    for application in applications:
        found = []
        if account_counts.get(application.account_hash, 0) > 1:
            found.append(f"同一银行账号用于 {account_counts[application.account_hash]} 份申请")
        if phone_counts.get(application.phone, 0) > 1:
            found.append(f"同一手机号用于 {phone_counts[application.phone]} 份申请")
        repeated = sum(1 for digest in receipt_hashes.get(application.pk, ()) if hash_counts.get(digest, 0) > 1)
        if repeated:
            found.append(f"{repeated} 张票据与其他上传的文件完全相同")
        signals[application.pk] = found
    return signals


def deferrals_for_user(user) -> QuerySet[DuesDeferral]:
    if not is_staff_member(user):
        return DuesDeferral.objects.none()
    return (DuesDeferral.objects.filter(org_scope_q(user, "district") | org_scope_q(user, "enterprise__union"))
            .select_related("enterprise", "district"))


def get_deferral_for_user(user, pk) -> DuesDeferral:
    deferral = deferrals_for_user(user).filter(pk=pk).first()
    if deferral is None:
        raise Http404
    return deferral


def deferral_totals_by_district(deferrals: QuerySet[DuesDeferral]) -> list[dict]:
    """One grouped query: per district, the number and yuan of deferrals in each state."""
    rows = (deferrals.order_by().values("district__name", "district__path")
            .annotate(count=Count("pk"), total=Sum("amount"),
                      approved=Sum("amount", filter=Q(status=DuesDeferral.Status.APPROVED)),
                      pending=Sum("amount", filter=Q(status=DuesDeferral.Status.SUBMITTED)))
            .order_by("district__path"))
    return list(rows)


# ----------------------------------------------------------------------------------------- indicators
def _link(url_name: str, **extra):
    def link(organization, start: date, end: date) -> str:
        from urllib.parse import urlencode

        return f"{reverse(url_name)}?{urlencode({**extra, 'org': organization.pk, 'start': start, 'end': end})}"

    return link


def _applications(organizations, start, end):
    since, until = period_bounds(start, end)
    return subtree_totals(Application.objects.filter(created_at__gte=since, created_at__lt=until),
                          org_field="union", organizations=organizations)


def _paid(organizations, start, end):
    since, until = period_bounds(start, end)
    return Application.objects.filter(status=S.PAID, paid_at__gte=since, paid_at__lt=until)


def _people_paid(organizations, start, end):
    return subtree_totals(_paid(organizations, start, end), org_field="union", organizations=organizations)


def _yuan_paid(organizations, start, end):
    return subtree_totals(_paid(organizations, start, end), org_field="union", organizations=organizations,
                          value="amount")


def _average_days(organizations, start, end):
    """One query: the payments of the period, their waits credited to every requested organisation above."""
    waits = list(_paid(organizations, start, end).values_list("union__path", "created_at", "paid_at"))
    result = {}
    for organization in organizations:
        days = [(paid - created).total_seconds() / 86400 for path, created, paid in waits
                if path.startswith(organization.path)]
        result[organization.pk] = round(sum(days) / len(days), 1) if days else 0
    return result


def _active_deferrals(start, end):
    return DuesDeferral.objects.filter(status__in=[DuesDeferral.Status.APPROVED, DuesDeferral.Status.SETTLED],
                                       period_start__lte=end, period_end__gte=start)


def _deferral_enterprises(organizations, start, end):
    """One query: distinct enterprises with a deferral overlapping the period, per organisation's subtree."""
    pairs = set(_active_deferrals(start, end).values_list("district__path", "enterprise_id"))
    return {organization.pk: len({enterprise for path, enterprise in pairs if path.startswith(organization.path)})
            for organization in organizations}


def _deferral_yuan(organizations, start, end):
    return subtree_totals(_active_deferrals(start, end), org_field="district", organizations=organizations,
                          value="amount")


INDICATORS = [
    Indicator(key="subsidies.applications", label="返岗交通补贴申请数", unit="份", compute=_applications,
              link=_link("subsidies:application_list")),
    Indicator(key="subsidies.people_paid", label="交通补贴发放人数", unit="人", compute=_people_paid,
              link=_link("subsidies:application_list", status="paid")),
    Indicator(key="subsidies.yuan_paid", label="交通补贴发放金额", unit="元", compute=_yuan_paid,
              link=_link("subsidies:application_list", status="paid")),
    Indicator(key="subsidies.average_days", label="申请到发放平均天数", unit="天", compute=_average_days,
              link=_link("subsidies:application_list", status="paid"), description="期间内发放的申请"),
    Indicator(key="subsidies.deferral_enterprises", label="缓缴工会经费企业数", unit="家",
              compute=_deferral_enterprises, link=_link("subsidies:deferral_list", status="approved")),
    Indicator(key="subsidies.deferral_yuan", label="缓缴工会经费金额", unit="元",
              compute=_deferral_yuan,
              link=_link("subsidies:deferral_list", status="approved")),
]
