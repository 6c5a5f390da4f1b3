"""Condolence visits (慰问): a plan, then each visit with its acknowledgement; cash is paid from the fund."""
from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models

from apps.core.models import Organization
from apps.core.uploads import PrivateFileField

from .funds import MONEY, Disbursement, FundAccount


class VisitPlan(models.Model):
    class Group(models.TextChoices):
        FRONTLINE = "frontline", "一线职工"
        KEY_PROJECT = "key_project", "重点项目建设者"
        NEEDY = "needy", "困难职工"

    title = models.CharField("慰问活动", max_length=100)
    group = models.CharField("慰问对象", max_length=16, choices=Group.choices)
    organization = models.ForeignKey(Organization, verbose_name="组织单位", on_delete=models.PROTECT,
                                     related_name="relief_visit_plans")
    account = models.ForeignKey(FundAccount, verbose_name="使用资金", null=True, blank=True,
                                on_delete=models.PROTECT, related_name="visit_plans")
    planned_people = models.PositiveIntegerField("计划慰问人数", validators=[MinValueValidator(1)])
    budget = models.DecimalField("预算（元）", **MONEY, validators=[MinValueValidator(Decimal("0"))])
    start_on = models.DateField("开始日期")
    end_on = models.DateField("结束日期")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="创建人", on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    class Meta:
        verbose_name = "慰问计划"
        verbose_name_plural = "慰问计划"
        ordering = ["-start_on", "-id"]
        constraints = [models.CheckConstraint(condition=models.Q(end_on__gte=models.F("start_on")),
                                              name="relief_visit_plan_dates")]
        permissions = [("record_visit", "登记慰问")]

    def __str__(self) -> str:
        return self.title


class Visit(models.Model):
    class Form(models.TextChoices):
        CASH = "cash", "慰问金"
        GOODS = "goods", "慰问品"

    plan = models.ForeignKey(VisitPlan, verbose_name="慰问计划", on_delete=models.PROTECT, related_name="visits")
    recipient_name = models.CharField("慰问对象姓名", max_length=50)
    recipient_workplace = models.CharField("工作单位或项目", max_length=100)
    form = models.CharField("慰问形式", max_length=8, choices=Form.choices)
    goods = models.CharField("慰问品", max_length=200, blank=True)
    value = models.DecimalField("金额或价值（元）", **MONEY)
    visited_on = models.DateField("慰问日期")
    visitors = models.CharField("慰问人员", max_length=200)
    acknowledgement = PrivateFileField("签收凭证", upload_to="relief/visits", blank=True)
    confirmed = models.BooleanField("对象已确认收到", default=False)
    disbursement = models.OneToOneField(Disbursement, verbose_name="资金支出", null=True, blank=True,
                                        on_delete=models.PROTECT, related_name="visit")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="登记人", on_delete=models.PROTECT,
                                    related_name="+")
    recorded_at = models.DateTimeField("登记时间", auto_now_add=True)

    class Meta:
        verbose_name = "慰问记录"
        verbose_name_plural = "慰问记录"
        ordering = ["-visited_on", "-id"]
        constraints = [models.CheckConstraint(condition=models.Q(value__gt=0), name="relief_visit_value_positive")]

    def __str__(self) -> str:
        return f"{self.recipient_name} {self.visited_on}"
