"""Subsidies test helpers: a fund and programme, valid ID and card numbers, an application at any state."""
from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from stdnum import luhn
from stdnum.cn import ric

from apps.relief.models import FundAccount
from apps.subsidies import services
from apps.subsidies.models import Application, Programme
from tests.relief.factories import make_fund

PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
       b"\x00\x00\x00\nIDATx\x9cc\x00\x01\x00\x00\x05\x00\x01\r\n-\xb4\x00\x00\x00\x00IEND\xaeB`\x82")
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"

_serial = iter(range(1, 10**6))


def resident_id(n: int | None = None) -> str:
    n = next(_serial) if n is None else n
    body = f"410821199001{(n % 28) + 1:02d}{n % 1000:03d}"
    return body + ric.calc_check_digit(body + "0")


def bank_card(n: int | None = None) -> str:
    n = next(_serial) if n is None else n
    body = f"62220200{n:010d}"
    return body + luhn.calc_check_digit(body)


def png(seed: int = 0, name: str = "ticket.png") -> SimpleUploadedFile:
    """A one-pixel PNG whose bytes differ with ``seed`` (trailing bytes after IEND)."""
    return SimpleUploadedFile(name, PNG + str(seed).encode(), content_type="image/png")


def make_programme(city_staff, *, total="10000.00", cap="500.00", rule=Programme.Rule.FLAT,
                   flat="300.00", **extra) -> Programme:
    fund = make_fund(city_staff, total, name="返岗补贴资金", purposes=("subsidy",))
    account = FundAccount.objects.get(fund=fund, parent__isnull=True)
    today = timezone.localdate()
    fields = dict(name="2020年返岗职工交通补贴", description="", return_from=today - timedelta(days=60),
                  return_until=today, apply_until=today + timedelta(days=30), rule=rule,
                  flat_amount=Decimal(flat), near_amount=Decimal("100.00"), mid_amount=Decimal("300.00"),
                  far_amount=Decimal("500.00"), cap=Decimal(cap), fund_account=account, is_open=True)
    fields.update(extra)
    return services.programme_save(actor=city_staff, **fields)


def submit(programme, applicant, enterprise, *, n: int | None = None, band="mid", receipts=None,
           phone: str | None = None, account: str | None = None, **extra) -> Application:
    n = next(_serial) if n is None else n
    fields = dict(applicant=applicant, programme=programme, real_name="张伟", id_number=resident_id(n),
                  phone=phone or f"139{n:08d}", enterprise=enterprise, origin="四川省成都市", band=band,
                  returned_on=timezone.localdate() - timedelta(days=3), bank_name="中国工商银行焦作分行",
                  bank_account=account or bank_card(n), receipts=receipts or [png(n)],
                  sensitive_consent=True)
    fields.update(extra)
    return services.application_submit(**fields)


def approved(programme, applicant, enterprise, *, union_staff, county_staff, city_staff, **extra) -> Application:
    application = submit(programme, applicant, enterprise, **extra)
    services.application_confirm(actor=union_staff, application=application)
    services.application_review(actor=county_staff, application=application)
    return services.application_approve(actor=city_staff, application=application)
