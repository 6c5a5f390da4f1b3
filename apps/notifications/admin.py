from django.contrib import admin

from .models import Notification


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["title", "recipient", "created_at", "read_at", "email_sent_at", "sms_sent_at"]
    search_fields = ["title"]
    list_select_related = ["recipient"]
    raw_id_fields = ["recipient"]
    readonly_fields = ["key", "created_at", "read_at", "email_sent_at", "sms_sent_at"]
