from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import (
    Affiliation,
    Consent,
    DuplicateCandidate,
    Enterprise,
    Expert,
    FieldOfScience,
    Industry,
    Infrastructure,
    IPObject,
    IPStatusChange,
    Organization,
    PersonalDataAccess,
    SurveyYear,
)


@admin.register(Expert)
class ExpertAdmin(SimpleHistoryAdmin):
    list_display = ["full_name", "degree", "location", "public_consent", "erased_at"]
    list_filter = ["degree", "location", "public_consent"]
    search_fields = ["search_text"]
    raw_id_fields = ["organization", "user"]


@admin.register(Organization)
class OrganizationAdmin(SimpleHistoryAdmin):
    list_display = ["code", "name", "kind", "commune"]
    list_filter = ["kind"]
    search_fields = ["search_text"]
    raw_id_fields = ["commune", "agency"]


@admin.register(Enterprise)
class EnterpriseAdmin(SimpleHistoryAdmin):
    list_display = ["tax_code", "name", "vsic", "size", "st_cert_date", "startup_recognised_on"]
    list_filter = ["size"]
    search_fields = ["search_text"]
    raw_id_fields = ["commune"]


@admin.register(IPObject)
class IPObjectAdmin(SimpleHistoryAdmin):
    list_display = ["application_no", "kind", "title", "filed_on", "status"]
    list_filter = ["kind", "status"]
    search_fields = ["search_text"]
    raw_id_fields = ["applicant_enterprise", "applicant_organization", "applicant_expert"]


@admin.register(Infrastructure)
class InfrastructureAdmin(SimpleHistoryAdmin):
    list_display = ["name", "kind", "shared_use"]
    raw_id_fields = ["organization", "enterprise"]


@admin.register(Affiliation, SurveyYear)
class PartAdmin(SimpleHistoryAdmin):
    pass


@admin.register(IPStatusChange, DuplicateCandidate, FieldOfScience, Industry)
class PlainAdmin(admin.ModelAdmin):
    pass


@admin.register(Consent, PersonalDataAccess)
class LogAdmin(admin.ModelAdmin):
    """Written once by the platform: read here, never changed."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
