from django.contrib import admin

from .models import (
    Application,
    BrokeredMatch,
    EmployerMembership,
    EmployerProfile,
    Interview,
    JobFair,
    JobPost,
    SeekerProfile,
)


@admin.register(JobPost)
class JobPostAdmin(admin.ModelAdmin):
    list_display = ["title", "enterprise", "district", "status", "valid_until", "published_at"]
    list_filter = ["status", "category", "district"]
    search_fields = ["title", "enterprise__name"]
    raw_id_fields = ["enterprise", "created_by"]
    readonly_fields = ["search_document"]


@admin.register(EmployerProfile)
class EmployerProfileAdmin(admin.ModelAdmin):
    list_display = ["enterprise", "status", "verified_at"]
    list_filter = ["status"]


@admin.register(EmployerMembership)
class EmployerMembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "enterprise", "status", "created_at"]
    list_filter = ["status"]
    raw_id_fields = ["user", "enterprise"]


@admin.register(SeekerProfile)
class SeekerProfileAdmin(admin.ModelAdmin):
    list_display = ["real_name", "district", "key_group", "allow_recommendation", "created_at"]
    list_filter = ["key_group", "district"]
    raw_id_fields = ["user"]


@admin.register(Application)
class ApplicationAdmin(admin.ModelAdmin):
    list_display = ["post", "seeker", "status", "source", "created_at"]
    list_filter = ["status", "source"]
    raw_id_fields = ["post", "seeker"]


admin.site.register([Interview, JobFair, BrokeredMatch])
