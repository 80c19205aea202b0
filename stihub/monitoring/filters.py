import django_filters
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field

from stihub.core.parameters import (
    BooleanParameterField,
    ChoiceParameterField,
    IntegerParameterField,
)
from stihub.core.validators import validate_code
from stihub.engines.codes import CODE_PATTERN

from .choices import Period, RevisionStatus, TargetKind
from .models import Observation, Target

FIRST_YEAR, LAST_YEAR = 1000, 9999  # four-digit years: a value beyond is refused, not queried


@extend_schema_field({"type": "integer", "minimum": FIRST_YEAR, "maximum": LAST_YEAR})
class YearFilter(django_filters.NumberFilter):
    """A year written in ASCII digits within four-digit years; anything else is refused (400
    in the API) before it reaches the database."""

    field_class = IntegerParameterField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", FIRST_YEAR)
        kwargs.setdefault("max_value", LAST_YEAR)
        super().__init__(*args, **kwargs)


@extend_schema_field({"type": "string", "pattern": f"^({CODE_PATTERN})?$"})
class CodeFilter(django_filters.CharFilter):
    """A code (engines/codes.py), or nothing (no filter); anything else is refused (400 in the
    API), so the schema can say exactly what is accepted."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("validators", [validate_code])
        super().__init__(*args, **kwargs)


@extend_schema_field({"type": "string", "pattern": "^[^\\u0000]*$", "maxLength": 120})
class AreaFilter(django_filters.CharFilter):
    """An area name as stored (any text but the NUL character, at most 120 characters)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 120)
        super().__init__(*args, **kwargs)


class BooleanFilter(django_filters.BooleanFilter):
    """true or false; anything else is refused (400 in the API), not read as "no filter"."""

    field_class = BooleanParameterField


class ChoiceFilter(django_filters.ChoiceFilter):
    """One of the choices; an empty or unknown value is refused (400 in the API)."""

    field_class = ChoiceParameterField


class ObservationFilter(django_filters.FilterSet):
    indicator = CodeFilter(field_name="indicator__code")
    area = AreaFilter(field_name="area")
    year = YearFilter(field_name="year")
    year_from = YearFilter(field_name="year", lookup_expr="gte")
    year_to = YearFilter(field_name="year", lookup_expr="lte")
    headline = BooleanFilter(field_name="area", lookup_expr="exact", method="filter_headline")
    is_sample = BooleanFilter(field_name="is_sample")
    period = ChoiceFilter(
        choices=[(p or "Y", label) for p, label in Period.choices], method="filter_period"
    )
    # Narrows what the caller may see (api.py, `visible_observations`): the public sees
    # approved values only, whatever it asks for.
    status = ChoiceFilter(
        choices=RevisionStatus.choices,
        help_text=_(
            "Revisions in this review status. Reporters see their agency's revisions of any "
            "status and DOST every one; for others only approved values exist."
        ),
    )
    agency = CodeFilter(field_name="agency__code")

    class Meta:
        model = Observation
        fields = ["indicator", "year", "area", "is_sample", "period", "status", "agency"]

    def filter_period(self, queryset, name, value):
        return queryset.filter(period="" if value == "Y" else value)

    def filter_headline(self, queryset, name, value):
        return queryset.filter(area="") if value else queryset.exclude(area="")


class TargetFilter(django_filters.FilterSet):
    resolution = CodeFilter(field_name="resolution__code")
    agency = CodeFilter(field_name="agency__code")
    kind = ChoiceFilter(choices=TargetKind.choices)

    class Meta:
        model = Target
        fields = ["resolution", "kind", "agency"]
