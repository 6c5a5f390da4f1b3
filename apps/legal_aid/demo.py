"""Demonstration data: volunteer lawyers with a duty roster, 40 consultations in every state (some
overdue and escalated), published answers, and stability-risk screenings at every level."""
from __future__ import annotations

import random
from datetime import datetime, time, timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.utils import timezone

from apps.accounts.roles import Role, role_group
from apps.core.models import Enterprise

from . import rules
from .models import Consultation, ConsultationCategory, ConsultationMessage, DutyShift, PublishedAnswer, RiskScreening
from .services import build_faq_document, categories_ensure, routed_organization

EXTRA_LAWYERS = [("lawyer_chen", "陈律师"), ("lawyer_wang", "王律师")]
QUESTIONS = {
    "wages": "公司春节后复工，但 1 月和 2 月的工资一直没发，老板说等订单回款再发，我们该怎么维权？",
    "contract": "入职半年了公司一直不签劳动合同，现在说要试用期延长，这合法吗？",
    "dismissal": "疫情期间公司以经营困难为由通知我下周不用来上班了，也没说补偿，我能要求经济补偿吗？",
    "injury": "在车间搬运时腰部受伤，公司说是我自己不小心，不给报工伤，应该怎么申请工伤认定？",
    "insurance": "公司从去年 10 月开始没给我们交社保，说疫情期间可以缓缴，这对我有什么影响？",
    "epidemic": "因为所在小区封控没法返岗，公司说这段时间按事假扣工资，这样做对吗？",
    "other": "外卖平台说我们是合作关系不是劳动关系，送餐时摔伤了找谁负责？",
}
ANSWER = ("根据《劳动合同法》和疫情期间的有关规定，建议您先保留工资条、考勤记录、聊天记录等证据，"
          "与单位协商；协商不成，可以向当地劳动保障监察机构投诉，或向劳动人事争议仲裁委员会申请仲裁。"
          "需要法律援助的，可以通过本平台申请，工会将为符合条件的职工提供免费代理。")
PUBLISHED = [
    ("wages", "企业因疫情停工停产，工资应当怎么发？",
     "在一个工资支付周期内，企业应按劳动合同约定的标准支付工资；超过一个工资支付周期，职工提供了正常劳动的，"
     "支付的工资不得低于当地最低工资标准；职工没有提供正常劳动的，企业应发放生活费。"),
    ("epidemic", "被隔离期间公司能扣工资吗？",
     "对因被隔离治疗、医学观察或因政府实施隔离措施等不能提供正常劳动的职工，企业应当支付该期间的工作报酬。"),
    ("dismissal", "疫情期间企业可以随意解除劳动合同吗？",
     "对因疫情被隔离的职工，在隔离期间劳动合同到期的，合同期限顺延；企业不得依据劳动合同法第四十条、第四十一条解除劳动合同。"),
    ("injury", "复工后在岗位上受伤，如何申请工伤认定？",
     "用人单位应在事故发生之日起 30 日内提出工伤认定申请；单位未申请的，职工或其近亲属、工会组织可在一年内直接申请。"),
    ("insurance", "企业缓缴社保会影响职工待遇吗？",
     "缓缴期间职工参保缴费记录不受影响，企业应在缓缴期满后足额补缴；职工享受的社会保险待遇不因缓缴而降低。"),
    ("contract", "单位不签书面劳动合同怎么办？",
     "用人单位自用工之日起超过一个月不满一年未与劳动者订立书面劳动合同的，应当向劳动者每月支付二倍的工资。"),
]


def _lawyers():
    User = get_user_model()
    group = role_group(Role.VOLUNTEER_LAWYER)
    lawyers = list(User.objects.filter(username="lawyer"))
    for username, name in EXTRA_LAWYERS:
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User.objects.create_user(username=username, real_name=name, password=None)
            user.set_unusable_password()
            user.save(update_fields=["password"])
        user.groups.add(group)
        lawyers.append(user)
    return lawyers


def _consultations(lawyers, workers, categories, now) -> int:
    if Consultation.objects.exists():
        return 0
    rng = random.Random(13)
    states = [Consultation.Status.QUEUED, Consultation.Status.ASSIGNED, Consultation.Status.ANSWERED,
              Consultation.Status.CLOSED]
    created = 0
    for index in range(40):
        status = states[index % 4]
        category = categories[index % len(categories)]
        worker = workers[index % len(workers)]
        # The first queued and assigned ones are old enough to be past their due time.
        age = timedelta(hours=rng.randint(1, 6)) if index < 24 and index % 3 else timedelta(hours=rng.randint(30, 300))
        asked = now - age
        consultation = Consultation.objects.create(
            worker=worker, organization=routed_organization(worker), category=category,
            facts=QUESTIONS[category.code], allow_publish=index % 2 == 0, created_at=asked,
            due_at=asked + timedelta(hours=category.first_answer_hours), status=status)
        if status == Consultation.Status.QUEUED:
            if consultation.due_at < now and index % 8 == 0:
                consultation.escalated_at = consultation.due_at + timedelta(minutes=10)
                consultation.save(update_fields=["escalated_at"])
            created += 1
            continue
        lawyer = lawyers[index % len(lawyers)]
        consultation.lawyer = lawyer
        consultation.claimed_at = asked + timedelta(minutes=rng.randint(10, 120))
        fields = ["lawyer", "claimed_at"]
        if status in (Consultation.Status.ANSWERED, Consultation.Status.CLOSED):
            answered = min(consultation.claimed_at + timedelta(hours=rng.randint(1, 20)), now)
            consultation.first_answered_at = answered
            consultation.first_response_seconds = int((answered - asked).total_seconds())
            fields += ["first_answered_at", "first_response_seconds"]
            ConsultationMessage.objects.create(consultation=consultation, author=lawyer,
                                               kind=ConsultationMessage.Kind.ANSWER, body=ANSWER,
                                               created_at=answered)
        if status == Consultation.Status.CLOSED:
            closed = min(consultation.first_answered_at + timedelta(hours=rng.randint(1, 48)), now)
            consultation.closed_at = closed
            consultation.resolution_seconds = int((closed - asked).total_seconds())
            consultation.rating = rng.choice([3, 4, 5, 5])
            consultation.rating_comment = "律师解答很耐心" if consultation.rating == 5 else ""
            fields += ["closed_at", "resolution_seconds", "rating", "rating_comment"]
        if status == Consultation.Status.ASSIGNED and index % 3 == 1:
            ConsultationMessage.objects.create(consultation=consultation, author=lawyer,
                                               kind=ConsultationMessage.Kind.NOTE,
                                               body="需要当事人补充工资条和考勤记录。",
                                               created_at=consultation.claimed_at)
        consultation.save(update_fields=fields)
        created += 1
    return created


def _roster(lawyers, now) -> None:
    start = timezone.localtime(now).replace(hour=8, minute=0, second=0, microsecond=0)
    for day in range(7):
        for slot, lawyer in enumerate(lawyers):
            starts = start + timedelta(days=day, hours=8 * slot)
            DutyShift.objects.get_or_create(lawyer=lawyer, starts_at=starts,
                                            defaults={"ends_at": starts + timedelta(hours=8), "phone": "12351"})


def _published(categories, now) -> None:
    if PublishedAnswer.objects.exists():
        return
    by_code = {c.code: c for c in categories}
    for offset, (code, question, answer) in enumerate(PUBLISHED):
        PublishedAnswer.objects.create(
            category=by_code[code], question=question, answer=answer, status=PublishedAnswer.Status.PUBLISHED,
            search_document=build_faq_document(by_code[code].name, question, answer),
            published_at=now - timedelta(days=offset))


# headcount, arrears amount, months, layoffs, insurance months, dispatched, complaints, halted, dispatch firm
PROFILES = [
    (120, 0, 0, 0, 0, 0, 0, False, False),
    (80, 60_000, 1, 5, 1, 0, 1, False, False),
    (200, 300_000, 2, 10, 1, 10, 0, False, False),
    (60, 600_000, 3, 20, 4, 50, 5, True, True),
]


def _screenings(user, now) -> int:
    if RiskScreening.objects.exists() or user is None:
        return 0
    enterprises = list(Enterprise.objects.select_related("district").order_by("pk")[:24])
    count = 0
    for index, enterprise in enumerate(enterprises):
        for step in range(3):  # a trend: three quarterly screenings, risk growing for some
            level_index = min(3, (index % 4) if step == 2 else max(0, (index % 4) - (2 - step)))
            head, amount, months, layoffs, insurance, dispatched, complaints, halted, firm = PROFILES[level_index]
            screening = RiskScreening(
                enterprise=enterprise, screened_on=(now - timedelta(days=90 * (2 - step))).date(),
                headcount=head, wage_arrears_amount=Decimal(amount), wage_arrears_months=months,
                layoffs_planned=layoffs, social_insurance_arrears_months=insurance, dispatched_workers=dispatched,
                complaints=complaints, production_halted=halted, is_dispatch_firm=firm, created_by=user)
            screening.score, screening.level, _ = rules.score(screening)
            if screening.level == RiskScreening.Level.RED:
                screening.warned_at = now - timedelta(days=90 * (2 - step))
            screening.save()
            count += 1
    return count


def seed(stdout=None) -> None:
    User = get_user_model()
    now = timezone.now()
    categories_ensure()
    lawyers = _lawyers()
    categories = list(ConsultationCategory.objects.all())
    workers = list(User.objects.filter(username__startswith="138391000").order_by("username")) or \
        list(User.objects.filter(organization__isnull=True, is_superuser=False).exclude(
            groups__isnull=False).order_by("pk")[:5])
    created = _consultations(lawyers, workers, categories, now) if workers and categories and lawyers else 0
    _roster(lawyers, now)
    _published(categories, now)
    screener = User.objects.filter(username="xiuwu_staff").first() or User.objects.filter(
        organization__isnull=False).first()
    screened = _screenings(screener, now)
    cases = _legal_aid_cases(lawyers, workers, now)
    if stdout:
        stdout.write(f"  律师 {len(lawyers)} 名，咨询 {created} 条，排查 {screened} 次，法律援助案件 {cases} 件")
    disputes, negotiations = _disputes(now), _negotiations(now)
    if stdout:
        stdout.write(f"  劳动争议 {disputes} 件，集体协商 {negotiations} 次")


# --- legal-aid cases (green channel) ---------------------------------------------------------------

# (dispute type, other party, amount claimed, workers involved, migrant, needy, epidemic, where it ends, district)
CASES = [
    ("wages", "焦作市宏达建筑劳务有限公司", "36800.00", 12, True, False, True, "submitted", "410821"),
    ("dismissal", "修武县顺通物流有限公司", "15000.00", 1, False, False, False, "submitted", "410821"),
    ("injury", "博爱县铸造有限公司", "52000.00", 1, False, True, False, "submitted", "410822"),
    ("other", "个体装修工头张某", "4200.00", 1, True, False, False, "declined", "410802"),
    ("contract", "焦作市惠民超市连锁有限公司", "0", 1, False, False, False, "withdrawn", "410802"),
    ("epidemic", "武陟县兴业纺织有限公司", "9600.00", 3, False, False, True, "consultation", "410823"),
    ("wages", "温县鑫源食品有限公司", "21500.00", 5, True, False, False, "mediation", "410825"),
    ("dismissal", "沁阳市化工新材料有限公司", "48000.00", 1, False, False, True, "arbitration", "410882"),
    ("injury", "孟州市华宇化工有限公司", "86000.00", 1, True, True, False, "litigation", "410883"),
    ("wages", "中站区利民建材有限公司", "28000.00", 8, True, False, True, "mediated", "410803"),
    ("insurance", "马村区永兴煤业有限公司", "45000.00", 1, False, False, False, "won", "410804"),
    ("dismissal", "山阳区汇通商贸有限公司", "30000.00", 1, False, True, True, "partial", "410811"),
    ("contract", "解放区博雅教育培训学校", "18000.00", 1, False, False, False, "lost", "410802"),
]
CASE_FACTS = {
    "wages": "春节后复工以来，公司以疫情期间订单减少为由，连续三个月未发工资，多次催要无果，老板称“等工程款到了再说”。",
    "dismissal": "疫情期间公司以经营困难为由口头通知我不用再来上班，没有书面通知，也不给经济补偿。",
    "injury": "在车间操作时右手被机器压伤，住院治疗一个月，公司不给申报工伤，也不承担医疗费。",
    "insurance": "入职三年，公司一直没有给我缴纳社会保险，现在要求补缴并赔偿损失。",
    "contract": "入职后公司一直不签书面劳动合同，现在要求支付未签合同的二倍工资差额。",
    "epidemic": "小区封控期间无法返岗，公司按旷工处理并扣发全部工资，还要求我写自愿离职申请。",
    "other": "在工头承包的装修工地干了一个月零活，工头只给了一半工钱就联系不上了。",
}
STAGE_NOTES = {
    "mediation": "组织双方在乡镇劳动争议调解委员会进行调解，单位同意核对工资发放记录。",
    "arbitration": "调解未成，已代为向劳动人事争议仲裁委员会提交仲裁申请，仲裁委已受理并排期开庭。",
    "litigation": "对仲裁裁决不服，已代为向人民法院提起诉讼，法院已立案。",
}
DECLINE_REASON = "经核实双方系承揽关系而非劳动关系，不属于职工法律援助范围；可向当地人民调解委员会申请调解。"
OUTCOME_NOTES = {"mediated": "调解达成协议，单位分两期支付拖欠工资，已全部到账。",
                 "won": "仲裁裁决支持全部请求，单位已履行。", "partial": "仲裁裁决支持部分经济补偿。",
                 "lost": "经审理，双方不构成劳动关系，请求未获支持。"}


def _legal_aid_cases(lawyers, workers, now) -> int:
    """Cases at every stage, through the services, then dated back so the timeline reads like a real one."""
    from apps.core.models import Organization

    from . import services
    from .models import CaseEntry, LegalAidCase

    User = get_user_model()
    clerk = User.objects.filter(username="city_office").first()
    if LegalAidCase.objects.exists() or clerk is None or not workers or not lawyers:
        return 0
    categories = {c.code: c for c in ConsultationCategory.objects.all()}
    districts = {o.code: o for o in Organization.objects.filter(code__in={row[-1] for row in CASES})}
    today = timezone.localdate()
    count = 0
    for index, (code, party, amount, people, migrant, needy, epidemic, end, district) in enumerate(CASES):
        worker = workers[index % len(workers)]
        case = services.case_apply(
            worker=worker, category=categories[code], opponent_name=party, facts=CASE_FACTS[code],
            contact_phone=worker.phone or "13839100000", amount_claimed=Decimal(amount), workers_involved=people,
            is_migrant_worker=migrant, is_needy_worker=needy, is_epidemic_related=epidemic, sensitive_consent=True,
            district=districts.get(district))
        days_ago = 70 - index * 4
        submitted = now - timedelta(days=days_ago, hours=index)
        LegalAidCase.objects.filter(pk=case.pk).update(submitted_at=submitted)
        count += 1
        if end == "submitted":
            continue
        if end == "withdrawn":
            services.case_withdraw(worker=worker, case=case)
            continue
        if end == "declined":
            services.case_decline(actor=clerk, case=case, reason=DECLINE_REASON)
            continue
        lawyer = lawyers[index % len(lawyers)]
        services.case_accept(actor=clerk, case=case, green_channel=case.green_channel, needy_confirmed=True if needy
                             else None, lawyer=lawyer)
        accepted_on = today - timedelta(days=days_ago - 2)
        accepted_at = timezone.make_aware(datetime.combine(accepted_on, time(10, 0)))
        LegalAidCase.objects.filter(pk=case.pk).update(accepted_at=accepted_at, decided_at=accepted_at)
        CaseEntry.objects.filter(case=case).update(happened_on=accepted_on, created_at=accepted_at)
        path = {"consultation": [], "mediation": ["mediation"], "arbitration": ["mediation", "arbitration"],
                "litigation": ["mediation", "arbitration", "litigation"]}.get(end, ["mediation", "arbitration"])
        if end == "mediated":
            path = ["mediation"]
        step = max(1, (days_ago - 4) // (len(path) + 2))
        happened = accepted_on
        for stage in path:
            happened = min(today, happened + timedelta(days=step))
            services.case_record_stage(actor=lawyer, case=case, stage=stage, happened_on=happened,
                                       body=STAGE_NOTES[stage])
        if end in OUTCOME_NOTES:
            recovered = {"mediated": Decimal(amount), "won": Decimal(amount), "partial": Decimal(amount) / 2,
                         "lost": Decimal("0")}[end]
            closed_on = min(today, happened + timedelta(days=step))
            services.case_close(actor=lawyer, case=case, outcome=end,
                                amount_recovered=recovered.quantize(Decimal("0.01")), closed_on=closed_on,
                                note=OUTCOME_NOTES[end])
            LegalAidCase.objects.filter(pk=case.pk).update(
                closed_at=timezone.make_aware(datetime.combine(closed_on, time(16, 0))))
    return count



# --- labour disputes and collective negotiations ---

# type, epidemic, workers, amount, marked collective, the statuses it went through, what happened
DISPUTES = [
    ("wage_arrears", True, 36, 420_000, False, ["mediating"],
     "企业受疫情影响订单减少，1—3 月拖欠 36 名一线职工工资，职工集体到县总工会反映，要求企业一次性结清。"),
    ("epidemic_pay", True, 12, 86_000, False, [],
     "疫情期间企业停工停产超过一个工资支付周期，未向 12 名职工发放生活费，职工要求按规定支付。"),
    ("termination", False, 1, 45_000, False, ["mediating", "mediated", "closed"],
     "企业以经营困难为由解除与一名职工的劳动合同，未支付经济补偿。"),
    ("social_insurance", False, 8, 120_000, True, ["mediating", "arbitration"],
     "企业自去年 10 月起未为 8 名职工缴纳社会保险，职工有共同请求，要求补缴。"),
    ("injury", False, 1, 260_000, False, ["mediating", "litigation"],
     "职工在车间作业时受伤，企业不认可工伤，拒绝支付停工留薪期工资和医疗费用。"),
    ("wage_arrears", True, 55, 680_000, False, ["mediating", "mediated"],
     "建筑项目复工后总包单位拖欠 55 名农民工工资，涉及金额较大，职工情绪激动。"),
    ("hours_leave", False, 3, 0, False, [],
     "复工后企业安排连续加班，3 名职工要求按规定安排休息或支付加班工资。"),
    ("epidemic_pay", True, 4, 26_000, False, ["mediating", "mediated", "closed"],
     "职工因所在小区封控无法返岗，企业按事假扣发工资，职工要求按正常出勤支付。"),
    ("wage_arrears", False, 18, 540_000, False, ["mediating", "arbitration", "closed"],
     "企业拖欠 18 名职工 4 个月工资，多次协商未果。"),
    ("other", False, 2, 8_000, False, ["mediating"],
     "外卖平台骑手与合作站点就劳动关系认定和意外伤害费用发生争议。"),
    ("termination", True, 25, 300_000, False, ["mediating"],
     "企业以疫情为由整体裁减 25 名职工，未提前 30 日向工会说明情况，职工要求恢复劳动关系或支付补偿。"),
    ("social_insurance", False, 1, 15_000, False, [],
     "企业未为新入职职工办理社会保险登记。"),
]
DISPUTE_STEPS = {
    "mediating": "县（市、区）总工会劳动争议调解员约谈企业负责人，组织劳资双方协商。",
    "mediated": "经调解双方达成协议，企业承诺分期支付，工会跟踪落实。",
    "arbitration": "调解未成，工会协助职工向劳动人事争议仲裁委员会申请仲裁。",
    "litigation": "调解未成，工会法律援助律师代理职工向人民法院起诉。",
    "closed": "已履行完毕，职工确认无异议，结案。",
}
RESOLUTIONS = {
    "mediated": "企业已按调解协议足额支付，职工确认无异议。",
    "arbitration": "仲裁委员会裁决企业支付拖欠工资及经济补偿，企业已履行。",
}


def _recorders() -> tuple[dict, object]:
    User = get_user_model()
    users = {u.username: u for u in User.objects.filter(
        username__in=["city_office", "xiuwu_staff", "boai_staff", "jiefang_staff"]).select_related("organization")}
    county = {u.organization.pk: u for name, u in users.items() if name != "city_office" and u.organization_id}
    return county, users.get("city_office")


def _spread_enterprises(count: int) -> list:
    """Enterprises of as many districts as possible, two at most from each."""
    by_district: dict[int, list] = {}
    for enterprise in Enterprise.objects.select_related("district", "union").order_by("district__path", "pk"):
        by_district.setdefault(enterprise.district_id, []).append(enterprise)
    chosen = [rows[i] for i in range(2) for rows in by_district.values() if len(rows) > i]
    return chosen[:count]


def _disputes(now) -> int:
    from .models import DisputeProgress, LabourDispute
    from .services import dispute_progress, dispute_record

    if LabourDispute.objects.exists():
        return 0
    county_staff, city_office = _recorders()
    if city_office is None:
        return 0
    today = timezone.localdate(now)
    created = 0
    for index, (enterprise, profile) in enumerate(zip(_spread_enterprises(len(DISPUTES)), DISPUTES, strict=False)):
        kind, epidemic, workers, amount, collective, steps, description = profile
        actor = county_staff.get(enterprise.district_id, city_office)
        occurred = today - timedelta(days=20 + 9 * index + 6 * len(steps))
        dispute = dispute_record(actor=actor, enterprise=enterprise, data={
            "dispute_type": kind, "epidemic_related": epidemic, "workers_involved": workers,
            "amount": Decimal(amount), "collective": collective, "occurred_on": occurred,
            "description": description})
        # The demo tells a past story: registration the day after the dispute arose.
        DisputeProgress.objects.filter(dispute=dispute).update(happened_on=occurred + timedelta(days=1))
        for number, step in enumerate(steps, start=1):
            previous = steps[number - 2] if number > 1 else ""
            dispute_progress(actor=actor, dispute=dispute, happened_on=occurred + timedelta(days=1 + 6 * number),
                             note=DISPUTE_STEPS[step], to_status=step,
                             resolution=RESOLUTIONS.get(previous, "双方和解，企业已支付。") if step == "closed" else "")
        created += 1
    return created


def _agreement_pdf(number: int) -> bytes:
    """A one-page PDF standing in for a scanned, signed agreement."""
    text = f"Collective agreement No. {number} - Jiaozuo Federation of Trade Unions (demo)".encode("ascii")
    stream = b"BT /F1 14 Tf 60 760 Td (" + text + b") Tj ET"
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
               b"/Resources << /Font << /F1 5 0 R >> >> >>",
               b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
               b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    body, offsets = b"%PDF-1.4\n", []
    for position, content in enumerate(objects, start=1):
        offsets.append(len(body))
        body += b"%d 0 obj\n" % position + content + b"\nendobj\n"
    xref = len(body)
    body += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    body += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    body += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return body


# topic, agreement reached, workers covered, what was agreed (or where it stands), with a file
NEGOTIATIONS = [
    ("wages", True, 320, "年度工资专项集体协议：一线职工工资增长 5%，每月 10 日前足额支付工资，不得以疫情为由拖欠。",
     True),
    ("epidemic", True, 180, "疫情期间停工停产的，一个工资支付周期内按劳动合同约定标准支付工资；超过一个周期的，"
                            "按不低于当地最低工资标准的 80% 发放生活费；职工可轮岗轮休、远程办公。", True),
    ("hours", True, 240, "复工复产期间实行综合计算工时，月加班不超过 36 小时，加班按规定支付加班工资或安排补休。",
     True),
    ("safety", True, 150, "企业配齐防护用品，落实每日健康监测和车间消毒，职工代表参与安全生产和防疫检查。", True),
    ("women", True, 60, "孕期、哺乳期女职工可居家远程办公，弹性安排工作时间，不因疫情降低其工资待遇。", True),
    ("wages", False, 0, "企业提出疫情期间降薪 20%，职工方不同意，双方约定一个月后再次协商。", False),
    ("epidemic", True, 95, "受疫情影响期间不裁员、少裁员，确需调整岗位的与职工协商一致。", False),
    ("other", False, 0, "就复工后班车接送安排进行协商，企业承诺一周内提出方案。", False),
]


def _negotiations(now) -> int:
    from django.core.files.base import ContentFile

    from .models import CollectiveNegotiation
    from .services import negotiation_record

    if CollectiveNegotiation.objects.exists():
        return 0
    county_staff, city_office = _recorders()
    if city_office is None:
        return 0
    today = timezone.localdate(now)
    created = 0
    enterprises = list(reversed(_spread_enterprises(len(NEGOTIATIONS) * 2)))
    for index, (enterprise, profile) in enumerate(zip(enterprises, NEGOTIATIONS, strict=False)):
        topic, reached, covered, summary, with_file = profile
        held = today - timedelta(days=15 + 11 * index)
        starts = held + timedelta(days=7)
        negotiation_record(
            actor=county_staff.get(enterprise.district_id, city_office), enterprise=enterprise,
            agreement_file=ContentFile(_agreement_pdf(index + 1), name="agreement.pdf") if with_file else None,
            data={"topic": topic, "held_on": held, "agreement_reached": reached, "agreement_summary": summary,
                  "union_side": "工会主席 李明，职工代表 王强、赵丽、孙伟",
                  "employer_side": "总经理 张华，人力资源部经理 刘洋", "workers_covered": covered,
                  "valid_from": starts if reached else None,
                  "valid_until": starts + timedelta(days=364) if reached else None})
        created += 1
    return created
