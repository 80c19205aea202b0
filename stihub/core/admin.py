from axes.admin import AccessAttemptAdmin
from axes.models import AccessAttempt
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import Group
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice
from simple_history.admin import SimpleHistoryAdmin

from .models import AdministrativeUnit, Agency, RoleAssignment, SecurityEvent, User

# Access comes from roles (RoleAssignment) and rules, never from Django's groups.
admin.site.unregister(Group)
# django-otp's own device pages can show a user's secret key: replaced by read-only ones below.
for _model in (TOTPDevice, StaticDevice):
    if admin.site.is_registered(_model):
        admin.site.unregister(_model)


class RoleInline(admin.TabularInline):
    model = RoleAssignment
    extra = 1
    autocomplete_fields = ["agency"]


@admin.register(User)
class StihubUserAdmin(UserAdmin, SimpleHistoryAdmin):
    list_display = ["username", "get_full_name", "roles", "is_active"]
    list_filter = ["role_assignments__role", "is_active"]
    inlines = [RoleInline]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("role_assignments__agency")

    @admin.display(description=_("roles"))
    def roles(self, user):
        return "; ".join(str(a) for a in user.role_assignments.all())


@admin.register(Agency)
class AgencyAdmin(SimpleHistoryAdmin):
    list_display = ["code", "name", "kind", "admin_unit", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["code", "name", "short_name"]


@admin.register(AdministrativeUnit)
class AdministrativeUnitAdmin(SimpleHistoryAdmin):
    list_display = ["code", "name", "division_type", "parent"]
    list_filter = ["division_type"]
    search_fields = ["name", "codename"]


class ReadOnlyAdmin(admin.ModelAdmin):
    """Records written by the platform: looked at, never edited here."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(SecurityEvent)
class SecurityEventAdmin(ReadOnlyAdmin):
    """The security log, for administrators; pruned after 12 months by a command, not by hand."""

    list_display = ["at", "kind", "user", "username", "ip_address", "detail"]
    list_filter = ["kind", "at"]
    search_fields = ["username", "ip_address", "detail"]
    date_hierarchy = "at"
    list_select_related = ["user"]

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AccessAttempt)
class LockoutAdmin(ReadOnlyAdmin, AccessAttemptAdmin):
    """Failed sign-ins counted by django-axes; deleting a row unlocks that name and address."""


@admin.register(TOTPDevice)
class AuthenticatorAdmin(ReadOnlyAdmin):
    """Users' authenticator apps, without their keys; delete one to let its user set up anew."""

    list_display = ["user", "name", "confirmed", "created_at", "last_used_at"]
    list_filter = ["confirmed"]
    search_fields = ["user__username"]
    fields = list_display
    list_select_related = ["user"]


@admin.register(StaticDevice)
class RecoveryCodesAdmin(ReadOnlyAdmin):
    """Users' sets of recovery codes (the codes are not shown)."""

    list_display = ["user", "name", "created_at", "last_used_at"]
    search_fields = ["user__username"]
    fields = list_display
    list_select_related = ["user"]
