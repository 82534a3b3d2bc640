from django.contrib import admin
from rest_framework_api_key.admin import APIKeyModelAdmin

from homesafe.intake.models import ForceMapping, PoliceApiKey, PoliceEvent


@admin.register(PoliceApiKey)
class PoliceApiKeyAdmin(APIKeyModelAdmin):
    """Read-only: keys are created and revoked on the administration pages, which audit it."""

    list_display = [*APIKeyModelAdmin.list_display, "organisation"]
    list_filter = [*APIKeyModelAdmin.list_filter, "organisation"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ForceMapping)
class ForceMappingAdmin(admin.ModelAdmin):
    """Read-only: mappings change on the administration pages, which check and audit them."""

    list_display = ["organisation", "default_local_authority"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(PoliceEvent)
class PoliceEventAdmin(admin.ModelAdmin):
    """Read-only: the record of what police systems sent and what HomeSafe did with it."""

    list_display = ["received_at", "force", "police_reference", "event_type", "outcome"]
    list_filter = ["force", "event_type", "outcome"]
    search_fields = ["police_reference", "event_id"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
