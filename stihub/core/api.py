"""`GET /api/me/`: who the caller is, so that another system can check its token."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_serializer
from rest_framework import serializers, viewsets
from rest_framework.response import Response

from stihub.api import router

from .choices import Role
from .rules import main_role

OWN_ACCOUNT = "core.manage_own_account"


class RoleSerializer(serializers.Serializer):
    role = serializers.ChoiceField(Role.choices, help_text=_("The role's code."))
    agency = serializers.CharField(
        allow_null=True, help_text=_("The code of the agency a reporter reports for, or null.")
    )


@extend_schema_serializer(many=False)
class MeSerializer(serializers.Serializer):
    username = serializers.CharField(help_text=_("The user name."))
    role = serializers.ChoiceField(
        Role.choices,
        allow_null=True,
        help_text=_(
            "The main role: the first the user holds of admin, dost, reporter, expert; "
            "null without a role."
        ),
    )
    agency = serializers.CharField(
        allow_null=True,
        help_text=_("The code of the main role's agency (a reporter's), or null."),
    )
    roles = RoleSerializer(many=True, help_text=_("Every role the user holds."))


def describe(user) -> dict:
    """The caller as `MeSerializer` describes them."""
    held = sorted(
        (
            (a.role, a.agency.code if a.agency_id else None)
            for a in user.role_assignments.select_related("agency")
        ),
        key=lambda pair: (pair[0], pair[1] or ""),
    )
    role = main_role(user)
    # A reporter of several agencies: the first by code; all of them are in "roles".
    agency = next((code for held_role, code in held if held_role == role and code), None)
    return {
        "username": user.get_username(),
        "role": role.value if role else None,
        "agency": agency,
        "roles": [{"role": r, "agency": code} for r, code in held],
    }


class MeViewSet(viewsets.ViewSet):
    """The signed-in caller (session or API token): user name, main role and agency."""

    permissions = {"list": OWN_ACCOUNT}

    @extend_schema(
        tags=["accounts"],
        responses=MeSerializer,
        summary=_("Who am I"),
        description=_(
            "The caller, signed in by session or by API token (header Authorization: Token "
            "<key>): user name, main role and its agency, and every role held. Anonymous: 403."
        ),
    )
    def list(self, request):
        return Response(MeSerializer(describe(request.user)).data)


router.register("me", MeViewSet, basename="me")
