"""Relief test helpers: a fund with its city account, allocations, staff holding relief roles."""
from __future__ import annotations

from decimal import Decimal

from apps.relief import services
from apps.relief.models import Fund, FundAccount


def make_fund(city_staff, total="10000.00", *, name="疫情防控专项资金", year=2020,
              purposes=("condolence", "aid", "subsidy")) -> Fund:
    return services.fund_create(actor=city_staff, name=name, source="市财政拨付", year=year, total=Decimal(total),
                                purposes=list(purposes))


def root_account(fund: Fund) -> FundAccount:
    return FundAccount.objects.get(fund=fund, parent__isnull=True)


def allocate(city_staff, fund: Fund, organization, amount) -> FundAccount:
    return services.fund_allocate(actor=city_staff, source=root_account(fund), organization=organization,
                                  amount=Decimal(amount))
