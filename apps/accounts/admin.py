from __future__ import annotations

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.models import Group

from apps.core.admin import ScopedAdminMixin

from .models import SmsVerification, User
from .roles import Role


@admin.register(User)
class UserAdmin(ScopedAdminMixin, BaseUserAdmin):
    scope_field = "organization"
    list_display = ["username", "real_name", "organization", "is_active", "is_staff", "last_login"]
    list_filter = ["is_active", "is_staff", "groups", "organization__org_type"]
    search_fields = ["username", "real_name", "phone"]
    list_select_related = ["organization"]
    readonly_fields = ["id_number_masked", "phone_verified_at", "last_login", "date_joined"]
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        ("个人信息", {"fields": ("real_name", "phone", "phone_verified_at", "email", "id_number_masked")}),
        ("组织与角色", {"fields": ("organization", "groups", "is_active", "is_staff")}),
        ("时间", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("username", "real_name", "organization", "password1", "password2")}),
    )

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "groups" and not request.user.is_superuser:
            # Below the city, staff may hand out only roles below the city's.
            city_roles = [Role.CITY_OFFICE, Role.CITY_DEPARTMENT]
            if request.user.organization is None or request.user.organization.org_type != "city":
                kwargs["queryset"] = Group.objects.exclude(role__code__in=city_roles)
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if request.user.is_superuser and obj is not None:
            fieldsets = (*fieldsets, ("超级权限", {"fields": ("is_superuser", "user_permissions")}))
        return fieldsets


@admin.register(SmsVerification)
class SmsVerificationAdmin(admin.ModelAdmin):
    list_display = ["phone", "purpose", "created_at", "expires_at", "attempts", "consumed_at"]
    readonly_fields = ["phone", "purpose", "code_digest", "created_at", "expires_at", "attempts", "consumed_at"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
