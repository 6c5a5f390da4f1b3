from django.contrib import admin

from .models import ConsultationCategory, DisputeThresholds, DutyShift


@admin.register(ConsultationCategory)
class ConsultationCategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "first_answer_hours", "order"]


@admin.register(DutyShift)
class DutyShiftAdmin(admin.ModelAdmin):
    list_display = ["lawyer", "starts_at", "ends_at", "phone"]
    list_filter = ["lawyer"]
    raw_id_fields = ["lawyer"]


@admin.register(DisputeThresholds)
class DisputeThresholdsAdmin(admin.ModelAdmin):
    """One row; the console page (legal_aid:dispute_thresholds) edits it through the audited service."""

    list_display = ["major_workers", "major_amount", "updated_by", "updated_at"]
    readonly_fields = ["updated_by", "updated_at"]

    def has_add_permission(self, request) -> bool:
        return super().has_add_permission(request) and not DisputeThresholds.objects.exists()

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def save_model(self, request, obj, form, change) -> None:
        from .services import thresholds_set

        thresholds_set(actor=request.user, major_workers=obj.major_workers, major_amount=obj.major_amount)
