"""Action programme API: items and their status (public reads). Evidence files are not listed:
they may hold internal documents (pages serve them to DOST and the item's agencies only)."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import serializers, viewsets

from stihub.api import CheckedLookup, router
from stihub.core.permissions import PUBLIC
from stihub.monitoring.api import ID_PARAMETER, ID_PATTERN

from .choices import Status
from .filters import ActionItemFilter
from .models import ActionItem

TAG = "programme"


class ActionItemSerializer(serializers.ModelSerializer):
    solution_group = serializers.SlugRelatedField(slug_field="code", read_only=True)
    resolution = serializers.CharField(source="solution_group.resolution.code", read_only=True)
    lead_agency = serializers.SlugRelatedField(slug_field="code", read_only=True)
    partner_agencies = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    status = serializers.SerializerMethodField()
    percent_done = serializers.IntegerField(
        source="latest_percent",
        read_only=True,
        allow_null=True,
        help_text=_("The newest progress update's percent done; null before any update."),
    )

    class Meta:
        model = ActionItem
        fields = [
            "id", "resolution", "solution_group", "code", "title", "lead_agency",
            "partner_agencies", "outputs", "deadline", "status", "cancel_reason",
            "percent_done", "is_sample", "updated_at",
        ]  # fmt: skip

    @extend_schema_field({"type": "string", "enum": Status.values})
    def get_status(self, item) -> str:
        return item.current_status().value


@extend_schema_view(
    list=extend_schema(
        tags=[TAG],
        description=_(
            "Action items (nhiệm vụ trong chương trình hành động) carrying out the solution"
            " groups, with their status; overdue: an open item past its deadline."
        ),
    ),
    retrieve=extend_schema(
        tags=[TAG], description=_("One action item."), parameters=[ID_PARAMETER]
    ),
)
class ActionItemViewSet(CheckedLookup, viewsets.ReadOnlyModelViewSet):
    permissions = {"list": PUBLIC, "retrieve": PUBLIC}
    queryset = (
        ActionItem.objects.with_current_status()
        .with_latest_percent()
        .select_related("solution_group__resolution", "lead_agency")
        .prefetch_related("partner_agencies")
    )
    serializer_class = ActionItemSerializer
    filterset_class = ActionItemFilter
    lookup_pattern = ID_PATTERN


router.register("action-items", ActionItemViewSet, basename="action-item")
