"""Demonstration data: plans in every state, a checklist template and inspections, hazards at every level and
state (some overdue and escalated), supervision visits, daily health figures with gaps, 安康杯 entries."""
from __future__ import annotations

import random
import uuid
from datetime import datetime, time, timedelta

from django.contrib.auth import get_user_model
from django.utils import timezone

from apps.core.models import Enterprise, Organization

from .models import (
    PLAN_ITEMS,
    AccidentReport,
    AnkangEntry,
    ChecklistTemplate,
    Hazard,
    HazardEvent,
    HealthDailyFigure,
    HealthRules,
    Inspection,
    InspectionAnswer,
    PlanVersion,
    ResumptionPlan,
    SupervisionVisit,
    TemplateItem,
)
from .services import hazards_escalate
from .services.hazards import _new_reference

TEMPLATE_NAME = "复工复产安全生产与疫情防控自查表"
ITEMS = [
    ("疫情防控", "入口测温登记", "所有进厂人员测温并登记，体温异常者不得进入"),
    ("疫情防控", "防护物资储备", "口罩、消毒液储备不少于 7 天用量"),
    ("疫情防控", "食堂分餐错峰", "错峰就餐、同向就坐，餐具每餐消毒"),
    ("消防安全", "灭火器配置与有效期", "按规定配置，压力正常，在有效期内"),
    ("消防安全", "安全出口和疏散通道", "畅通无堆放，应急照明完好"),
    ("用电安全", "配电箱管理", "箱门上锁，有警示标志，无私拉乱接"),
    ("设备安全", "冲压、剪切设备防护", "防护罩、光电保护装置齐全有效"),
    ("复工培训", "复工前安全培训", "全员参加复工前安全培训并有记录"),
]
HAZARD_TEXTS = [
    ("二号车间配电箱门敞开，线路裸露，地面有积水。", "二号车间"),
    ("仓库消防通道堆放纸箱，安全出口被部分堵塞。", "成品仓库"),
    ("冲压机防护罩被拆除，操作工手部离模具很近。", "冲压车间"),
    ("食堂未错峰就餐，职工面对面聚集用餐。", "职工食堂"),
    ("宿舍一间住了十二人，通风不良，无消毒记录。", "职工宿舍"),
    ("厂区门岗未测温登记，外来车辆直接进入。", "东门门岗"),
    ("灭火器压力表指针在红区，已过有效期。", "办公楼二层"),
    ("为赶工期连续加班，夜班无安全员值守。", "装配线"),
    ("有限空间作业未办理审批，无监护人。", "污水池"),
]


def _at(day, hour=9):
    return timezone.make_aware(datetime.combine(day, time(hour, 0)))


def seed(stdout=None) -> None:
    if ChecklistTemplate.objects.filter(name=TEMPLATE_NAME).exists():
        if stdout:
            stdout.write(f"  隐患 {Hazard.objects.count()} 项（已存在）")
        return
    User = get_user_model()
    users = {u.username: u for u in User.objects.filter(
        username__in=["city_office", "xiuwu_staff", "boai_staff", "jiefang_staff", "grassroots_staff"])}
    city = Organization.objects.get(code="410800")
    city_office, grassroots = users["city_office"], users["grassroots_staff"]
    county_staff = {"410821": users["xiuwu_staff"], "410822": users["boai_staff"], "410802": users["jiefang_staff"]}
    rng = random.Random(2026)
    today = timezone.localdate()
    enterprises = list(Enterprise.objects.select_related("district", "union").order_by("district__code", "pk"))
    hengda = next(e for e in enterprises if e.name == "修武县恒达机械制造有限公司")

    template = ChecklistTemplate.objects.create(family=uuid.uuid4(), name=TEMPLATE_NAME, organization=city,
                                                created_by=city_office, description="适用于各类复工企业，每月一次")
    items = TemplateItem.objects.bulk_create([TemplateItem(template=template, topic=t, text=x, pass_criterion=p,
                                                           order=i) for i, (t, x, p) in enumerate(ITEMS, 1)])

    def reviewer_for(enterprise):
        return county_staff.get(enterprise.district.code, city_office)

    # Plans: every state, some enterprises missing.
    states = ["approved", "approved", "submitted", "returned", "resubmitted", None]
    for index, enterprise in enumerate(enterprises):
        state = "resubmitted" if enterprise == hengda else states[index % len(states)]
        if state is None:
            continue
        submitted = _at(today - timedelta(days=rng.randint(8, 40)))
        checklist = {key: f"{label}：已制定具体措施，由{rng.choice(['行政部', '安全科', '工会'])}负责落实。"
                     for key, label, _ in PLAN_ITEMS}
        plan = ResumptionPlan.objects.create(
            enterprise=enterprise, checklist=checklist, submitted_by=grassroots, submitted_at=submitted,
            resumed_on=today - timedelta(days=rng.randint(0, 20)) if state == "approved" else None,
            status={"resubmitted": "submitted"}.get(state, state))
        first = PlanVersion.objects.create(plan=plan, number=1, checklist=checklist, submitted_by=grassroots,
                                           submitted_at=submitted)
        reviewer = reviewer_for(enterprise)
        if state in ("approved", "returned", "resubmitted"):
            first.decision = "approved" if state == "approved" else "returned"
            first.comment = "" if state == "approved" else "食堂管理措施不够具体，请写明分批就餐时间和座位间隔。"
            first.reviewer, first.reviewed_at = reviewer, submitted + timedelta(days=2)
            first.save()
            plan.reviewed_at = first.reviewed_at
        if state == "resubmitted":
            revised = {**checklist, "canteen": "食堂管理：分三批就餐（11:30、12:00、12:30），每桌一人，同向就坐。"}
            PlanVersion.objects.create(plan=plan, number=2, checklist=revised, submitted_by=grassroots,
                                       submitted_at=submitted + timedelta(days=3), note="按审核意见补充食堂措施")
            plan.checklist, plan.version, plan.submitted_at = revised, 2, submitted + timedelta(days=3)
        plan.save()

    # Hazards at every level and state.
    def add_hazard(enterprise, *, days_ago, level, status, source="public", answer=None, visit=None, text=None):
        description, location = text or rng.choice(HAZARD_TEXTS)
        reported_at = _at(today - timedelta(days=days_ago), rng.randint(8, 17))
        hazard = Hazard.objects.create(
            reference=_new_reference(), enterprise=enterprise, routed_to=enterprise.union or enterprise.district,
            source=source, level=level, status=status, location=location, description=description,
            reported_at=reported_at, deadline=Hazard.deadline_for(level, reported_at.date()),
            inspection_answer=answer, visit=visit, reporter_name=rng.choice(["", "", "张师傅"]),
            responsible_person="" if status == "reported" else rng.choice(["李主任", "王科长", "赵经理"]))
        staff = reviewer_for(enterprise)
        events = [HazardEvent(hazard=hazard, kind="reported", note=hazard.get_source_display())]
        if status != "reported":
            events.append(HazardEvent(hazard=hazard, kind="assigned", actor=staff,
                                      note=f"{hazard.get_level_display()}隐患，{hazard.deadline:%Y-%m-%d} 前整改。"))
        if status in ("rectified", "verified", "reopened"):
            hazard.rectified_by = grassroots if enterprise == hengda else staff
            hazard.rectified_at = reported_at + timedelta(days=rng.randint(1, 5))
            events.append(HazardEvent(hazard=hazard, kind="rectified", actor=hazard.rectified_by,
                                      note="已按要求整改（演示数据无照片）。"))
        if status == "verified":
            hazard.verified_by = city_office if hazard.rectified_by == staff else staff
            hazard.verified_at = hazard.rectified_at + timedelta(days=1)
            events.append(HazardEvent(hazard=hazard, kind="verified", actor=hazard.verified_by, note="现场复核合格。"))
        if status == "reopened":
            events.append(HazardEvent(hazard=hazard, kind="reopened", actor=staff, note="整改不彻底，请重新整改。"))
        hazard.save()
        HazardEvent.objects.bulk_create(events)
        # The history reads in the demo's own time, not the moment the seed ran.
        moments = {"reported": reported_at, "assigned": reported_at + timedelta(hours=3),
                   "rectified": hazard.rectified_at, "verified": hazard.verified_at,
                   "reopened": (hazard.rectified_at or reported_at) + timedelta(days=1)}
        for kind, moment in moments.items():
            if moment is not None:
                hazard.events.filter(kind=kind).update(created_at=moment)
        return hazard

    plan_of_states = [("general", "reported", 1), ("serious", "assigned", 2), ("major", "assigned", 6),
                      ("general", "assigned", 25), ("general", "rectified", 4), ("serious", "verified", 12),
                      ("general", "verified", 30), ("major", "reopened", 9), ("serious", "verified", 20)]
    for index, enterprise in enumerate(enterprises):
        for level, status, days_ago in rng.sample(plan_of_states, 3 if enterprise.has_union else 1):
            add_hazard(enterprise, days_ago=days_ago + index % 3, level=level, status=status)

    # Inspections for 恒达: two months, failures raised as hazards.
    for months_back, failing in ((1, {3, 6}), (0, {5})):
        month = (today.replace(day=1) - timedelta(days=months_back * 28)).strftime("%Y-%m")
        inspection = Inspection.objects.create(enterprise=hengda, template=template, period=month,
                                               filled_by=grassroots, failed_count=len(failing))
        for position, item in enumerate(items):
            answer = InspectionAnswer.objects.create(inspection=inspection, item=item,
                                                     passed=position not in failing,
                                                     note="" if position not in failing else "现场检查不符合")
            if position in failing:
                add_hazard(hengda, days_ago=28 * months_back + 2, level="general",
                           status="verified" if months_back else "assigned", source="inspection", answer=answer,
                           text=(f"【{item.topic}】{item.text}：不符合“{item.pass_criterion}”。现场检查不符合",
                                 ""))

    # Supervision visits.
    for index, enterprise in enumerate([e for e in enterprises if e.district.code in county_staff][:5]):
        staff = county_staff[enterprise.district.code]
        visited = today - timedelta(days=3 + index * 4)
        visit = SupervisionVisit.objects.create(
            enterprise=enterprise, organization=staff.organization, visited_on=visited,
            visitors=f"{staff.real_name}、{rng.choice(['刘明', '孙伟', '周静'])}", created_by=staff,
            findings="检查复工方案落实、防护物资、食堂和宿舍管理，以及设备复工前检修情况。",
            follow_up_on=visited + timedelta(days=7 + index))
        if index % 2 == 0:
            add_hazard(enterprise, days_ago=(today - visited).days, level="serious", status="assigned",
                       source="visit", visit=visit)

    # Health monitoring with gaps.
    for enterprise in [hengda, *[e for e in enterprises if e.has_union and e != hengda][:3]]:
        HealthRules.objects.get_or_create(enterprise=enterprise, defaults={
            "monitoring": "每日上岗前、午间两次测温，异常情况 1 小时内报告。",
            "entry": "一人一码登记进出，外来人员提前预约。", "canteen": "分批错峰就餐，餐具每餐消毒。",
            "hygiene": "公共区域每日两次消毒并登记。", "updated_by": grassroots})
        on_site = max(enterprise.employee_count - rng.randint(0, 20), 1)
        figures = []
        for days_ago in range(30):
            if rng.random() < 0.15:
                continue  # a gap: the day was not reported
            checked = on_site - rng.randint(0, min(3, on_site))
            abnormal = rng.choice([0, 0, 0, 1])
            figures.append(HealthDailyFigure(enterprise=enterprise, day=today - timedelta(days=days_ago),
                                             on_site=on_site, checked=checked, abnormal=min(abnormal, checked),
                                             isolated=min(abnormal, checked), reported_by=grassroots))
        HealthDailyFigure.objects.bulk_create(figures, ignore_conflicts=True)

    # 安康杯.
    entrants = [e for e in enterprises if e.has_union][:8]
    for index, enterprise in enumerate(entrants):
        entry = AnkangEntry.objects.create(enterprise=enterprise, year=today.year, registered_by=grassroots)
        if index in (0, 3):
            entry.is_winner, entry.winner_marked_by, entry.winner_marked_at = True, city_office, timezone.now()
            entry.save()
    AccidentReport.objects.create(enterprise=entrants[1], occurred_on=today - timedelta(days=40),
                                  summary="搬运时脚部砸伤，已送医治疗。", injured=1, reported_by=grassroots)

    escalated = hazards_escalate(today=today)
    if stdout:
        stdout.write(f"  隐患 {Hazard.objects.count()} 项，逾期督办 {escalated} 次，"
                     f"复工方案 {ResumptionPlan.objects.count()} 份")
