"""Monitoring API: resolutions, targets with their progress, observations (public reads)."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import serializers, viewsets

from stihub.api import CheckedLookup, router
from stihub.core.cache import CachedListMixin
from stihub.core.permissions import PUBLIC

from .filters import ObservationFilter, TargetFilter
from .models import Observation, Resolution, Target
from .progress import evaluate_targets

READ_PUBLIC = {"list": PUBLIC, "retrieve": PUBLIC}
TAG = "monitoring"
ID_PATTERN = "[0-9]+"  # a number beyond a bigint finds nothing (Django): 404
ID_PARAMETER = OpenApiParameter(
    "id", {"type": "integer", "minimum": 1, "maximum": 2**63 - 1}, OpenApiParameter.PATH
)


def read_only_docs(many, one, one_parameters=()):
    """OpenAPI text of a read-only viewset: translated descriptions of the list and of one."""
    return extend_schema_view(
        list=extend_schema(tags=[TAG], description=many),
        retrieve=extend_schema(tags=[TAG], description=one, parameters=list(one_parameters)),
    )


class ResolutionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Resolution
        fields = ["code", "title", "issuer", "issued", "period_start", "period_end", "updated_at"]


class YearValueSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    value = serializers.FloatField()


class BaselineSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    value = serializers.FloatField(allow_null=True)  # a baseline year without its value yet
    source = serializers.CharField(
        allow_null=True, help_text=_("resolution, observation (of the baseline year) or earliest")
    )


class ThresholdsSerializer(serializers.Serializer):
    on_track = serializers.FloatField()
    acceleration_needed = serializers.FloatField()
    stagnating = serializers.FloatField()


class ProgressSerializer(serializers.Serializer):
    """The computed progress of a target (the engine's `Progress.to_dict`), described for the
    OpenAPI schema; the explanation is given as sentences in the language asked for."""

    code = serializers.CharField()
    indicator = serializers.CharField()
    kind = serializers.CharField()
    direction = serializers.CharField()
    method = serializers.CharField()
    status = serializers.CharField(
        help_text=_(
            "achieved, on_track, acceleration_needed, stagnating, regressing or insufficient_data"
        )
    )
    as_of = serializers.IntegerField(allow_null=True)
    target_year = serializers.IntegerField()
    target_value = serializers.FloatField(allow_null=True)
    target_upper = serializers.FloatField(allow_null=True)
    factor = serializers.FloatField(allow_null=True)
    latest = YearValueSerializer(allow_null=True)
    baseline = BaselineSerializer(allow_null=True)
    projected = serializers.FloatField(allow_null=True)
    projection = serializers.CharField(allow_null=True)
    ratio = serializers.FloatField(allow_null=True)
    thresholds = ThresholdsSerializer(allow_null=True)
    cagr_observed = serializers.FloatField(allow_null=True)
    cagr_required = serializers.FloatField(allow_null=True)
    rate_basis = serializers.CharField(allow_null=True)
    slope = serializers.FloatField(allow_null=True)
    clipped = serializers.BooleanField()
    count_from = serializers.IntegerField(allow_null=True)
    cumulative_sum = serializers.FloatField(allow_null=True)
    years_counted = serializers.IntegerField(allow_null=True)
    observations = serializers.ListField(
        child=serializers.ListField(child=serializers.FloatField(), min_length=2, max_length=2),
        help_text=_("[year, value] pairs the computation used"),
    )
    explanation = serializers.ListField(child=serializers.CharField())


class TargetSerializer(serializers.ModelSerializer):
    resolution = serializers.SlugRelatedField(slug_field="code", read_only=True)
    indicator = serializers.SlugRelatedField(slug_field="code", read_only=True)
    agency = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    progress = serializers.SerializerMethodField()

    class Meta:
        model = Target
        fields = [
            "resolution", "code", "title", "indicator", "unit", "direction", "kind", "method",
            "baseline_year", "baseline_value", "target_year", "target_value", "target_upper",
            "factor", "count_from", "scale", "agency", "source", "progress",
        ]  # fmt: skip

    @extend_schema_field(ProgressSerializer)
    def get_progress(self, target):
        progress = self.context["progress"][target.pk].progress
        return {**progress.to_dict(), "explanation": [e.message for e in progress.explanation]}


class ObservationSerializer(serializers.ModelSerializer):
    indicator = serializers.SlugRelatedField(slug_field="code", read_only=True)
    agency = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)

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
class ResolutionViewSet(CheckedLookup, viewsets.ReadOnlyModelViewSet):
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
    [ID_PARAMETER],
)
class TargetViewSet(CachedListMixin, CheckedLookup, viewsets.ReadOnlyModelViewSet):
    permissions = READ_PUBLIC
    queryset = Target.objects.select_related("resolution", "indicator", "agency")
    serializer_class = TargetSerializer
    filterset_class = TargetFilter
    lookup_pattern = ID_PATTERN

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
    [ID_PARAMETER],
)
class ObservationViewSet(CheckedLookup, viewsets.ReadOnlyModelViewSet):
    permissions = READ_PUBLIC
    queryset = Observation.objects.select_related("indicator", "agency")
    serializer_class = ObservationSerializer
    filterset_class = ObservationFilter
    lookup_pattern = ID_PATTERN


router.register("resolutions", ResolutionViewSet)
router.register("targets", TargetViewSet)
router.register("observations", ObservationViewSet)
