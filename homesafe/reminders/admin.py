from django.contrib import admin

from homesafe.reminders.models import ReminderPreference


@admin.register(ReminderPreference)
class ReminderPreferenceAdmin(admin.ModelAdmin):
    """Read-only: each person chooses on their own page (Reminder e-mails)."""

    list_display = ["user", "digest_times", "digest_days", "updated_at"]
    readonly_fields = ["user", "digest_times", "digest_days", "updated_at"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
