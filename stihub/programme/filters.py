"""The one filter set of action items, shared by the list page, its exports and the API.

Parameters are codes and ids, described exactly in the schema: an unknown agency code or group
id finds nothing (as the monitoring filters do); a malformed one is refused (400 in the API).
The list page shows them as selects (`views.items`)."""

import django_filters
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field

from stihub.core.parameters import IntegerParameterField
from stihub.monitoring.filters import CodeFilter

from .choices import Status
from .models import ActionItem

MAX_ID = 2**63 - 1


@extend_schema_field({"type": "integer", "minimum": 1, "maximum": MAX_ID})
class IdFilter(django_filters.NumberFilter):
    field_class = IntegerParameterField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(*args, **kwargs)


class ActionItemFilter(django_filters.FilterSet):
    agency = CodeFilter(label=_("Agency (lead or co-operating)"), method="filter_agency")
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=Status.choices, method="filter_status"
    )
    solution_group = IdFilter(label=_("Solution group"), field_name="solution_group_id")

    class Meta:
        model = ActionItem
        fields = ["agency", "status", "solution_group"]

    def filter_agency(self, queryset, name, value):
        return queryset.involving_code(value)

    def filter_status(self, queryset, name, value):
        # The status as people see it: `current` is annotated by the queryset (overdue derived).
        if "current" not in queryset.query.annotations:
            queryset = queryset.with_current_status()
        return queryset.filter(current=value)
