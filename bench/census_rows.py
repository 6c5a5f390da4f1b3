"""Synthetic census (四经普) rows shaped like the real extract: used for the demo file and the bench."""
from __future__ import annotations

import random

from stdnum.cn import uscc

COUNTIES = ["解放区", "中站区", "马村区", "山阳区", "示范区", "修武县", "博爱县", "武陟县", "温县", "沁阳市", "孟州市"]
INDUSTRIES = ["机械制造", "批发零售", "餐饮", "交通运输", "建筑", "食品加工", "化工", "纺织服装", "居民服务",
              "信息技术", "物流快递", "汽车配件", "铝业加工", "农业", "文化旅游"]
WORDS = ["鑫源", "恒通", "宏达", "瑞丰", "金鼎", "华联", "兴业", "德润", "盛世", "中原", "太行", "怀川", "云台",
         "广源", "永安", "嘉禾", "博远", "宏图", "万通", "天成"]
KINDS = ["有限公司", "有限责任公司", "股份有限公司", "商贸部", "加工厂", "合作社"]
STREETS = ["人民路", "建设路", "解放路", "工业路", "民主路", "塔南路", "丰收路", "焦作大道"]


def credit_code(seed: int) -> str:
    body = f"91410800MB{seed % 10**7:07d}"
    return body + uscc.calc_check_digit(body)


def census_rows(count: int, *, seed: int = 4, start: int = 0):
    rng = random.Random(seed)
    seen: dict[str, int] = {}
    for index in range(start, start + count):
        county = COUNTIES[index % len(COUNTIES)]
        industry = rng.choice(INDUSTRIES)
        employees = rng.choice([3, 8, 12, 18, 26, 35, 48, 60, 85, 120, 240, 380, 650]) + rng.randint(0, 9)
        name = f"焦作市{county}{rng.choice(WORDS)}{industry}{rng.choice(KINDS)}"
        seen[name] = seen.get(name, 0) + 1
        if seen[name] > 1:
            name = f"{name}（{seen[name]}）"
        yield [name, credit_code(index + 1), f"{county}{rng.choice(STREETS)}{rng.randint(1, 400)}号", county,
               industry, employees]
