"""The one filter set per registry, shared by the list pages and the API: `q` (search.py) and
the facet filters. Parameters are codes, choices and integers described exactly in the schema;
an unknown code finds nothing, a malformed value is refused (400 in the API, a message on the
page). Results come most relevant first when `q` is given, else in Vietnamese order."""

import django_filters
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field

from stihub.core.parameters import IntegerParameterField
from stihub.monitoring.filters import ChoiceFilter, CodeFilter, YearFilter

from . import search
from .choices import (
    AcademicTitle,
    Degree,
    EnterpriseSize,
    ExpertRole,
    InfrastructureKind,
    IPKind,
    IPStatus,
    Location,
    OrganizationKind,
    SharedUse,
)
from .models import Enterprise, Expert, FieldOfScience, Infrastructure, IPObject, Organization
from .registries import CERTIFIED, STARTUP

MAX_LINKED = 5_000  # rows of a field of science looked up by id; more are checked row by row
MAX_UNIT_CODE = 2**31 - 1  # official codes are five digits; anything an integer column holds


@extend_schema_field({"type": "string", "maxLength": search.MAX_QUERY, "pattern": "^[^\\u0000]*$"})
class SearchFilter(django_filters.CharFilter):
    """What the user typed, with or without marks; every word must begin a word of the record."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", search.MAX_QUERY)
        kwargs.setdefault("label", _("Search"))
        super().__init__(*args, **kwargs)


@extend_schema_field({"type": "integer", "minimum": 1, "maximum": MAX_UNIT_CODE})
class UnitFilter(django_filters.NumberFilter):
    """The official code of a commune-level unit, in ASCII digits."""

    field_class = IntegerParameterField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_UNIT_CODE)
        super().__init__(*args, **kwargs)


class RegistryFilter(django_filters.FilterSet):
    """`q` and ordering, common to the registries; `matched` is the same rows unordered (facets)."""

    registry = ""
    q = SearchFilter(method="filter_q")

    indexed = True  # the word index for `q`, or (for `scanned`) a LIKE on each row

    def filter_q(self, queryset, name, value):
        return search.match(queryset, search.parse(value), index=self.indexed)

    def filter_field(self, queryset, name, value):
        # A level-1 code takes in its level-2 fields: "2" finds rows filed under "2.2".
        codes = Q(code=value) | Q(parent__code=value)
        fields = list(FieldOfScience.objects.filter(codes).values_list("pk", flat=True))
        through = queryset.model.fields.through
        owner = queryset.model._meta.get_field("fields").m2m_field_name()
        links = through.objects.using(queryset.db).filter(fieldofscience__in=fields)
        # The rows filed under the field, by id when there are not too many: the database then
        # looks them up by id, where it would rather scan the whole table and join
        ids = list(links.values_list(f"{owner}_id", flat=True).distinct()[: MAX_LINKED + 1])
        if len(ids) <= MAX_LINKED:
            return search.id_in(queryset, ids)
        # else EXISTS: one index probe per row, so a page walked in order stops early
        return queryset.filter(Exists(links.filter(**{owner: OuterRef("pk")})))

    @property
    def query(self):
        return search.parse(self.form.cleaned_data.get("q")) if self.is_valid() else None

    def _filtered(self, queryset):
        """The filters, `q` last: PostgreSQL checks conditions of equal cost in the order
        written, so on a pass over the table the cheap facet filters go before the words."""
        data = self.form.cleaned_data
        for name, value in data.items():
            if name != "q":
                queryset = self.filters[name].filter(queryset, value)
        return self.filters["q"].filter(queryset, data.get("q"))

    @property
    def matched(self):
        """The matching rows without ordering or annotation, for counts and facets."""
        return self._filtered(self.queryset.all())

    @property
    def scanned(self):
        """The same rows, `q` checked row by row: for walks in order that stop early."""
        self.indexed = False
        try:
            return self._filtered(self.queryset.all())
        finally:
            self.indexed = True

    def filter_queryset(self, queryset):
        return search.order(self._filtered(queryset), self.query)


class WordsFilterSet(django_filters.FilterSet):
    """A page's filter set searched by words without a word index (each word a LIKE on the
    folded text: provincial scale), with its errors by label for the page; the most relevant
    first when words are given, else by `newest`."""

    q = SearchFilter(method="filter_q")
    newest = ("-created_at", "-pk")

    def filter_q(self, queryset, name, value):
        return search.match(queryset, search.parse(value), index=False)

    @property
    def query(self):
        return search.parse(self.form.cleaned_data.get("q")) if self.is_valid() else None

    @property
    def labelled_errors(self) -> list[tuple[str, list[str]]]:
        """The filters' errors by the filter's label (not its parameter name), for the page."""
        fields = self.form.fields
        return [
            (str(fields[name].label) if name in fields else "", list(errors))
            for name, errors in self.errors.items()
        ]

    def filter_queryset(self, queryset):
        rows = super().filter_queryset(queryset)
        query = self.query
        return rows.order_by(*self.newest) if query is None else search.order(rows, query)


def field_filter():
    return CodeFilter(
        label=_("Field of science"),
        method="filter_field",
        help_text=_("A code of the classification of S&T fields: 2 (with its subfields) or 2.2."),
    )


class ExpertFilter(RegistryFilter):
    registry = "experts"
    field = field_filter()
    location = ChoiceFilter(label=_("Lives and works"), choices=Location.choices)
    degree = ChoiceFilter(label=_("Degree"), choices=Degree.choices)
    academic_title = ChoiceFilter(label=_("Academic title"), choices=AcademicTitle.choices)
    role = ChoiceFilter(label=_("Role"), choices=ExpertRole.choices, method="filter_role")

    class Meta:
        model = Expert
        fields = ["q", "field", "location", "degree", "academic_title", "role"]

    def filter_role(self, queryset, name, value):
        # Role codes are not substrings of one another: `contains` on "reviewer;council" is exact.
        return queryset.filter(roles__contains=value)


class OrganizationFilter(RegistryFilter):
    registry = "organizations"
    kind = ChoiceFilter(label=_("Kind"), choices=OrganizationKind.choices)
    commune = UnitFilter(label=_("Commune / ward"), field_name="commune__code")
    field = field_filter()

    class Meta:
        model = Organization
        fields = ["q", "kind", "commune", "field"]


class EnterpriseFilter(RegistryFilter):
    registry = "enterprises"
    vsic = CodeFilter(
        label=_("Industry (VSIC 2018)"),
        field_name="industry__code",
        help_text=_("A VSIC 2018 division: two digits, e.g. 62."),
    )
    commune = UnitFilter(label=_("Commune / ward"), field_name="commune__code")
    size = ChoiceFilter(label=_("Size"), choices=EnterpriseSize.choices)
    status = ChoiceFilter(
        label=_("Recognition"),
        choices=[("certified", _("S&T enterprise")), ("startup", _("Innovative startup"))],
        method="filter_status",
    )

    class Meta:
        model = Enterprise
        fields = ["q", "vsic", "commune", "size", "status"]

    def filter_status(self, queryset, name, value):
        return queryset.filter(CERTIFIED if value == "certified" else STARTUP)


class IPFilter(RegistryFilter):
    registry = "ip"
    kind = ChoiceFilter(label=_("Kind"), choices=IPKind.choices)
    status = ChoiceFilter(label=_("Status"), choices=IPStatus.choices)
    year = YearFilter(label=_("Year filed"), field_name="filed_on__year")

    class Meta:
        model = IPObject
        fields = ["q", "kind", "status", "year"]


class InfrastructureFilter(RegistryFilter):
    registry = "infrastructure"
    kind = ChoiceFilter(label=_("Kind"), choices=InfrastructureKind.choices)
    shared_use = ChoiceFilter(label=_("Shared use"), choices=SharedUse.choices)
    field = field_filter()

    class Meta:
        model = Infrastructure
        fields = ["q", "kind", "shared_use", "field"]


FILTERS = {
    f.registry: f
    for f in (ExpertFilter, OrganizationFilter, EnterpriseFilter, IPFilter, InfrastructureFilter)
}
