"""Separate consent for sensitive personal information (PIPL arts. 29–30).

Each app declares, for every worker-facing form that collects sensitive information, one
``ConsentPurpose``: what is collected, why it is necessary, who sees it, how long it is kept. The form
adds ``SensitiveConsentMixin`` (apps.core.forms), which shows that text next to a checkbox; the service
that creates the application refuses without it and calls ``consent_record`` (apps.core.services) in
its own transaction, so no application exists without the consent row that allowed it. The exact
wording shown is stored with the row, and its hash is the version.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.html import format_html, format_html_join

CONSENT_FIELD = "sensitive_consent"
CONSENT_REQUIRED = "办理此项业务需要您单独同意处理上述敏感个人信息。"
ATTESTATION_REQUIRED = "代职工办理需要确认已取得职工本人处理敏感个人信息的书面同意。"
REFUSAL = "您可以不同意：不同意只是无法在线办理本项业务，不影响您的账号和平台的其他服务。"
ATTESTATION = ("本人（工会工作人员）确认：已向职工本人说明上述内容，并已取得其处理上述敏感个人信息的书面同意，"
               "书面同意材料由本工会留存备查。")


@dataclass(frozen=True)
class ConsentPurpose:
    """One reason the portal processes sensitive personal information, with what the person is told."""

    key: str  # stable, e.g. "relief.aid_application"; never renamed once rows exist
    service: str  # 办理的业务
    collected: str  # 收集哪些敏感个人信息
    necessity: str  # 为什么必需
    who: str  # 谁能看到
    keep: str  # 保存多久
    order: int = 100

    def parts(self) -> list[tuple[str, str]]:
        return [("收集的敏感个人信息", self.collected), ("为什么必需", self.necessity),
                ("谁能看到", self.who), ("保存多久", self.keep),
                ("对您的影响", "这些信息一旦泄露或被非法使用，可能损害您的人格尊严或人身、财产安全；"
                            "平台只在办理本项业务时使用，查看和改动都记入审计日志。"),
                ("不同意会怎样", REFUSAL)]

    @property
    def intro(self) -> str:
        return f"为办理“{self.service}”，需要您单独同意处理以下敏感个人信息（《个人信息保护法》第二十九条）。"

    @property
    def text(self) -> str:
        """The wording the person agrees to, exactly as stored with their consent."""
        lines = [self.intro, *(f"{label}：{value}" for label, value in self.parts())]
        return "\n".join(lines)

    @property
    def attestation_text(self) -> str:
        return f"{self.text}\n{ATTESTATION}"

    def html(self):
        """The same wording for the page, shown next to the checkbox."""
        return format_html(
            '<div class="sensitive-consent border rounded p-2 mb-2 small" data-testid="consent-notice">'
            '<p class="mb-1">{}</p><dl class="mb-0">{}</dl></div>',
            self.intro,
            format_html_join("", "<dt>{}</dt><dd class=\"mb-1\">{}</dd>", self.parts()))


def wording_version(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def consent_errors(given: bool, *, attested: bool = False) -> dict[str, str]:
    """The consent field's error, for a service that gathers every field's error before refusing."""
    return {} if given is True else {CONSENT_FIELD: consent_error(attested=attested)}


def require_consent(given: bool, *, attested: bool = False) -> None:
    """The service's own refusal: no application for sensitive information without the separate consent."""
    errors = consent_errors(given, attested=attested)
    if errors:
        raise ValidationError(errors)


def consent_error(*, attested: bool = False) -> str:
    return ATTESTATION_REQUIRED if attested else CONSENT_REQUIRED
