"""Admin views for support staff. Changes of state go through the workbench (services), so
submissions, versions and exports are read-only here."""
from django.contrib import admin

from .models import ExportJob, ReportField, ReportRound, ReportTask, Submission, SubmissionVersion, ValidationRule


class ReportFieldInline(admin.TabularInline):
    model = ReportField
    extra = 0


class ValidationRuleInline(admin.TabularInline):
    model = ValidationRule
    extra = 0


@admin.register(ReportTask)
class ReportTaskAdmin(admin.ModelAdmin):
    list_display = ["title", "period", "audience", "status", "created_at"]
    list_filter = ["status", "period", "audience"]
    search_fields = ["title"]
    inlines = [ReportFieldInline, ValidationRuleInline]
    readonly_fields = ["status", "published_at", "created_by"]


@admin.register(ReportRound)
class ReportRoundAdmin(admin.ModelAdmin):
    list_display = ["task", "period_start", "period_end", "due_date", "lock_date"]
    list_filter = ["task"]
    date_hierarchy = "due_date"


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Submission)
class SubmissionAdmin(ReadOnlyAdmin):
    list_display = ["organization", "round", "status", "first_submitted_at", "late", "version_count"]
    list_filter = ["status", "late", "round__task"]
    list_select_related = ["organization", "round__task"]
    search_fields = ["organization__name"]


@admin.register(SubmissionVersion)
class SubmissionVersionAdmin(ReadOnlyAdmin):
    list_display = ["submission", "number", "submitted_at", "decision", "reviewed_at"]
    list_select_related = ["submission__organization", "submission__round__task"]


@admin.register(ExportJob)
class ExportJobAdmin(ReadOnlyAdmin):
    list_display = ["round", "requested_by", "status", "progress", "total", "created_at"]
    list_select_related = ["round__task", "requested_by"]
