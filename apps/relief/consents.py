"""The sensitive personal information relief asks separate consent for (PIPL art. 29)."""
from __future__ import annotations

from apps.core.consent import ConsentPurpose

AID_APPLICATION = ConsentPurpose(
    key="relief.aid_application",
    service="困难职工分类梯度帮扶申请",
    collected="家庭人口、家庭月收入、致困原因（如重病、残疾、意外伤害）、困难情况说明和证明材料（可能含病历、诊断证明、收入证明）",
    necessity="帮扶档次和金额按致困原因和家庭人均收入核定，审核人员需要据此核实困难情况",
    who="您本人，以及所在基层工会、县（市、区）总工会和市总工会负责审核、发放帮扶的工作人员",
    keep="帮扶申请及资金发放记录属于财务凭证，按财务档案的保管期限保存；注销账号后与您的身份脱钩保留",
    order=40,
)
