"""SMS behind one interface. ``settings.SMS_BACKEND`` names the class.

A real gateway subclasses ``BaseSmsBackend`` and implements ``send_messages``; the default
backend writes each message to the ``jiaozuo.sms`` log, and ``LocmemSmsBackend`` keeps them in
``outbox`` for tests.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass

from django.conf import settings
from django.utils.module_loading import import_string

logger = logging.getLogger("jiaozuo.sms")


@dataclass(frozen=True)
class SmsMessage:
    phone: str
    text: str


class BaseSmsBackend:
    def send_messages(self, messages: list[SmsMessage]) -> int:
        """Send the messages; return how many the gateway accepted."""
        raise NotImplementedError


class LogSmsBackend(BaseSmsBackend):
    def send_messages(self, messages: list[SmsMessage]) -> int:
        for message in messages:
            logger.info("SMS to %s: %s", message.phone, message.text)
        return len(messages)


outbox: list[SmsMessage] = []


class LocmemSmsBackend(BaseSmsBackend):
    def send_messages(self, messages: list[SmsMessage]) -> int:
        outbox.extend(messages)
        return len(messages)


def get_backend() -> BaseSmsBackend:
    return import_string(settings.SMS_BACKEND)()


def send_sms(phone: str, text: str) -> int:
    return get_backend().send_messages([SmsMessage(phone=phone, text=f"{settings.SMS_SIGNATURE}{text}")])
