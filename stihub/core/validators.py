"""Validators of the code rule (engines/codes.py) for forms and models of every app."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext

from stihub.engines.codes import CODE_RULE, code_params, is_code


def validate_code(value) -> None:
    """Refuse a code that breaks the code rule, saying which code and what is allowed."""
    if not is_code(value):
        # The value goes in as a parameter: a "%" typed in it must not be read as a placeholder.
        raise ValidationError(gettext(CODE_RULE), code="code", params=code_params(value))
