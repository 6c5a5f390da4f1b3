"""Bulk import of a grassroots union's existing members from Excel: every bad row is reported and
nothing is saved unless every row is good."""
from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction

from apps.core.audit import audit_record
from apps.core.crypto import encrypt, pii_digest
from apps.core.models import Organization
from apps.core.validators import mask_resident_id, normalize_mobile, normalize_resident_id

from ..imports import ImportRefused, read_table
from ..models import Membership, NewFormWork
from .common import check_scope
from .membership import _make_member

COLUMNS = ["姓名", "身份证号码", "手机号码", "职业（岗位）", "新就业形态"]
MAX_ROWS = 5000
NEW_FORM = {label: value for value, label in NewFormWork.choices if value} | {"否": "", "": ""}


class MemberImportRefused(Exception):
    def __init__(self, errors: list[str]):
        super().__init__("；".join(errors[:5]))
        self.errors = errors


def _parse(cells: dict) -> dict:
    name = cells["姓名"]
    if not name or len(name) > 30:
        raise ValueError("姓名为空或超过30字")
    try:
        id_number = normalize_resident_id(cells["身份证号码"])
    except ValidationError as error:
        raise ValueError(error.messages[0]) from None
    phone = ""
    if cells["手机号码"]:
        try:
            phone = normalize_mobile(cells["手机号码"])
        except ValidationError as error:
            raise ValueError(error.messages[0]) from None
    occupation = cells["职业（岗位）"]
    if len(occupation) > 40:
        raise ValueError("职业超过40字")
    if cells["新就业形态"] not in NEW_FORM:
        raise ValueError(f"新就业形态应为：{'、'.join(k for k in NEW_FORM if k)}，或留空")
    return {"real_name": name, "id_number": id_number, "phone": phone, "occupation": occupation,
            "new_form_work": NEW_FORM[cells["新就业形态"]]}


@transaction.atomic
def members_import(*, actor, union: Organization, binary, kind: str) -> int:
    """Add the members listed in the file to ``union``; returns how many. Raises MemberImportRefused."""
    check_scope(actor, union)
    if union.org_type != Organization.Type.GRASSROOTS:
        raise ValidationError({"union": "只能导入到基层工会。"})
    errors, good, seen = [], [], {}
    try:
        for row in read_table(binary, kind=kind, columns=COLUMNS, max_rows=MAX_ROWS):
            try:
                if row.error:
                    raise ValueError(row.error)
                data = _parse(row.cells)
                digest = pii_digest(data["id_number"])
                if digest in seen:
                    raise ValueError(f"身份证号码与第 {seen[digest]} 行重复")
                seen[digest] = row.number
                good.append((row.number, digest, data))
            except ValueError as error:
                errors.append(f"第 {row.number} 行：{error}")
    except ImportRefused as error:
        raise MemberImportRefused([str(error)]) from None
    active = set(Membership.objects.filter(id_digest__in=list(seen), status=Membership.Status.ACTIVE)
                 .values_list("id_digest", flat=True))
    errors += [f"第 {number} 行：该身份证号码已是工会会员" for number, digest, _ in good if digest in active]
    if errors:
        raise MemberImportRefused(sorted(errors, key=lambda text: int(text.split(" ")[1])))
    if not good:
        raise MemberImportRefused(["文件中没有会员数据。"])
    enterprise = union.enterprises.first()
    for _number, digest, data in good:
        _make_member(actor=actor, user=None, real_name=data["real_name"], digest=digest,
                     cipher=encrypt(data["id_number"]), masked=mask_resident_id(data["id_number"]),
                     phone=data["phone"], union=union, enterprise=enterprise, occupation=data["occupation"],
                     new_form_work=data["new_form_work"], online=False)
    audit_record(actor=actor, action="organizing.members.imported", target=union, after={"count": len(good)},
                 organization=union)
    return len(good)
