from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models


class Notification(models.Model):
    """One message in one person's inbox; e-mail and SMS copies are tracked on the same row."""

    class Channel(models.TextChoices):
        SITE = "site", "站内信"
        EMAIL = "email", "电子邮件"
        SMS = "sms", "短信"

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="收件人", on_delete=models.CASCADE, related_name="notifications"
    )
    key = models.UUIDField("消息批次", default=uuid.uuid4, editable=False)
    title = models.CharField("标题", max_length=120)
    body = models.TextField("内容", blank=True)
    link = models.CharField("链接", max_length=300, blank=True)
    created_at = models.DateTimeField("时间", auto_now_add=True)
    read_at = models.DateTimeField("阅读时间", null=True, blank=True)
    email_sent_at = models.DateTimeField("邮件发送时间", null=True, blank=True)
    sms_sent_at = models.DateTimeField("短信发送时间", null=True, blank=True)

    class Meta:
        verbose_name = "通知"
        verbose_name_plural = "通知"
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["key", "recipient"], name="notification_once_per_recipient")]
        indexes = [models.Index(fields=["recipient", "read_at", "-created_at"], name="notif_inbox")]

    def __str__(self) -> str:
        return self.title

    @property
    def is_read(self) -> bool:
        return self.read_at is not None
