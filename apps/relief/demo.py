"""Demonstration data: a 2020 special fund allocated to every county-level union, a nearly exhausted relief
fund, condolence visits, aid applications at every tier and state, needy-worker files. Made through the
services, so every yuan has its ledger entries. Idempotent."""
from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.utils import timezone
from stdnum.cn import ric

from apps.core.models import Organization

from . import services
from .models import Cause, Fund, FundAccount, NeedyFile, Tier

MAIN_FUND = "疫情防控专项资金"
RELIEF_FUND = "新冠肺炎感染职工家庭救助金"
RULES = [
    (Tier.FIRST, Cause.INFECTION, "1000", "5000", "8000"),
    (Tier.FIRST, "", "600", "5000", "6000"),
    (Tier.SECOND, "", "1000", "3000", "4000"),
    (Tier.THIRD, "", "1500", "1000", "2000"),
]


def _id_number(serial: int) -> str:
    body = f"41082119{90 + serial % 10}{(serial % 12) + 1:02d}{(serial % 27) + 1:02d}{serial % 1000:03d}"
    return body + ric.calc_check_digit(body + "0")


def _applications(users, relief_account, worker_pool) -> None:
    grassroots, county, city = users["grassroots_staff"], users["xiuwu_staff"], users["city_office"]
    # (cause, household size, income, final state, tier and amount at the city)
    plans = [
        (Cause.INFECTION, 4, "2400", "paid", "1", "5000"), (Cause.INFECTION, 3, "1500", "paid", "1", "5000"),
        (Cause.ILLNESS, 5, "2500", "paid", "1", "5000"), (Cause.ILLNESS, 3, "2700", "paid", "2", "3000"),
        (Cause.ACCIDENT, 2, "1900", "paid", "2", "3000"), (Cause.DISASTER, 2, "2800", "paid", "3", "1000"),
        (Cause.INFECTION, 4, "3600", "approved", "2", "3000"), (Cause.OTHER, 2, "2900", "approved", "3", "1000"),
        (Cause.ILLNESS, 3, "2000", "city", "", ""), (Cause.ACCIDENT, 4, "3000", "city", "", ""),
        (Cause.INFECTION, 2, "1200", "county", "", ""), (Cause.ILLNESS, 1, "1400", "returned", "", ""),
        (Cause.ACCIDENT, 2, "2600", "pay_returned", "3", "1000"),
    ]
    for (cause, size, income, state, tier, amount), worker in zip(plans, worker_pool, strict=False):
        application = services.aid_apply(
            sensitive_consent=True, actor=grassroots, worker=worker, real_name=worker.real_name or "职工",
            workplace="修武县恒达机械制造有限公司",
            cause=cause, household_size=size, household_income=Decimal(income),
            description="家庭主要劳动力因病（伤）长期不能工作，医疗支出大，家庭收入明显下降。")
        if state == "county":
            continue
        if state == "returned":
            services.aid_return(actor=county, application=application, reason="请补充医院诊断证明和收入证明。")
            continue
        services.aid_approve(actor=county, application=application, reason="情况属实，同意上报。")
        if state == "city":
            continue
        services.aid_approve(actor=city, application=application, tier=tier, amount=Decimal(amount),
                             account=relief_account, reason="同意")
        if state in ("paid", "pay_returned"):
            services.aid_pay(actor=county, application=application)
        if state == "pay_returned":
            services.aid_payment_return(actor=county, application=application, reason="银行退回：收款账户已销户",
                                        returned_on=timezone.localdate(), amount=Decimal(amount))


def seed(stdout=None) -> None:
    if Fund.objects.filter(name=MAIN_FUND, year=2020).exists():
        if stdout:
            stdout.write(f"  专项资金 {Fund.objects.count()} 项（已存在）")
        return
    User = get_user_model()
    users = {u.username: u for u in User.objects.filter(
        username__in=["city_office", "city_dept", "xiuwu_staff", "jiefang_staff", "boai_staff", "grassroots_staff"])}
    city_office = users["city_office"]
    city = Organization.objects.get(code="410800")
    services.tier_rules_save(actor=city_office, note="2020年首版", rows=[
        {"tier": t, "cause": c, "income_ceiling": Decimal(i), "amount": Decimal(a), "max_amount": Decimal(m)}
        for t, c, i, a, m in RULES])

    main = services.fund_create(actor=city_office, name=MAIN_FUND, source="省总工会下拨及市总工会自筹", year=2020,
                                total=Decimal("3000000.00"), purposes=["condolence", "aid", "subsidy"],
                                organization=city)
    root = FundAccount.objects.get(fund=main, parent__isnull=True)
    counties = list(Organization.objects.filter(parent=city).order_by("path"))
    accounts = {}
    for index, county in enumerate(counties):
        accounts[county.code] = services.fund_allocate(actor=city_office, source=root, organization=county,
                                                       amount=Decimal(150000 + 10000 * (index % 4)),
                                                       note="按职工人数分配")
    relief = services.fund_create(actor=city_office, name=RELIEF_FUND, source="市总工会困难职工帮扶资金", year=2020,
                                  total=Decimal("30000.00"), purposes=["aid"], organization=city)
    xiuwu = Organization.objects.get(code="410821")
    relief_account = services.fund_allocate(actor=city_office, source=FundAccount.objects.get(
        fund=relief, parent__isnull=True), organization=xiuwu, amount=Decimal("28000.00"), note="修武县感染职工较多")

    # Condolence visits in 修武县 and 解放区, cash paid from the main fund.
    today = timezone.localdate()
    for username, code, title in (("xiuwu_staff", "410821", "春节慰问一线防疫职工"),
                                  ("jiefang_staff", "410802", "慰问重点项目建设者")):
        staff = users.get(username)
        if staff is None or code not in accounts:
            continue
        plan = services.visit_plan_create(
            actor=staff, title=title, group="frontline" if code == "410821" else "key_project", planned_people=20,
            budget=Decimal("10000"), start_on=today - timedelta(days=20), end_on=today + timedelta(days=10),
            account=accounts[code])
        for n, (name, form, value) in enumerate([("王建军", "cash", "500"), ("李桂芳", "cash", "500"),
                                                 ("赵德胜", "goods", "300"), ("孙红霞", "cash", "800"),
                                                 ("周小龙", "goods", "200")]):
            services.visit_record(actor=staff, plan=plan, recipient_name=name, form=form, value=Decimal(value),
                                  recipient_workplace="焦作市南水北调配套工程" if n % 2 else "县人民医院",
                                  goods="米、面、油" if form == "goods" else "", visited_on=today - timedelta(days=n),
                                  visitors=f"{staff.real_name}等", confirmed=True)

    pool = list(User.objects.filter(username__startswith="138393000").order_by("username")[:13])
    if len(pool) < 13:
        pool += [User.objects.get_or_create(username=f"1383960{n:04d}", defaults={
            "real_name": f"帮扶职工{n}", "phone": f"1383960{n:04d}"})[0] for n in range(13 - len(pool))]
    _applications(users, relief_account, pool)

    # Needy-worker files in the grassroots union: every category, one closed, one due for its review.
    grassroots = users["grassroots_staff"]
    for n, (name, category, size, income) in enumerate([
        ("刘长顺", "deep", 4, "1200"), ("马秀兰", "relative", 3, "2100"), ("高建国", "accident", 5, "2600"),
        ("陈玉梅", "deep", 2, "900"), ("杨小兵", "relative", 3, "2400"), ("郭春花", "accident", 4, "1800"),
    ]):
        file = services.needy_file_create(
            actor=grassroots, real_name=name, id_number=_id_number(500 + n), workplace="修武县恒达机械制造有限公司",
            category=category, household_size=size, household_income=Decimal(income),
            hardship="家庭成员患重病，医疗支出大。" if category != "accident" else "工伤致残，收入减少。",
            filed_on=today - timedelta(days=340 if n == 1 else 400 if n == 2 else 60 * n + 10))
        if n == 2:
            services.needy_file_review(actor=grassroots, file=file, household_income=Decimal(income),
                                       note="家庭情况无明显变化，继续在档。", reviewed_on=today - timedelta(days=5))
        if n == 5:
            services.needy_file_close(actor=grassroots, file=file, reason="子女已就业，家庭收入稳定，已解困。")
        if n in (0, 3):
            services.needy_help_record(actor=grassroots, file=file, source="other", amount=Decimal("600"),
                                       description="送温暖慰问", given_on=today - timedelta(days=3))
    if stdout:
        stdout.write(f"  专项资金 {Fund.objects.count()} 项，困难职工档案 {NeedyFile.objects.count()} 份")
