from django.contrib import admin

from homesafe.duties.models import ProtocolVersion


@admin.register(ProtocolVersion)
class ProtocolVersionAdmin(admin.ModelAdmin):
    """Read-only: settings change through HomeSafe's protocol page, which validates and re-plans."""

    list_display = ["version", "created_at", "created_by", "note"]
    readonly_fields = [
        "version",
        "settings_toml",
        "created_at",
        "created_by",
        "note",
        "duties_from",
    ]

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
