"""Query parameters checked before they reach the database: integers in ASCII digits within
their bounds, and the API's pagination built on them.

Kept apart from `stihub/api.py` because DRF imports the pagination class while it is still
loading its own views, so this module may import only DRF's pagination, not its views.
"""

import re

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.pagination import LimitOffsetPagination

# Largest offset accepted: the largest 32-bit integer, which every database takes in OFFSET.
MAX_OFFSET = 2**31 - 1


class IntegerParameterField(forms.IntegerField):
    """An integer query parameter written in ASCII digits only, within its bounds.

    Python's int() also reads "١٢" (Arabic-Indic digits), " 12 " and "12.0": each would be a
    second spelling of the same page; the API answers 400 instead."""

    ascii_integer = re.compile(r"-?[0-9]+")

    def to_python(self, value):
        if value is None:  # absent; present but empty ("?year=") is refused like any non-number
            return None
        if not self.ascii_integer.fullmatch(str(value)):
            raise DjangoValidationError(self.error_messages["invalid"], code="invalid")
        return int(value)


def integer_parameter(request, name, *, minimum, maximum, default):
    """The query parameter `name` as an integer in [minimum, maximum]; 400 naming it if not."""
    if name not in request.query_params:
        return default
    field = IntegerParameterField(min_value=minimum, max_value=maximum)
    try:
        return field.clean(request.query_params[name])
    except DjangoValidationError as error:
        raise exceptions.ValidationError({name: error.messages}) from error


class Pagination(LimitOffsetPagination):
    """?limit= and ?offset=, both checked: a page holds at most STIHUB_API_MAX_PAGE_SIZE rows,
    and a value out of range or not an integer is refused with 400 (never cut silently, never
    passed to the database, where 2**63 overflows)."""

    @property
    def max_limit(self):
        return settings.STIHUB_API_MAX_PAGE_SIZE

    def get_limit(self, request):
        return integer_parameter(
            request,
            self.limit_query_param,
            minimum=1,
            maximum=self.max_limit,
            default=min(self.default_limit, self.max_limit),
        )

    def get_offset(self, request):
        return integer_parameter(
            request, self.offset_query_param, minimum=0, maximum=MAX_OFFSET, default=0
        )

    def get_schema_operation_parameters(self, view):
        bounds = {
            self.limit_query_param: {"minimum": 1, "maximum": self.max_limit},
            self.offset_query_param: {"minimum": 0, "maximum": MAX_OFFSET},
        }
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            parameter["schema"].update(bounds.get(parameter["name"], {}))
        return parameters


class BooleanParameterField(forms.Field):
    """A yes/no query parameter: "true" or "false" (any case); anything else is refused rather
    than read as "no filter", so that a typo does not silently return every row."""

    widget = forms.TextInput
    default_error_messages = {"invalid": _("Enter true or false.")}
    spellings = {"true": True, "false": False}

    def to_python(self, value):
        if value is None:  # absent; present but empty is refused
            return None
        try:
            return self.spellings[str(value).lower()]
        except KeyError:
            raise DjangoValidationError(self.error_messages["invalid"], code="invalid") from None


class ChoiceParameterField(forms.ChoiceField):
    """One of its choices; present but empty is refused too (Django reads "" as "no choice")."""

    def clean(self, value):
        if value == "":
            raise DjangoValidationError(
                self.error_messages["invalid_choice"], code="invalid_choice", params={"value": ""}
            )
        return super().clean(value)
