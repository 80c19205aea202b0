"""Registries API: experts, organizations, enterprises, industrial property and research
infrastructure (public reads). `?q=` searches as people type (search.py) and answers in
relevance order; without it rows come in Vietnamese alphabetical order. The public sees what
`registries.visible` gives, and never a person's restricted fields; DOST callers also get them,
each response logged in the personal data access log."""

from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import serializers, viewsets

from stihub.api import CheckedLookup, router
from stihub.core.permissions import PUBLIC
from stihub.monitoring.api import ID_PARAMETER, ID_PATTERN

from . import privacy
from .choices import Access
from .filters import FILTERS
from .models import Enterprise, Expert, Infrastructure, IPObject, Organization, split_list
from .registries import visible

TAG = "registry"
LIST = {"type": "array", "items": {"type": "string"}}


def sees_personal_data(request) -> bool:
    return request is not None and request.user.has_perm("registry.view_personal_data")


@extend_schema_field(LIST)
class ListField(serializers.Field):
    """A `;`-separated (or one-per-line) text as a list of strings."""

    def __init__(self, separator=";", **kwargs):
        self.separator = separator
        super().__init__(read_only=True, **kwargs)

    def to_representation(self, value):
        if self.separator == ";":
            return split_list(value)
        return [line.strip() for line in (value or "").splitlines() if line.strip()]


@extend_schema_field({"type": "string", "format": "uri", "nullable": True})
class WebsiteField(serializers.CharField):
    """A website address, or null when none is recorded (an empty text is not a URI)."""

    def __init__(self, **kwargs):
        super().__init__(read_only=True, **kwargs)

    def to_representation(self, value):
        return value or None


class ExpertSerializer(serializers.ModelSerializer):
    fields = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    keywords = ListField()
    roles = ListField()
    publications = ListField(separator="\n")
    projects = ListField(separator="\n")
    # Restricted (Nghị định 13/2023/NĐ-CP): given to DOST callers only, hence optional here.
    birth_year = serializers.IntegerField(
        required=False, allow_null=True, help_text=_("DOST callers only.")
    )
    hometown = serializers.CharField(required=False, help_text=_("DOST callers only."))
    email = serializers.CharField(required=False, help_text=_("DOST callers only."))
    phone = serializers.CharField(required=False, help_text=_("DOST callers only."))

    class Meta:
        model = Expert
        public = [
            "id", "full_name", "academic_title", "degree", "fields", "keywords", "organization",
            "organization_name", "position", "location", "country", "roles", "orcid",
            "publications", "projects",
        ]  # fmt: skip
        fields = [*public, *Expert.RESTRICTED]

    def get_fields(self):
        fields = super().get_fields()
        if not sees_personal_data(self.context.get("request")):
            for name in Expert.RESTRICTED:
                fields.pop(name)
        return fields


class OrganizationSerializer(serializers.ModelSerializer):
    website = WebsiteField()
    fields = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    commune = serializers.SlugRelatedField(slug_field="code", read_only=True)
    commune_name = serializers.CharField(source="commune.name", read_only=True, default=None)

    class Meta:
        model = Organization
        fields = [
            "id", "code", "name", "short_name", "kind", "commune", "commune_name", "address",
            "fields", "website", "staff_total", "staff_phd", "staff_masters", "description",
        ]  # fmt: skip


class EnterpriseSerializer(serializers.ModelSerializer):
    website = WebsiteField()
    industry = serializers.SlugRelatedField(
        slug_field="code", read_only=True, help_text=_("The VSIC 2018 division (two digits).")
    )
    commune = serializers.SlugRelatedField(slug_field="code", read_only=True)
    commune_name = serializers.CharField(source="commune.name", read_only=True, default=None)

    class Meta:
        model = Enterprise
        fields = [
            "id", "tax_code", "name", "vsic", "industry", "size", "commune", "commune_name",
            "address", "website", "products", "st_cert_no", "st_cert_date", "st_cert_issuer",
            "st_cert_products", "st_cert_rule", "st_cert_revoked_on", "startup_recognised_on",
        ]  # fmt: skip


class StatusChangeSerializer(serializers.Serializer):
    status = serializers.CharField()
    on = serializers.DateField()


class IPSerializer(serializers.ModelSerializer):
    classes = ListField()
    status_history = StatusChangeSerializer(source="status_changes", many=True, read_only=True)

    class Meta:
        model = IPObject
        fields = [
            "id", "kind", "application_no", "filed_on", "title", "applicant_name",
            "applicant_enterprise", "applicant_organization", "applicant_expert", "classes",
            "status", "status_history", "grant_no", "granted_on",
        ]  # fmt: skip

    def to_representation(self, ip):
        data = super().to_representation(ip)
        # A person who applied is named only if the public may see the person.
        person = ip.applicant_expert
        request = self.context.get("request")
        if person is not None and not (
            sees_personal_data(request) or (person.public_consent and person.erased_at is None)
        ):
            data["applicant_name"], data["applicant_expert"] = "", None
        return data


class InfrastructureSerializer(serializers.ModelSerializer):
    fields = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    owner = serializers.CharField(source="owner.name", read_only=True, default=None)

    class Meta:
        model = Infrastructure
        fields = [
            "id", "kind", "name", "organization", "enterprise", "owner", "fields", "description",
            "shared_use", "conditions", "contact",
        ]  # fmt: skip


class RegistryViewSet(CheckedLookup, viewsets.ReadOnlyModelViewSet):
    """A registry's rows the caller may see, filtered and ordered by its filter set."""

    permissions = {"list": PUBLIC, "retrieve": PUBLIC}
    lookup_pattern = ID_PATTERN
    registry = ""
    related = ()
    prefetch = ()

    def get_queryset(self):
        rows = visible(self.registry, self.request.user)
        return rows.select_related(*self.related).prefetch_related(*self.prefetch)

    def filter_queryset(self, queryset):
        # retrieve: the object among the visible rows, whatever the query string says
        if self.action != "list":
            return queryset
        return super().filter_queryset(queryset)


class ExpertViewSet(RegistryViewSet):
    registry = "experts"
    serializer_class = ExpertSerializer
    filterset_class = FILTERS["experts"]
    prefetch = ("fields",)

    def get_serializer(self, *args, **kwargs):
        serializer = super().get_serializer(*args, **kwargs)
        if args and sees_personal_data(self.request):
            # Every person whose restricted fields this response carries is logged.
            shown = args[0] if kwargs.get("many") else [args[0]]
            privacy.log_access(self.request.user, shown, via=Access.API, path=self.request.path)
        return serializer


class OrganizationViewSet(RegistryViewSet):
    registry = "organizations"
    serializer_class = OrganizationSerializer
    filterset_class = FILTERS["organizations"]
    related = ("commune",)
    prefetch = ("fields",)


class EnterpriseViewSet(RegistryViewSet):
    registry = "enterprises"
    serializer_class = EnterpriseSerializer
    filterset_class = FILTERS["enterprises"]
    related = ("commune", "industry")


class IPViewSet(RegistryViewSet):
    registry = "ip"
    serializer_class = IPSerializer
    filterset_class = FILTERS["ip"]
    related = ("applicant_expert",)
    prefetch = ("status_changes",)


class InfrastructureViewSet(RegistryViewSet):
    registry = "infrastructure"
    serializer_class = InfrastructureSerializer
    filterset_class = FILTERS["infrastructure"]
    related = ("organization", "enterprise")
    prefetch = ("fields",)


SEARCH = _(
    "With q, every word typed (marks optional: nguyen van finds Nguyễn Văn, d finds đ) must begin"
    " a word of the record, and the most relevant come first; otherwise Vietnamese alphabetical"
    " order."
)
DOCS = [
    (
        "experts",
        "expert",
        ExpertViewSet,
        _(
            "Experts and scientists of the province's network who agreed to be listed. E-mail,"
            " phone, year of birth and hometown are given to DOST callers only."
        ),
        _("One expert."),
    ),
    ("organizations", "organization", OrganizationViewSet, _("S&T and innovation organizations."),
     _("One organization.")),
    ("enterprises", "enterprise", EnterpriseViewSet,
     _("S&T enterprises and innovative startups (DOST callers: every enterprise)."),
     _("One enterprise.")),
    ("ip", "ip", IPViewSet,
     _("Granted industrial property objects (DOST callers: every application)."),
     _("One industrial property object.")),
    ("infrastructure", "infrastructure", InfrastructureViewSet,
     _("Laboratories and major research equipment, with their availability for shared use."),
     _("One laboratory or piece of equipment.")),
]  # fmt: skip

for path, basename, viewset, many, one in DOCS:
    extend_schema_view(
        list=extend_schema(tags=[TAG], description=format_lazy("{} {}", many, SEARCH)),
        retrieve=extend_schema(tags=[TAG], description=one, parameters=[ID_PARAMETER]),
    )(viewset)
    router.register(path, viewset, basename=basename)
