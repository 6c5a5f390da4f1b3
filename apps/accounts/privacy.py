"""The account's own data, for the person's copy."""
from __future__ import annotations

from apps.core.registry import DataSection


def my_account_data(user) -> list[DataSection]:
    groups = "、".join(user.groups.order_by("name").values_list("name", flat=True))
    return [DataSection(
        title="账号信息",
        columns=["用户名", "姓名", "手机号码", "手机验证时间", "身份证号码（脱敏）", "电子邮箱", "所属组织", "角色",
                 "注册时间", "最近登录"],
        rows=[[user.username, user.real_name, user.phone or "", user.phone_verified_at, user.id_number_masked,
               user.email, str(user.organization or ""), groups, user.date_joined, user.last_login]],
    )]
