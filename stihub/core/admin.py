from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import Group
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from .models import AdministrativeUnit, Agency, RoleAssignment, User

# Access comes from roles (RoleAssignment) and rules, never from Django's groups.
admin.site.unregister(Group)


class RoleInline(admin.TabularInline):
    model = RoleAssignment
    extra = 1
    autocomplete_fields = ["agency"]


@admin.register(User)
class StihubUserAdmin(UserAdmin, SimpleHistoryAdmin):
    list_display = ["username", "get_full_name", "roles", "is_active", "locked_until"]
    list_filter = ["role_assignments__role", "is_active"]
    inlines = [RoleInline]
    fieldsets = [*UserAdmin.fieldsets, (_("Sign-in"), {"fields": ["locked_until"]})]

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
