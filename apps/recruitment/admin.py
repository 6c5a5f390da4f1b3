from django import forms
from django.contrib import admin

from . import services
from .models import (
    Application,
    BrokeredMatch,
    EmployerMembership,
    EmployerProfile,
    Interview,
    JobFair,
    JobPost,
    JobPostKeyGroup,
    SeekerDesiredCategory,
    SeekerProfile,
)


class JobPostKeyGroupInline(admin.TabularInline):
    model = JobPostKeyGroup
    extra = 0


class SeekerDesiredCategoryInline(admin.TabularInline):
    model = SeekerDesiredCategory
    extra = 0


@admin.register(JobPost)
class JobPostAdmin(admin.ModelAdmin):
    list_display = ["title", "enterprise", "district", "status", "valid_until", "published_at"]
    list_filter = ["status", "category", "district", "key_groups__code"]
    search_fields = ["title", "enterprise__name"]
    raw_id_fields = ["enterprise", "created_by"]
    readonly_fields = ["search_document"]
    inlines = [JobPostKeyGroupInline]

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)  # the welcomed groups are saved by now
        services.post_admin_changed(actor=request.user, post=form.instance)


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
    list_filter = ["key_group", "district", "desired_categories__code"]
    raw_id_fields = ["user"]
    inlines = [SeekerDesiredCategoryInline]

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)  # wishes and counties are saved by now
        services.seeker_admin_changed(actor=request.user, profile=form.instance)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "desired_districts":
            kwargs["widget"] = forms.CheckboxSelectMultiple
        return super().formfield_for_manytomany(db_field, request, **kwargs)


@admin.register(Application)
class ApplicationAdmin(admin.ModelAdmin):
    list_display = ["post", "seeker", "status", "source", "created_at"]
    list_filter = ["status", "source"]
    raw_id_fields = ["post", "seeker"]


admin.site.register([Interview, JobFair, BrokeredMatch])
