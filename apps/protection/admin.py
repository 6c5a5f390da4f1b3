from django.contrib import admin

from .models import AnkangEntry, ChecklistTemplate, Hazard, ResumptionPlan, SupervisionVisit


@admin.register(Hazard)
class HazardAdmin(admin.ModelAdmin):
    """Read-only: hazards change state only through the services (audited)."""

    list_display = ["reference", "enterprise", "level", "status", "deadline", "reported_at"]
    list_filter = ["status", "level", "source"]
    search_fields = ["reference", "enterprise__name"]
    list_select_related = ["enterprise"]

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ResumptionPlan)
class ResumptionPlanAdmin(HazardAdmin):
    list_display = ["enterprise", "status", "version", "submitted_at"]
    list_filter = ["status"]
    search_fields = ["enterprise__name"]


@admin.register(ChecklistTemplate)
class ChecklistTemplateAdmin(HazardAdmin):
    list_display = ["name", "version", "is_current", "organization"]
    list_filter = ["is_current"]
    search_fields = ["name"]
    list_select_related = ["organization"]


@admin.register(SupervisionVisit)
class SupervisionVisitAdmin(HazardAdmin):
    list_display = ["enterprise", "visited_on", "organization", "follow_up_on"]
    list_filter = []
    search_fields = ["enterprise__name"]


@admin.register(AnkangEntry)
class AnkangEntryAdmin(HazardAdmin):
    list_display = ["enterprise", "year", "is_winner"]
    list_filter = ["year", "is_winner"]
    search_fields = ["enterprise__name"]
