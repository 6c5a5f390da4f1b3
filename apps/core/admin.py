from __future__ import annotations

from django.contrib import admin

from . import selectors, services
from .models import AuditLog, Enterprise, Organization, SensitiveConsent
from .scoping import org_scope_q

admin.site.site_header = "焦作职工服务平台 · 管理后台"
admin.site.site_title = "焦作市总工会"
admin.site.index_title = "焦作市总工会数据管理"


class ScopedAdminMixin:
    """Admin for staff below the city: they see and change only their own subtree.

    ``scope_field`` is the path to the row's organisation ("" for Organization itself).
    Foreign keys to Organization offer only organisations in the subtree.
    """

    scope_field = "organization"

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        return queryset.filter(org_scope_q(request.user, self.scope_field))

    def _in_scope(self, request, obj) -> bool:
        return obj is None or request.user.is_superuser or self.get_queryset(request).filter(pk=obj.pk).exists()

    def has_view_permission(self, request, obj=None):
        return super().has_view_permission(request, obj) and self._in_scope(request, obj)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self._in_scope(request, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and self._in_scope(request, obj)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.related_model is Organization and not request.user.is_superuser:
            kwargs["queryset"] = selectors.organizations_for_user(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(Organization)
class OrganizationAdmin(ScopedAdminMixin, admin.ModelAdmin):
    scope_field = ""
    list_display = ["name", "code", "org_type", "parent", "is_active"]
    list_filter = ["org_type", "is_active"]
    search_fields = ["name", "code"]
    readonly_fields = ["path", "depth"]
    list_select_related = ["parent"]

    def save_model(self, request, obj, form, change):
        if change:
            obj.save()
        else:
            created = services.organization_create(
                name=obj.name, code=obj.code, org_type=obj.org_type, parent=obj.parent
            )
            obj.pk, obj.path, obj.depth = created.pk, created.path, created.depth

    def get_readonly_fields(self, request, obj=None):
        # Moving an organisation would invalidate its subtree's paths.
        return [*self.readonly_fields, "parent", "code"] if obj else self.readonly_fields


@admin.register(Enterprise)
class EnterpriseAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ["name", "credit_code", "district", "industry", "size", "has_union", "union"]
    list_filter = ["district", "size", "has_union"]
    search_fields = ["name", "credit_code"]
    list_select_related = ["district", "union"]

    def get_queryset(self, request):
        queryset = admin.ModelAdmin.get_queryset(self, request)
        if request.user.is_superuser:
            return queryset
        return queryset.filter(pk__in=selectors.enterprises_for_user(request.user).values("pk"))

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        if change:
            services.enterprise_update(actor=request.user, enterprise=obj, data=data)
        else:
            obj.pk = services.enterprise_create(actor=request.user, data=data).pk


@admin.register(AuditLog)
class AuditLogAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ["created_at", "actor_repr", "action", "target_repr", "outcome", "ip_address"]
    list_filter = ["outcome", "action"]
    search_fields = ["action", "target_repr", "actor_repr", "target_id"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(SensitiveConsent)
class SensitiveConsentAdmin(admin.ModelAdmin):
    """Read-only, for the platform's administrators: the rows have no organisation to scope by."""

    list_display = ["created_at", "service", "kind", "subject", "actor", "target_id", "wording_version"]
    list_filter = ["kind", "purpose"]
    search_fields = ["purpose", "target_id", "wording_version"]
    date_hierarchy = "created_at"
    list_select_related = ["subject", "actor"]

    def has_view_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
