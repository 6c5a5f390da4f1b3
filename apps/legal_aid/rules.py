"""The stability-risk rule table: what raises an enterprise's score, shown to staff as it is applied."""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True)
class Rule:
    label: str
    points: int
    applies: object  # callable(screening) -> bool


RULES: list[Rule] = [
    Rule("拖欠工资 1 个月", 15, lambda s: s.wage_arrears_months == 1),
    Rule("拖欠工资 2 个月及以上", 30, lambda s: s.wage_arrears_months >= 2),
    Rule("拖欠工资金额 50 万元及以上", 15, lambda s: Decimal(s.wage_arrears_amount or 0) >= 500_000),
    Rule("计划裁员达职工人数 10% 及以上", 20, lambda s: s.headcount and s.layoffs_planned * 10 >= s.headcount),
    Rule("计划裁员 1 人及以上（不足 10%）", 8,
         lambda s: s.layoffs_planned > 0 and not (s.headcount and s.layoffs_planned * 10 >= s.headcount)),
    Rule("欠缴社会保险 3 个月及以上", 15, lambda s: s.social_insurance_arrears_months >= 3),
    Rule("欠缴社会保险不足 3 个月", 5, lambda s: 0 < s.social_insurance_arrears_months < 3),
    Rule("劳务派遣用工超过职工人数 10%", 10, lambda s: s.headcount and s.dispatched_workers * 10 > s.headcount),
    Rule("劳务派遣单位（重点监测）", 5, lambda s: s.is_dispatch_firm),
    Rule("职工投诉 3 件及以上", 15, lambda s: s.complaints >= 3),
    Rule("职工投诉 1–2 件", 5, lambda s: 0 < s.complaints < 3),
    Rule("停产或半停产", 20, lambda s: s.production_halted),
]

# Score at or above the bound → level (checked from the top).
LEVELS = [(60, "red"), (40, "orange"), (20, "yellow"), (0, "green")]


def score(screening) -> tuple[int, str, list[Rule]]:
    """The points, the level and the rules that applied."""
    applied = [rule for rule in RULES if rule.applies(screening)]
    total = min(sum(rule.points for rule in applied), 100)
    level = next(level for bound, level in LEVELS if total >= bound)
    return total, level, applied
