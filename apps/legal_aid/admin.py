from django.contrib import admin

from .models import ConsultationCategory, DutyShift


@admin.register(ConsultationCategory)
class ConsultationCategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "first_answer_hours", "order"]


@admin.register(DutyShift)
class DutyShiftAdmin(admin.ModelAdmin):
    list_display = ["lawyer", "starts_at", "ends_at", "phone"]
    list_filter = ["lawyer"]
    raw_id_fields = ["lawyer"]
