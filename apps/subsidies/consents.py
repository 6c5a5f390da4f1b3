"""The sensitive personal information subsidies ask separate consent for (PIPL art. 29)."""
from __future__ import annotations

from apps.core.consent import ConsentPurpose

TRANSPORT_SUBSIDY = ConsentPurpose(
    key="subsidies.transport_application",
    service="返岗交通补贴申请",
    collected="身份证号码、银行卡号及开户银行、返岗行程和车票票据",
    necessity="身份证号码用于核对每人限领一次，银行卡号用于把补贴转入您本人账户，行程和票据用于核实返岗",
    who="您本人，以及返岗企业工会、审核和发放补贴的工会工作人员；身份证号码和银行卡号加密保存，页面上只显示部分号码",
    keep="补贴发放记录按财务规定保存；注销账号后与您的身份脱钩保留",
    order=50,
)
