"""The person's own subsidy records for their download (PIPL art. 45), and what closing an account keeps."""
from __future__ import annotations

from apps.core.registry import ClosureNote, DataSection


def my_subsidy_data(user) -> list[DataSection]:
    from .models import Application

    applications = (Application.objects.filter(applicant=user).select_related("programme", "enterprise")
                    .order_by("created_at"))
    rows = [[a.programme.name, a.real_name, a.id_masked, a.phone, a.enterprise.name, a.origin, a.returned_on,
             a.bank_name, a.account_masked, a.amount, a.get_status_display(), a.created_at, a.paid_at]
            for a in applications]
    if not rows:
        return []
    return [DataSection(title="交通补贴申请", columns=["项目", "姓名", "身份证号", "手机号", "返岗企业", "出发地",
                                                       "返岗日期", "开户银行", "银行账号", "金额（元）", "状态",
                                                       "申请时间", "发放时间"], rows=rows)]


def subsidy_records_close(*, user) -> ClosureNote | None:
    from .models import Application

    if not Application.objects.filter(applicant=user).exists():
        return None
    return ClosureNote(app="补贴申请", kept=[
        "补贴申请与发放记录是财政资金的支付凭证，按财务档案要求保存；身份证号和银行账号只以加密和摘要形式保存。"])
