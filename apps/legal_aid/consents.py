"""The sensitive personal information legal aid asks separate consent for (PIPL art. 29)."""
from __future__ import annotations

from apps.core.consent import ConsentPurpose

CASE_APPLICATION = ConsentPurpose(
    key="legal_aid.case_application",
    service="法律援助申请",
    collected="劳动争议的事实经过、对方当事人、请求金额、证据材料，以及您是否农民工、是否困难职工等情况",
    necessity="受理工会和承办律师要据此判断是否受理、是否走绿色通道，并代理您的案件",
    who="您本人、承办律师和受理工会法律部门的工作人员；工作人员每次查看都记入审计日志",
    keep="已受理案件的案卷依照《中华人民共和国法律援助法》和档案管理规定保存，注销账号时删除其中的联系电话；未受理的申请随注销删除",
    order=45,
)
