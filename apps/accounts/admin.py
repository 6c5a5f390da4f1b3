from __future__ import annotations

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils.html import format_html
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from apps.core.admin import ScopedAdminMixin

from .models import SmsVerification, User
from .roles import Role, user_has_role
from .two_factor import services as two_factor

# Authenticator secrets and recovery codes are not for anyone's eyes, superusers' included:
# a device is removed only through the audited reset (the user admin's action and page below).
for _model in (TOTPDevice, StaticDevice):
    if admin.site.is_registered(_model):
        admin.site.unregister(_model)


@admin.register(User)
class UserAdmin(ScopedAdminMixin, BaseUserAdmin):
    scope_field = "organization"
    list_display = ["username", "real_name", "organization", "is_active", "is_staff", "last_login"]
    list_filter = ["is_active", "is_staff", "groups", "organization__org_type"]
    search_fields = ["username", "real_name", "phone"]
    list_select_related = ["organization"]
    readonly_fields = ["id_number_masked", "phone_verified_at", "last_login", "date_joined", "second_factor"]
    actions = ["reset_second_factor"]
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
        if obj is not None and two_factor.needs_second_factor(obj):
            fieldsets = (*fieldsets, ("双因素验证", {"fields": ("second_factor",)}))
        if request.user.is_superuser and obj is not None:
            fieldsets = (*fieldsets, ("超级权限", {"fields": ("is_superuser", "user_permissions")}))
        return fieldsets

    @admin.display(description="身份验证器")
    def second_factor(self, obj):
        # The reset page itself decides who may reset (superusers, the city office for its subtree).
        state = "已绑定" if two_factor.confirmed_totp_device(obj) else "未绑定"
        return format_html('{} · <a href="{}">重置（市总工会办公室）</a>', state,
                           reverse("accounts:two_factor_reset", args=[obj.pk]))

    def get_actions(self, request):
        actions = super().get_actions(request)
        if not (request.user.is_superuser or user_has_role(request.user, Role.CITY_OFFICE)):
            actions.pop("reset_second_factor", None)
        return actions

    @admin.action(description="重置所选人员的身份验证器（手机丢失时）", permissions=["change"])
    def reset_second_factor(self, request, queryset):
        done, refused = 0, []
        for person in queryset.select_related("organization"):
            if two_factor.can_reset_second_factor(request.user, person):
                two_factor.two_factor_reset(actor=request.user, person=person)
                done += 1
            else:
                refused.append(person.get_full_name())
        if done:
            self.message_user(request, f"已重置 {done} 人的身份验证器，其下次登录时需重新绑定。", messages.SUCCESS)
        if refused:
            self.message_user(request, f"无权重置：{'、'.join(refused)}（不能重置自己或本级以外人员的验证器）。",
                              messages.WARNING)


@admin.register(SmsVerification)
class SmsVerificationAdmin(admin.ModelAdmin):
    list_display = ["phone", "purpose", "created_at", "expires_at", "attempts", "consumed_at"]
    readonly_fields = ["phone", "purpose", "code_digest", "created_at", "expires_at", "attempts", "consumed_at"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
