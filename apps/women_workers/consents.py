"""The sensitive personal information the women workers' app asks separate consent for (PIPL art. 29)."""
from __future__ import annotations

from apps.core.consent import ConsentPurpose

ARRANGEMENT = ConsentPurpose(
    key="women_workers.arrangement",
    service="孕期、哺乳期特殊时期工作安排申请",
    collected="您处于孕期或哺乳期、子女出生日期、希望的工作安排，以及您选填的身体情况说明",
    necessity="工会要据此与用人单位协商居家办公、弹性工作时间、调岗或休假，并核对哺乳期安排不超过子女满一周岁",
    who="您本人，以及所在工会和上级工会女职工部的工作人员；工会与单位协商时只说明协商所必需的情况",
    keep="注销账号时删除您填写的情况说明；协商记录与您的身份脱钩后保留",
    order=30,
)

COUNSELLING = ConsentPurpose(
    key="women_workers.counselling_booking",
    service="心理咨询预约",
    collected="您预约心理咨询这一事实、预约时间和方式、联系电话，以及您选填的咨询话题",
    necessity="咨询师需要知道时间、方式和联系电话才能为您安排咨询，话题帮助咨询师提前准备",
    who="只有您本人和您预约的咨询师；咨询师的咨询记录保密，不对外提供",
    keep="注销账号时删除咨询话题；出现危机风险时保留一个联系电话，至多 7 天后自动删除",
    order=31,
)
