from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin

from homesafe.access.models import AuditEntry, CaseAccessGrant, Organisation, Team, User, UserRole


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "type", "code", "police_force", "is_active"]
    list_filter = ["type", "is_active"]
    search_fields = ["name", "code"]


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ["name", "service", "organisation"]
    list_filter = ["organisation"]


class UserRoleInline(admin.TabularInline):
    model = UserRole
    extra = 1


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    ordering = ["email"]
    list_display = ["email", "first_name", "last_name", "organisation", "team", "is_active"]
    list_filter = ["is_active", "organisation__type", "role_grants__role"]
    search_fields = ["email", "first_name", "last_name"]
    inlines = [UserRoleInline]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        ("Person", {"fields": ["first_name", "last_name", "job_title", "organisation", "team"]}),
        ("Status", {"fields": ["is_active", "is_staff", "is_superuser", "last_login"]}),
    ]
    add_fieldsets = [(None, {"fields": ["email", "password1", "password2", "organisation"]})]
    readonly_fields = ["last_login"]

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # deactivate instead: the audit log names users


@admin.register(CaseAccessGrant)
class CaseAccessGrantAdmin(admin.ModelAdmin):
    list_display = ["user", "child_id", "starts_at", "ends_at", "reason"]
    raw_id_fields = ["user", "child", "granted_by"]


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = [
        "at",
        "actor",
        "actor_label",
        "verb_label",
        "target_type",
        "target_id",
        "child_id",
    ]
    list_filter = ["verb"]
    date_hierarchy = "at"

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
