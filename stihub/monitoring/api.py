"""Monitoring API: resolutions, targets with their progress, observations (public reads)."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import serializers, viewsets

from stihub.api import router
from stihub.core.permissions import PUBLIC

from .filters import ObservationFilter, TargetFilter
from .models import Observation, Resolution, Target
from .progress import evaluate_targets

READ_PUBLIC = {"list": PUBLIC, "retrieve": PUBLIC}
TAG = "monitoring"


def read_only_docs(many, one):
    """OpenAPI text of a read-only viewset: translated descriptions of the list and of one."""
    return extend_schema_view(
        list=extend_schema(tags=[TAG], description=many),
        retrieve=extend_schema(tags=[TAG], description=one),
    )


class ResolutionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Resolution
        fields = ["code", "title", "issuer", "issued", "period_start", "period_end", "updated_at"]


class TargetSerializer(serializers.ModelSerializer):
    resolution = serializers.SlugRelatedField(slug_field="code", read_only=True)
    indicator = serializers.SlugRelatedField(slug_field="code", read_only=True)
    agency = serializers.SlugRelatedField(slug_field="code", read_only=True)
    progress = serializers.SerializerMethodField()

    class Meta:
        model = Target
        fields = [
            "resolution", "code", "title", "indicator", "unit", "direction", "kind", "method",
            "baseline_year", "baseline_value", "target_year", "target_value", "target_upper",
            "factor", "count_from", "scale", "agency", "source", "progress",
        ]  # fmt: skip

    @extend_schema_field(serializers.DictField())
    def get_progress(self, target):
        progress = self.context["progress"][target.pk].progress
        return {**progress.to_dict(), "explanation": [e.message for e in progress.explanation]}


class ObservationSerializer(serializers.ModelSerializer):
    indicator = serializers.SlugRelatedField(slug_field="code", read_only=True)
    agency = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = Observation
        fields = [
            "id",
            "indicator",
            "year",
            "area",
            "value",
            "note",
            "source",
            "agency",
            "is_sample",
        ]


@read_only_docs(
    _("Resolutions and plans with measurable targets (nghị quyết)."),
    _("One resolution by its code."),
)
class ResolutionViewSet(viewsets.ReadOnlyModelViewSet):
    permissions = READ_PUBLIC
    queryset = Resolution.objects.all()
    serializer_class = ResolutionSerializer
    lookup_field = "code"


@read_only_docs(
    _(
        "Targets (mục tiêu) with their computed progress: latest value, projection, "
        "status and the computation in words."
    ),
    _("One target with its progress."),
)
class TargetViewSet(viewsets.ReadOnlyModelViewSet):
    permissions = READ_PUBLIC
    queryset = Target.objects.select_related("resolution", "indicator", "agency")
    serializer_class = TargetSerializer
    filterset_class = TargetFilter

    def get_serializer(self, *args, **kwargs):
        # Progress is computed for the whole page at once: one query for all the series.
        targets = args[0] if args else []
        targets = [targets] if isinstance(targets, Target) else list(targets)
        kwargs["context"] = {
            **self.get_serializer_context(),
            "progress": {p.target.pk: p for p in evaluate_targets(targets)},
        }
        return super().get_serializer(*args, **kwargs)


@read_only_docs(
    _(
        "Observations (số liệu): one value of an indicator for a year; an empty area is "
        "the headline series."
    ),
    _("One observation."),
)
class ObservationViewSet(viewsets.ReadOnlyModelViewSet):
    permissions = READ_PUBLIC
    queryset = Observation.objects.select_related("indicator", "agency")
    serializer_class = ObservationSerializer
    filterset_class = ObservationFilter


router.register("resolutions", ResolutionViewSet)
router.register("targets", TargetViewSet)
router.register("observations", ObservationViewSet)
