"""Roles are Django groups. Each app's AppConfig lists, in ``role_permissions``, which of its
permissions each role holds; ``sync_roles`` (run after every migrate) makes the groups match.

A role's group is found by the role's stable code (``accounts.RoleGroup``), never by its Chinese
label: the label is what people read, and may be reworded without losing anyone's role.
"""
from __future__ import annotations

from django.apps import apps as django_apps
from django.contrib.auth.models import Group, Permission
from django.db import IntegrityError, models, transaction


class Role(models.TextChoices):
    CITY_OFFICE = "city_office", "市总工会办公室"
    CITY_DEPARTMENT = "city_department", "市总工会部室"
    COUNTY_STAFF = "county_staff", "县（市、区）及产业工会工作人员"
    GRASSROOTS_STAFF = "grassroots_staff", "基层工会工作人员"
    VOLUNTEER_LAWYER = "volunteer_lawyer", "志愿律师"
    COUNSELLOR = "counsellor", "心理咨询师"


def role_group(role: str) -> Group:
    """The group holding ``role``, created (or a group of the same label adopted) the first time."""
    from .models import RoleGroup

    code = Role(role).value
    found = RoleGroup.objects.select_related("group").filter(code=code).first()
    if found is not None:
        return found.group
    try:
        with transaction.atomic():
            group, _ = Group.objects.get_or_create(name=Role(code).label)
            RoleGroup.objects.create(code=code, group=group)
    except IntegrityError:  # created at the same moment by another request
        pass
    return RoleGroup.objects.select_related("group").get(code=code).group


def user_has_role(user, role: str) -> bool:
    return user.is_authenticated and user.groups.filter(role__code=Role(role).value).exists()


def sync_roles() -> None:
    """Give every role group exactly the permissions the installed apps declare for it."""
    wanted: dict[str, set[str]] = {role.value: set() for role in Role}
    for config in django_apps.get_app_configs():
        for role, perms in getattr(config, "role_permissions", {}).items():
            wanted[role].update(perms)
    for role, perm_names in wanted.items():
        group = role_group(role)
        label = Role(role).label
        if group.name != label and not Group.objects.filter(name=label).exists():
            group.name = label  # the label was reworded: people see the new one, the role stays
            group.save(update_fields=["name"])
        pairs = [name.split(".", 1) for name in perm_names]
        permissions = [
            perm
            for perm in Permission.objects.select_related("content_type").filter(
                codename__in=[codename for _, codename in pairs]
            )
            if [perm.content_type.app_label, perm.codename] in pairs
        ]
        group.permissions.set(permissions)
