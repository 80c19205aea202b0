from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from .models import AdministrativeUnit, Agency, User


@admin.register(User)
class StihubUserAdmin(UserAdmin, SimpleHistoryAdmin):
    list_display = ["username", "get_full_name", "role", "agency", "is_active", "locked_until"]
    list_filter = ["role", "is_active", "agency__kind"]
    fieldsets = [
        *UserAdmin.fieldsets,
        (_("Role in STI Hub"), {"fields": ["role", "agency", "locked_until"]}),
    ]


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
