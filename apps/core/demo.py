"""Demonstration data for core: the real organisation tree of Jiaozuo and enterprises in every district."""
from __future__ import annotations

import random

from stdnum.cn import uscc

from .models import Enterprise, Organization
from .services import organization_create

CITY = ("焦作市总工会", "410800")
COUNTIES = [
    ("解放区总工会", "410802"), ("中站区总工会", "410803"), ("马村区总工会", "410804"),
    ("山阳区总工会", "410811"), ("示范区总工会", "410871"), ("修武县总工会", "410821"),
    ("博爱县总工会", "410822"), ("武陟县总工会", "410823"), ("温县总工会", "410825"),
    ("沁阳市总工会", "410882"), ("孟州市总工会", "410883"),
]
INDUSTRIES = [
    ("焦作市能源化工工会", "IND01"), ("焦作市机械冶金建材工会", "IND02"),
    ("焦作市教育工会", "IND03"), ("焦作市卫生健康工会", "IND04"),
]
# (short place name, enterprises there: name, industry, size, employees, has union)
ENTERPRISES = {
    "410802": [("焦作市解放区鑫源商贸有限公司", "批发零售", "small", 86, True),
               ("焦作万方物流有限公司", "交通运输", "medium", 320, True),
               ("焦作市解放区康宁家政服务部", "居民服务", "micro", 18, False)],
    "410803": [("焦作市中站区铝业加工厂", "有色金属", "medium", 410, True),
               ("焦作市中站区建材有限公司", "建材", "small", 95, False)],
    "410804": [("焦作市马村区煤机配件有限公司", "机械制造", "small", 120, True),
               ("焦作市马村区绿源农业合作社", "农业", "micro", 25, False)],
    "410811": [("焦作市山阳区智联电子科技有限公司", "电子信息", "medium", 260, True),
               ("焦作市山阳区百姓餐饮管理有限公司", "餐饮", "small", 70, False)],
    "410871": [("焦作示范区新能源汽车零部件有限公司", "汽车制造", "large", 1250, True),
               ("焦作示范区云仓电商产业园有限公司", "电子商务", "medium", 380, True)],
    "410821": [("修武县云台山旅游服务有限公司", "旅游", "medium", 540, True),
               ("修武县恒达机械制造有限公司", "机械制造", "small", 150, True),
               ("修武县丰收面粉有限公司", "食品加工", "small", 60, False)],
    "410822": [("博爱县铸造有限公司", "铸造", "medium", 330, True),
               ("博爱县清化竹编工艺品厂", "工艺品", "micro", 22, False)],
    "410823": [("武陟县纸业有限公司", "造纸", "medium", 450, True),
               ("武陟县詹店物流园有限公司", "交通运输", "small", 140, False)],
    "410825": [("温县太极文化传媒有限公司", "文化", "small", 45, False),
               ("温县怀药食品有限公司", "食品加工", "medium", 280, True)],
    "410882": [("沁阳市化工新材料有限公司", "化工", "large", 980, True),
               ("沁阳市纺织服装有限公司", "纺织服装", "medium", 360, True)],
    "410883": [("孟州市皮革制品有限公司", "皮革", "medium", 520, True),
               ("孟州市汽车配件有限公司", "汽车制造", "medium", 300, True)],
}
STREETS = ["人民路", "建设路", "解放路", "工业路", "民主路"]


def credit_code_for(seed: int) -> str:
    """A well-formed unified social credit code for demo enterprises (valid check character)."""
    # 9 (registered by the market regulator) 1 (enterprise), 410800 (焦作市), then a 9-character body.
    body = f"91410800MA{seed % 10**7:07d}"
    return body + uscc.calc_check_digit(body)


def _org(name: str, code: str, org_type: str, parent: Organization | None) -> Organization:
    existing = Organization.objects.filter(code=code).first()
    return existing or organization_create(name=name, code=code, org_type=org_type, parent=parent)


def _enterprise_rows():
    """(county code, index in its county, row, credit code) for each enterprise of the table above."""
    for county_code, rows in ENTERPRISES.items():
        for index, row in enumerate(rows, start=1):
            yield county_code, index, row, credit_code_for(int(county_code) * 10 + index)


def demo_enterprises():
    """The enterprises of the table above (other apps' demo data adds more, e.g. the census import), so
    that an app's demo seeded before or after those gives the same rows."""
    return Enterprise.objects.filter(credit_code__in=[code for *_, code in _enterprise_rows()])


def seed(stdout=None) -> None:
    city = _org(*CITY, Organization.Type.CITY, None)
    counties = {code: _org(name, code, Organization.Type.COUNTY, city) for name, code in COUNTIES}
    for name, code in INDUSTRIES:
        _org(name, code, Organization.Type.INDUSTRY, city)
    rng = random.Random(2026)
    for county_code, index, (name, industry, size, employees, has_union), credit_code in _enterprise_rows():
        county = counties[county_code]
        union = None
        if has_union:
            union = _org(f"{name.replace('有限公司', '').replace('厂', '')}工会", f"{county_code}G{index:02d}",
                         Organization.Type.GRASSROOTS, county)
        Enterprise.objects.get_or_create(
            credit_code=credit_code,
            defaults={
                "name": name, "district": county, "industry": industry, "size": size,
                "employee_count": employees, "has_union": has_union, "union": union,
                "address": f"{county.name.replace('总工会', '')}{rng.choice(STREETS)}{rng.randint(1, 300)}号",
                "contact_name": rng.choice("王李张刘陈杨赵") + rng.choice(["经理", "主任", "女士", "先生"]),
                "contact_phone": f"1{rng.choice('3578')}{rng.randint(100000000, 999999999)}",
            },
        )
    if stdout:
        stdout.write(f"  组织 {Organization.objects.count()} 个，企业 {Enterprise.objects.count()} 家")
