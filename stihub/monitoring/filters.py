import django_filters

from .models import Observation, Target


class ObservationFilter(django_filters.FilterSet):
    indicator = django_filters.CharFilter(field_name="indicator__code")
    year_from = django_filters.NumberFilter(field_name="year", lookup_expr="gte")
    year_to = django_filters.NumberFilter(field_name="year", lookup_expr="lte")
    headline = django_filters.BooleanFilter(
        field_name="area", lookup_expr="exact", method="filter_headline"
    )

    class Meta:
        model = Observation
        fields = ["indicator", "year", "area", "is_sample"]

    def filter_headline(self, queryset, name, value):
        return queryset.filter(area="") if value else queryset.exclude(area="")


class TargetFilter(django_filters.FilterSet):
    resolution = django_filters.CharFilter(field_name="resolution__code")
    agency = django_filters.CharFilter(field_name="agency__code")

    class Meta:
        model = Target
        fields = ["resolution", "kind", "agency"]
