"""Django's admin, when HOMESAFE_DJANGO_ADMIN turns it on (it is off by default), shows the
access models read-only: every change to roles, teams, organisations, case access and keys is
made through the administration pages' services, which write the audit log. Nothing here
shows a child's facts: grants and audit entries name children by id."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin

from homesafe.access.models import (
    AuditEntry,
    CaseAccessGrant,
    Organisation,
    OrganisationContact,
    Team,
    User,
    UserRole,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    """View only: changes go through HomeSafe's audited services (docs/administration.md)."""

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class ContactInline(admin.TabularInline):
    model = OrganisationContact
    extra = 0
    has_add_permission = ReadOnlyAdmin.has_add_permission
    has_change_permission = ReadOnlyAdmin.has_change_permission
    has_delete_permission = ReadOnlyAdmin.has_delete_permission


@admin.register(Organisation)
class OrganisationAdmin(ReadOnlyAdmin):
    list_display = ["name", "type", "code", "police_force", "is_active"]
    list_filter = ["type", "is_active"]
    search_fields = ["name", "code"]
    inlines = [ContactInline]


@admin.register(Team)
class TeamAdmin(ReadOnlyAdmin):
    list_display = ["name", "service", "organisation"]
    list_filter = ["organisation"]


class UserRoleInline(admin.TabularInline):
    model = UserRole
    extra = 0
    has_add_permission = ReadOnlyAdmin.has_add_permission
    has_change_permission = ReadOnlyAdmin.has_change_permission
    has_delete_permission = ReadOnlyAdmin.has_delete_permission


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    ordering = ["email"]
    list_display = ["email", "first_name", "last_name", "organisation", "team", "is_active"]
    list_filter = ["is_active", "organisation__type", "role_grants__role"]
    search_fields = ["email", "first_name", "last_name"]
    inlines = [UserRoleInline]
    fieldsets = [
        (None, {"fields": ["email"]}),
        ("Person", {"fields": ["first_name", "last_name", "job_title", "organisation", "team"]}),
        ("Status", {"fields": ["is_active", "is_staff", "is_superuser", "last_login"]}),
    ]
    has_add_permission = ReadOnlyAdmin.has_add_permission
    has_change_permission = ReadOnlyAdmin.has_change_permission
    has_delete_permission = ReadOnlyAdmin.has_delete_permission


@admin.register(CaseAccessGrant)
class CaseAccessGrantAdmin(ReadOnlyAdmin):
    list_display = ["user", "child_id", "starts_at", "ends_at"]
    fields = ["user", "child_id", "starts_at", "ends_at", "granted_by"]
    readonly_fields = fields


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    list_display = ["at", "actor_id", "actor_label", "verb", "target_type", "target_id", "child_id"]
    fields = list_display
    readonly_fields = fields
    list_filter = ["verb"]
    date_hierarchy = "at"
