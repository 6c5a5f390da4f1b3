"""Demonstration data: a transport programme paying from a relief fund, applications in every state,
a paid batch with one returned payment, and union dues deferrals in every state across districts."""
from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from stdnum import luhn
from stdnum.cn import ric

from apps.core.models import Enterprise
from apps.relief.selectors import fund_accounts_for_user
from apps.relief.services import fund_create

from . import services
from .models import Application, DuesDeferral, Programme

PROGRAMME_NAME = "返岗职工交通补贴（第一批）"
PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
       b"\x00\x00\x00\nIDATx\x9cc\x00\x01\x00\x00\x05\x00\x01\r\n-\xb4\x00\x00\x00\x00IEND\xaeB`\x82")
# (worker phone, name, origin, band, the state to bring the application to)
APPLICANTS = [
    ("13839100001", "张伟", "四川省成都市", "far", "paid"),
    ("13839100002", "王芳", "河南省信阳市", "near", "submitted"),
    ("13839100003", "李强", "湖北省武汉市", "mid", "confirmed"),
    ("13839100004", "刘洋", "贵州省遵义市", "far", "reviewed"),
    ("13839100005", "陈静", "安徽省阜阳市", "mid", "approved"),
    ("13839100006", "杨帆", "河南省周口市", "near", "returned"),
    ("13839100007", "赵敏", "山东省菏泽市", "mid", "rejected"),
    ("13839100008", "黄磊", "河南省南阳市", "near", "withdrawn"),
    ("13839100009", "周婷", "甘肃省天水市", "far", "batched"),
    ("13839100010", "吴刚", "河南省商丘市", "near", "paid"),
]


def _resident_id(n: int) -> str:
    body = f"41082119880{(n % 9) + 1}1{n % 9}{n:03d}"
    return body + ric.calc_check_digit(body + "0")


def _card(n: int) -> str:
    body = f"62170024000{n:07d}"
    return body + luhn.calc_check_digit(body)


def _subsidy_account(city_office):
    account = fund_accounts_for_user(city_office, purpose="subsidy").filter(organization=city_office.organization)
    if account.exists():
        return account.first()
    fund_create(actor=city_office, name="返岗职工交通补贴资金", source="市总工会疫情防控专项经费",
                year=timezone.localdate().year, total=Decimal("200000.00"), purposes=["subsidy"])
    return fund_accounts_for_user(city_office, purpose="subsidy").filter(organization=city_office.organization).first()


def seed(stdout=None) -> None:
    if Programme.objects.filter(name=PROGRAMME_NAME).exists():
        if stdout:
            stdout.write(f"  补贴申请 {Application.objects.count()} 份（已存在）")
        return
    User = get_user_model()
    staff = {u.username: u for u in User.objects.filter(
        username__in=["city_office", "xiuwu_staff", "boai_staff", "jiefang_staff", "grassroots_staff"])}
    city, county, union = staff["city_office"], staff["xiuwu_staff"], staff["grassroots_staff"]
    today = timezone.localdate()
    programme = services.programme_save(
        actor=city, name=PROGRAMME_NAME, return_from=today - timedelta(days=45), return_until=today,
        apply_until=today + timedelta(days=60), rule=Programme.Rule.DISTANCE, flat_amount=Decimal("0.00"),
        near_amount=Decimal("100.00"), mid_amount=Decimal("300.00"), far_amount=Decimal("500.00"),
        cap=Decimal("500.00"), fund_account=_subsidy_account(city), is_open=True,
        description="对疫情期间从外地返回我市已复工企业上岗的职工，按出发地距离给予一次性交通补贴。"
                    "须上传车票、登机牌或加油、过路费票据。")
    hengda = Enterprise.objects.get(name="修武县恒达机械制造有限公司")
    applications = {}
    for n, (phone, name, origin, band, state) in enumerate(APPLICANTS, start=1):
        applicant = User.objects.filter(username=phone).first()
        if applicant is None:
            applicant = User(username=phone, phone=phone, real_name=name)
            applicant.set_unusable_password()
            applicant.save()
        application = services.application_submit(
            applicant=applicant, programme=programme, real_name=name, id_number=_resident_id(n),
            phone="13839100006" if n == 10 else phone,  # a phone on two applications: a fraud signal
            enterprise=hengda, origin=origin, band=band, returned_on=today - timedelta(days=40 - n * 3),
            bank_name="中国工商银行焦作分行", bank_account=_card(3 if n == 9 else n),  # a card used twice
            receipts=[SimpleUploadedFile("ticket.png", PNG + (b"1" if n in (2, 7) else str(n).encode()),
                                         content_type="image/png")],  # two receipts with the same bytes
            sensitive_consent=True)
        Application.objects.filter(pk=application.pk).update(created_at=timezone.now() - timedelta(days=30 - n))
        applications[state] = applications.get(state, []) + [application]
        order = ["submitted", "confirmed", "reviewed", "approved"]
        if state == "withdrawn":
            services.application_withdraw(actor=applicant, application=application)
            continue
        if state == "rejected":
            services.application_confirm(actor=union, application=application)
            services.application_reject(actor=county, application=application,
                                        comment="企业工会核实该职工返岗日期早于补贴期限，不符合条件。")
            continue
        target = order.index(state) if state in order else len(order) - 1
        steps = [lambda a: services.application_confirm(actor=union, application=a, comment="已核实到岗"),
                 lambda a: services.application_review(actor=county, application=a),
                 lambda a: services.application_approve(actor=city, application=a)]
        for step in steps[:target]:
            step(application)
    paid = applications["paid"] + applications["returned"]
    batch = services.batch_create(actor=city, programme=programme, applications=paid)
    services.batch_mark_paid(actor=city, batch=batch)
    returned = batch.items.get(application=applications["returned"][0])
    services.item_return(actor=city, item=returned, reason="户名与账号不符，银行退回")
    services.batch_create(actor=city, programme=programme, applications=applications["batched"])

    # Deferrals in every state, in three districts.
    deferrals = [("修武县恒达机械制造有限公司", union, county, "approved", "38600.00"),
                 ("修武县云台山旅游服务有限公司", county, city, "submitted", "52000.00"),
                 ("博爱县铸造有限公司", staff["boai_staff"], city, "rejected", "21000.00"),
                 ("焦作万方物流有限公司", staff["jiefang_staff"], city, "settled", "17500.00"),
                 ("焦作市解放区鑫源商贸有限公司", staff["jiefang_staff"], city, "submitted", "6400.00")]
    start = today.replace(day=1) - timedelta(days=90)
    for name, applicant, reviewer, state, amount in deferrals:
        enterprise = Enterprise.objects.get(name=name)
        deferral = services.deferral_apply(
            actor=applicant, enterprise=enterprise, period_start=start, period_end=start + timedelta(days=89),
            deferred_until=today + timedelta(days=5 if state == "approved" else 120), amount=Decimal(amount),
            reason="受疫情影响停工两个月，经营困难，已获税务部门批准缓缴税款，申请同步缓缴工会经费。")
        if state in ("approved", "settled", "rejected"):
            services.deferral_decide(actor=reviewer, deferral=deferral, approve=state != "rejected",
                                     comment="" if state != "rejected" else "该企业已恢复正常经营，不符合缓缴条件。")
        if state == "settled":
            services.deferral_settle(actor=applicant, deferral=deferral)
    if stdout:
        stdout.write(f"  补贴申请 {Application.objects.count()} 份，经费缓缴 {DuesDeferral.objects.count()} 项")
